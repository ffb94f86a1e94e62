// Protocol A's metrics (docs/evaluation.md): frame-level scores on 10 ms frames, and event-based scores as
// in DCASE's sed_eval (onset within ±200 ms, offset within ±200 ms or 20 % of the reference length, whichever
// is larger, one-to-one maximum matching). Counts are summed over clips (micro-average), as sed_eval does.

export type Interval = readonly [number, number]

export interface Counts {
  tp: number
  fp: number
  fn: number
}

export interface Scores extends Counts {
  precision: number
  recall: number
  f1: number
}

export const FRAME_S = 0.01
export const ONSET_COLLAR_S = 0.2
export const OFFSET_COLLAR_S = 0.2
export const OFFSET_COLLAR_FRACTION = 0.2

export function scores(c: Counts): Scores {
  const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0
  const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0
  return { ...c, precision, recall, f1 }
}

/** Frame i (covering [i, i+1) × 10 ms) is active when its centre lies inside an interval. */
export function frameActivity(intervals: readonly Interval[], durationS: number): Uint8Array {
  const n = Math.max(0, Math.round(durationS / FRAME_S))
  const a = new Uint8Array(n)
  for (const [on, off] of intervals) {
    const first = Math.max(0, Math.ceil(on / FRAME_S - 0.5))
    const last = Math.min(n, Math.ceil(off / FRAME_S - 0.5))
    for (let i = first; i < last; i++) a[i] = 1
  }
  return a
}

export function frameCounts(
  reference: readonly Interval[],
  estimate: readonly Interval[],
  durationS: number,
): Counts {
  const r = frameActivity(reference, durationS)
  const e = frameActivity(estimate, durationS)
  const c = { tp: 0, fp: 0, fn: 0 }
  for (let i = 0; i < r.length; i++) {
    if (r[i] && e[i]) c.tp++
    else if (e[i]) c.fp++
    else if (r[i]) c.fn++
  }
  return c
}

function matches(ref: Interval, est: Interval): boolean {
  const offsetCollar = Math.max(OFFSET_COLLAR_S, OFFSET_COLLAR_FRACTION * (ref[1] - ref[0]))
  return (
    Math.abs(est[0] - ref[0]) <= ONSET_COLLAR_S + 1e-9 && Math.abs(est[1] - ref[1]) <= offsetCollar + 1e-9
  )
}

/** Event counts with one-to-one maximum bipartite matching (Kuhn's augmenting paths; a clip has few events). */
export function eventCounts(reference: readonly Interval[], estimate: readonly Interval[]): Counts {
  const adj = reference.map((r) => estimate.map((e, j) => (matches(r, e) ? j : -1)).filter((j) => j >= 0))
  const estOwner = new Int32Array(estimate.length).fill(-1)
  const augment = (i: number, seen: Uint8Array): boolean => {
    for (const j of adj[i]!) {
      if (seen[j]) continue
      seen[j] = 1
      if (estOwner[j] === -1 || augment(estOwner[j]!, seen)) {
        estOwner[j] = i
        return true
      }
    }
    return false
  }
  let tp = 0
  for (let i = 0; i < reference.length; i++) if (augment(i, new Uint8Array(estimate.length))) tp++
  return { tp, fp: estimate.length - tp, fn: reference.length - tp }
}

export function addCounts(a: Counts, b: Counts): Counts {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }
}
