// k-means (greedy k-means++ seeding, then Lloyd) only to initialise the Gaussian mixture, as scikit-learn's
// GaussianMixture(init_params='kmeans') does. Seeded and deterministic; the labels need not match scikit-learn's
// (parity tests pass the initial labels explicitly).
import type { Rng } from './rng'
import { ptr, SimdArena } from './simd/kernels'

export interface KMeansResult {
  labels: Int32Array
  centres: Float64Array
  iterations: number
  /** Sum of squared distances to the assigned centres. */
  inertia: number
}

/**
 * The rows of one k-means problem in SIMD memory with scratch for up to kMax clusters: made once and reused by
 * every k-means run on the same rows (several inits, several K), so each run does not copy them in again.
 */
export class KMeansRows {
  readonly arena: SimdArena
  readonly xs: Float64Array
  readonly ct: Float64Array
  readonly dists: Float64Array
  readonly acc: Float64Array
  readonly sums: Float64Array
  readonly nearest: Int32Array

  constructor(
    x: Float64Array,
    readonly n: number,
    readonly d: number,
    readonly kMax: number,
  ) {
    const kp = (kMax + 3) & ~3
    this.arena = new SimdArena(SimdArena.bytes({ f64: [n * d, d * kp, n, kp, kMax * d], i32: [n] }))
    this.xs = this.arena.f64(n * d)
    this.xs.set(x.subarray(0, n * d))
    this.ct = this.arena.f64(d * kp)
    this.dists = this.arena.f64(n)
    this.acc = this.arena.f64(kp)
    this.sums = this.arena.f64(kMax * d)
    this.nearest = this.arena.i32(n)
  }
}

export function kmeans(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  rng: Rng,
  maxIter = 300,
  /** The same rows already in SIMD memory (KMeansRows), for k ≤ its kMax; made here when absent. */
  rows?: KMeansRows,
): KMeansResult {
  if (k < 1 || k > n) throw new Error(`k-means: ${k} clusters for ${n} rows`)
  // The passes over the rows (distances to a candidate centre, assignments, per-cluster sums) run in SIMD
  // kernels that add each distance's and each sum's terms in the same order as the scalar loops: the labels,
  // centres and inertia are those of the scalar loops, bit for bit.
  const buf = rows && rows.n === n && rows.d === d && rows.kMax >= k ? rows : new KMeansRows(x, n, d, k)
  const kp = (k + 3) & ~3
  const { arena, xs, ct, dists, acc, nearest } = buf
  const sums = buf.sums.subarray(0, k * d)
  const distsToRow = (r: number) => arena.k.sqDistsToF64(ptr(xs), n, d, ptr(xs) + r * d * 8, ptr(dists))

  const centres = new Float64Array(k * d)
  // Greedy k-means++ (Arthur & Vassilvitskii 2007, with 2 + ln k trials per step as scikit-learn).
  const closest = new Float64Array(n)
  const first = rng.int(n)
  centres.set(x.subarray(first * d, first * d + d), 0)
  let pot = 0
  distsToRow(first)
  for (let i = 0; i < n; i++) pot += closest[i] = dists[i]
  const trials = 2 + Math.floor(Math.log(k))
  const cand = new Float64Array(n)
  const best = new Float64Array(n)
  for (let c = 1; c < k; c++) {
    let bestPot = Infinity
    let bestIdx = 0
    for (let t = 0; t < trials; t++) {
      let r = rng.next() * pot
      let idx = 0
      for (; idx < n - 1; idx++) {
        r -= closest[idx]
        if (r < 0) break
      }
      let p = 0
      distsToRow(idx)
      for (let i = 0; i < n; i++) {
        const dist = dists[i]
        cand[i] = dist < closest[i] ? dist : closest[i]
        p += cand[i]
      }
      if (p < bestPot) {
        bestPot = p
        bestIdx = idx
        best.set(cand)
      }
    }
    centres.set(x.subarray(bestIdx * d, bestIdx * d + d), c * d)
    closest.set(best)
    pot = bestPot
  }

  // Lloyd. Tolerance as scikit-learn: 1e-4 × mean per-feature variance on the squared centre shift.
  let meanVar = 0
  for (let j = 0; j < d; j++) {
    let s = 0
    let ss = 0
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j]
      s += v
      ss += v * v
    }
    meanVar += ss / n - (s / n) * (s / n)
  }
  const tol = (1e-4 * meanVar) / d
  const assign = () => {
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) ct[j * kp + c] = centres[c * d + j]
    arena.k.nearestCentreF64(ptr(xs), n, d, ptr(ct), k, kp, ptr(nearest), ptr(dists), ptr(acc))
  }
  const labels = new Int32Array(n).fill(-1)
  const counts = new Float64Array(k)
  let it = 0
  for (; it < maxIter; it++) {
    let changed = 0
    assign()
    for (let i = 0; i < n; i++) {
      if (labels[i] !== nearest[i]) changed++
      labels[i] = nearest[i]
    }
    sums.fill(0)
    counts.fill(0)
    for (let i = 0; i < n; i++) counts[labels[i]]++
    arena.k.sumsByLabelF64(ptr(xs), n, d, ptr(nearest), ptr(sums))
    let shift = 0
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue // an empty cluster keeps its centre
      for (let j = 0; j < d; j++) {
        const v = sums[c * d + j] / counts[c]
        const t = v - centres[c * d + j]
        shift += t * t
        centres[c * d + j] = v
      }
    }
    if (changed === 0 || shift <= tol) break
  }
  // Labels consistent with the final centres.
  assign()
  let inertia = 0
  for (let i = 0; i < n; i++) {
    if (dists[i] < Infinity) labels[i] = nearest[i] // (no finite distance: the label stays, as it always did)
    inertia += dists[i]
  }
  return { labels, centres, iterations: it + 1, inertia }
}
