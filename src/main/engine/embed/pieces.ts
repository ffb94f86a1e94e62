// What gets embedded from a recording's cry segments: the same rule training used (training/data.py
// `embedding_cries`), so evaluation and import see what the backbone was trained on. Expirations shorter than
// 0.3 s carry too few frames for statistics pooling; long ones are cut into equal pieces of at most 3 s (the
// training crops were 0.5–2 s). A recording with no usable cry falls back to its longest segment or its start.

export interface TimeSpan {
  startS: number
  endS: number
}

export const MIN_PIECE_S = 0.3
export const MAX_PIECE_S = 3

export function embeddingPieces(segments: readonly TimeSpan[], durationS: number): TimeSpan[] {
  // Hand-marked segments can run past a truncated file's end.
  const segs = segments
    .map((s) => ({ startS: Math.max(0, s.startS), endS: Math.min(durationS, s.endS) }))
    .filter((s) => s.endS > s.startS)
  const out: TimeSpan[] = []
  for (const { startS: a, endS: b } of segs) {
    if (b - a < MIN_PIECE_S) continue
    const n = Math.ceil((b - a) / MAX_PIECE_S - 1e-9)
    const step = (b - a) / n
    for (let k = 0; k < n; k++) out.push({ startS: a + k * step, endS: a + (k + 1) * step })
  }
  if (out.length) return out
  if (segs.length) {
    const longest = segs.reduce((x, y) => (y.endS - y.startS > x.endS - x.startS ? y : x))
    const mid = (longest.startS + longest.endS) / 2
    return [{ startS: Math.max(0, mid - MIN_PIECE_S / 2), endS: Math.min(durationS, mid + MIN_PIECE_S / 2) }]
  }
  return [{ startS: 0, endS: Math.min(durationS, MAX_PIECE_S) }]
}
