// Calibration: a raw anomaly score becomes its percentile among the infant's own baseline scores, so that one
// threshold (say 0.95) means "more unusual than 95 % of this infant's normal cries" for every model and infant.
// The reference scores are out-of-sample: each baseline cry is scored by a model fitted without its recording
// (leave-one-recording-out; see index.ts). Between reference scores the percentile is interpolated linearly at
// the plotting positions i/(m+1); beyond the extremes it follows an exponential tail (a generalised Pareto tail
// with shape 0) whose scale is the maximum-likelihood fit — the mean excess — of the most extreme fifth of the
// reference scores over their threshold. That keeps the map continuous, strictly increasing and inside (0, 1)
// without a tuned constant, and it does not pretend to know a heavier tail from a few dozen cries.

export interface CalibrationJson {
  method: 'loro-ecdf-exponential-tail'
  /** Out-of-sample raw scores of the baseline cries, in row order. */
  scores: number[]
  /** Recording of each score (the group it was held out with). */
  recordings: (string | number)[]
  /** How the held-out folds were formed: whole recordings, or single cries when the baseline has one recording. */
  grouping: 'recording' | 'cry'
  folds: number
}

interface Tail {
  scale: number
}

export class ScoreCalibration {
  private readonly sorted: Float64Array
  private readonly positions: Float64Array
  private readonly upper: Tail
  private readonly lower: Tail

  constructor(readonly json: CalibrationJson) {
    const finite = json.scores.filter((v) => Number.isFinite(v))
    if (finite.length < 2) throw new Error('calibration needs at least two finite baseline scores')
    const s = Float64Array.from(finite).sort()
    const m = s.length
    // Distinct values with the mean plotting position of their ties.
    const vals: number[] = []
    const pos: number[] = []
    for (let i = 0; i < m;) {
      let j = i
      while (j + 1 < m && s[j + 1] === s[i]) j++
      vals.push(s[i])
      pos.push((i + j + 2) / 2 / (m + 1))
      i = j + 1
    }
    this.sorted = Float64Array.from(vals)
    this.positions = Float64Array.from(pos)
    const k = Math.max(2, Math.ceil(0.2 * m))
    this.upper = { scale: meanExcess(s.subarray(m - k), s[m - k - 1] ?? s[0]) }
    const low = Float64Array.from(s.subarray(0, k), (v) => -v)
    this.lower = { scale: meanExcess(low, -(s[k] ?? s[m - 1])) }
  }

  /** Percentile in (0, 1) of each raw score. */
  percentile(raw: ArrayLike<number>): Float64Array {
    const { sorted: v, positions: p, upper, lower } = this
    const last = v.length - 1
    const out = new Float64Array(raw.length)
    for (let i = 0; i < raw.length; i++) {
      const x = raw[i]
      if (Number.isNaN(x)) out[i] = NaN
      else if (x >= v[last]) out[i] = 1 - (1 - p[last]) * Math.exp(-(x - v[last]) / upper.scale)
      else if (x <= v[0]) out[i] = p[0] * Math.exp(-(v[0] - x) / lower.scale)
      else {
        // Binary search for v[j] ≤ x < v[j+1].
        let lo = 0
        let hi = last
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1
          if (v[mid] <= x) lo = mid
          else hi = mid
        }
        const t = (x - v[lo]) / (v[hi] - v[lo])
        out[i] = p[lo] + t * (p[hi] - p[lo])
      }
    }
    return out
  }

  /** Raw score at a given percentile (inverse of `percentile`), e.g. the score a 0.95 threshold corresponds to. */
  rawAt(q: number): number {
    const { sorted: v, positions: p, upper, lower } = this
    const last = v.length - 1
    if (!(q > 0 && q < 1)) throw new Error(`percentile must be in (0, 1), got ${q}`)
    if (q >= p[last]) return v[last] - upper.scale * Math.log((1 - q) / (1 - p[last]))
    if (q <= p[0]) return v[0] + lower.scale * Math.log(q / p[0])
    let j = 0
    while (p[j + 1] < q) j++
    return v[j] + ((q - p[j]) / (p[j + 1] - p[j])) * (v[j + 1] - v[j])
  }
}

/** Exponential (GPD ξ = 0) scale MLE for the excesses of `top` over `threshold`, floored to stay positive. */
function meanExcess(top: ArrayLike<number>, threshold: number): number {
  let s = 0
  for (let i = 0; i < top.length; i++) s += top[i] - threshold
  const scale = s / top.length
  return scale > 0 ? scale : Math.max(Math.abs(threshold) * 1e-6, 1e-12)
}
