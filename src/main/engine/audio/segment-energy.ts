// The deliberately trivial baseline of docs/evaluation.md, protocol A: a bare energy threshold at the clip's
// 20th-percentile frame energy + 6 dB, events of at least 100 ms. Kept so `iclas eval segmentation --method
// energy` reproduces the published "for scale" figures, which checks the metric code; never used on imports.
import type { CrySegment } from './segment'

const FRAME_S = 0.01

export function segmentByEnergy(
  samples: Float32Array,
  sampleRate: number,
  { percentile = 20, marginDb = 6, minEventS = 0.1 } = {},
): CrySegment[] {
  const len = Math.round(sampleRate * FRAME_S)
  const n = Math.floor(samples.length / len)
  if (n === 0) return []
  const db = new Float64Array(n)
  for (let f = 0; f < n; f++) {
    let e = 0
    for (let i = f * len; i < (f + 1) * len; i++) e += samples[i]! * samples[i]!
    db[f] = 10 * Math.log10(e / len + 1e-12)
  }
  const sorted = Float64Array.from(db).sort()
  const floor = sorted[Math.min(n - 1, Math.floor((percentile / 100) * n))]!
  const threshold = floor + marginDb
  const out: CrySegment[] = []
  let start = -1
  for (let f = 0; f <= n; f++) {
    const active = f < n && db[f]! > threshold
    if (active && start < 0) start = f
    if (!active && start >= 0) {
      if ((f - start) * FRAME_S >= minEventS - 1e-9) out.push({ startS: start * FRAME_S, endS: f * FRAME_S })
      start = -1
    }
  }
  return out
}
