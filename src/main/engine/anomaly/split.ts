// Held-out part of a baseline, by recording: cries of one recording share the phone, the room and the day, so a
// random split of cries would leak and make every model look better than it is on a new recording.
import { permutation, type Rng } from './rng'

export interface BaselineSplit {
  train: Int32Array
  heldOut: Int32Array
}

/**
 * Holds out whole groups (in a seeded random order) until at least `share` of the rows are held out, keeping at
 * least one group for training. Without groups, or with a single group, rows are held out individually.
 * Returns an empty held-out part when there are fewer than `minRows` rows.
 */
export function heldOutSplit(
  n: number,
  groups: ArrayLike<number | string> | undefined,
  share: number,
  rng: Rng,
  minRows = 4,
): BaselineSplit {
  const all = Int32Array.from({ length: n }, (_, i) => i)
  if (n < minRows || share <= 0) return { train: all, heldOut: new Int32Array(0) }
  const target = Math.max(1, Math.round(share * n))
  const byGroup = new Map<number | string, number[]>()
  if (groups) {
    if (groups.length !== n) throw new Error(`${groups.length} group ids for ${n} rows`)
    for (let i = 0; i < n; i++) {
      const g = groups[i]
      const list = byGroup.get(g)
      if (list) list.push(i)
      else byGroup.set(g, [i])
    }
  }
  const held = new Uint8Array(n)
  if (byGroup.size >= 2) {
    // Sort ids first so the split does not depend on the order rows arrived in.
    const ids = [...byGroup.keys()].sort((a, b) =>
      String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
    )
    const order = permutation(ids.length, rng)
    let count = 0
    for (let t = 0; t < order.length - 1 && count < target; t++) {
      for (const i of byGroup.get(ids[order[t]])!) held[i] = 1
      count += byGroup.get(ids[order[t]])!.length
    }
  } else {
    const order = permutation(n, rng)
    for (let t = 0; t < Math.min(target, n - 1); t++) held[order[t]] = 1
  }
  const train: number[] = []
  const heldOut: number[] = []
  for (let i = 0; i < n; i++) (held[i] ? heldOut : train).push(i)
  return { train: Int32Array.from(train), heldOut: Int32Array.from(heldOut) }
}

/**
 * dst[0..count) = x[from..from + count). Typed arrays go through the engine's native copy (a float32 → float64
 * conversion there is exact, as in the element loop); other array-likes element by element.
 */
export function copyValues(dst: Float64Array, x: ArrayLike<number>, count: number, from = 0): void {
  if (x instanceof Float64Array || x instanceof Float32Array)
    dst.set(from === 0 && x.length === count ? x : x.subarray(from, from + count))
  else for (let i = 0; i < count; i++) dst[i] = x[from + i]
}

/** The first `count` values of x as doubles: x itself when it is a Float64Array already, else a copy. */
export function asFloat64(x: ArrayLike<number>, count: number): Float64Array {
  if (x instanceof Float64Array) return x
  const out = new Float64Array(count)
  copyValues(out, x, count)
  return out
}

export function takeRows(x: ArrayLike<number>, d: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * d)
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d
    for (let j = 0; j < d; j++) out[r * d + j] = x[o + j]
  }
  return out
}
