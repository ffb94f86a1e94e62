// Stage 4: EWMA and CUSUM control charts on an infant's anomaly scores, with limits derived from that
// infant's own baseline. Hand-written: the statistics are a few lines each, and what matters here is how
// the scores are standardised, which no charting library decides for us.
//
// Why blocks, not single cries: cries of one bout are strongly correlated (same hunger, same room, same
// microphone), so a per-cry chart would treat one loud session as dozens of independent alarms. We chart
// one point per block (the cries of one recording within one hour) and standardise its mean z-score with
// the within- and between-recording variances estimated from the baseline's leave-one-recording-out
// scores (a one-way random-effects model). Under "no change" each block statistic is then ≈ N(0, 1), and
// the classic one-sided EWMA and CUSUM limits apply with their known in-control run lengths.
import { percentileToZ } from './normal'

export interface BaselineNoise {
  /** Variance of a cry's z-score around its recording's mean. */
  within: number
  /** Variance of recording means around the infant's mean, beyond what `within` explains. */
  between: number
  /** Mean z of the baseline (≈ 0 when calibration is by the same scores). */
  mean: number
  /** Baseline size, for clamping percentiles. */
  size: number
}

/**
 * Estimates the baseline noise from calibrated LORO scores grouped by recording (ANOVA estimators, with the
 * between-recording component floored at zero). Falls back to the N(0, 1) null when the baseline is too
 * small to estimate from.
 */
export function estimateBaselineNoise(
  percentiles: ArrayLike<number>,
  groups: ArrayLike<string | number>,
): BaselineNoise {
  const size = percentiles.length
  const z = Array.from(percentiles, (p) => percentileToZ(p, size))
  const byGroup = new Map<string | number, number[]>()
  for (let i = 0; i < z.length; i++) {
    const g = groups[i]!
    const list = byGroup.get(g) ?? []
    list.push(z[i]!)
    byGroup.set(g, list)
  }
  const mean = z.reduce((a, b) => a + b, 0) / Math.max(1, z.length)
  const k = byGroup.size
  if (z.length < 6 || k < 2) return { within: 1, between: 0, mean: 0, size }
  let ssWithin = 0
  let ssBetween = 0
  let sumN2 = 0
  for (const list of byGroup.values()) {
    const m = list.reduce((a, b) => a + b, 0) / list.length
    for (const v of list) ssWithin += (v - m) ** 2
    ssBetween += list.length * (m - mean) ** 2
    sumN2 += list.length ** 2
  }
  const N = z.length
  const msWithin = ssWithin / Math.max(1, N - k)
  const msBetween = ssBetween / (k - 1)
  const n0 = (N - sumN2 / N) / (k - 1) // effective group size for unbalanced groups
  const between = Math.max(0, (msBetween - msWithin) / n0)
  return { within: Math.max(1e-3, msWithin), between, mean, size }
}

/** The standardised statistic of one block of cries: ≈ N(0, 1) under the infant's baseline. */
export function blockStatistic(percentiles: ArrayLike<number>, noise: BaselineNoise): number {
  const n = percentiles.length
  if (n === 0) return 0
  let s = 0
  for (let i = 0; i < n; i++) s += percentileToZ(percentiles[i]!, noise.size)
  return (s / n - noise.mean) / Math.sqrt(noise.within / n + noise.between)
}

export interface ControlSettings {
  /** EWMA smoothing weight λ. */
  ewmaLambda: number
  /** EWMA limit in asymptotic standard deviations (L). */
  ewmaL: number
  /** CUSUM reference value k (half the shift to detect, in standard deviations). */
  cusumK: number
  /** CUSUM decision interval h. */
  cusumH: number
}

/**
 * Defaults from the SPC literature for detecting a one-standard-deviation shift: EWMA λ = 0.2, L = 3
 * (in-control average run length ≈ 560 blocks) and CUSUM k = 0.5, h = 4 (≈ 340 blocks). With a few blocks a day
 * that is months between false alarms if the baseline model were exact; h = 4 rather than 5 buys about two
 * blocks of detection delay for a one-standard-deviation shift.
 */
export const DEFAULT_CONTROL: ControlSettings = { ewmaLambda: 0.2, ewmaL: 3, cusumK: 0.5, cusumH: 4 }

export interface ControlPoint {
  /** The block statistic, on the scale of the infant's in-control dispersion (`raw / scale`). */
  value: number
  /** The block statistic against the baseline's noise alone, and the scale it was divided by. */
  raw: number
  scale: number
  /** The dispersion estimate after this point (see `blockScale`). */
  inControl: number
  sumSq: number
  ewma: number
  ewmaLimit: number
  cusum: number
  cusumLimit: number
  /** Statistics whose limit was crossed upwards at this point (one alert per excursion). */
  crossed: ('ewma' | 'cusum')[]
}

export interface ControlState {
  t: number
  ewma: number
  cusum: number
  ewmaAbove: boolean
  /** In-control blocks so far and the sum of their squared block statistics (the dispersion estimate). */
  inControl: number
  sumSq: number
}

export const INITIAL_CONTROL: ControlState = {
  t: 0,
  ewma: 0,
  cusum: 0,
  ewmaAbove: false,
  inControl: 0,
  sumSq: 0,
}

/**
 * The block statistic's scale, estimated from the infant's in-control blocks and shrunk towards the baseline's
 * own figure (1) with the weight of `DISPERSION_PRIOR_BLOCKS` blocks; never below 1.
 *
 * Why: the baseline's leave-one-recording-out scores come from a handful of recordings made within a day or two,
 * so the between-recording variance they give is poorly determined and usually near zero, while recordings
 * made over the following days differ more (time of day, ward activity, the infant's state). Charted as if
 * exact, every block of forty cries then looks like a shift: on protocol E's simulated ward the in-control block
 * statistics had a standard deviation of 1.4–1.7 instead of 1, and healthy infants were alerted every few days.
 * The standard remedy of statistical process control is to estimate the monitored statistic's in-control
 * spread from in-control data (Phase I) and keep updating it while the process stays in control; blocks
 * during an excursion (EWMA above its limit or CUSUM past h) never enter the estimate, and the estimate can only
 * widen the limits, so a real change still moves the charts. Only the upper half counts (twice the mean of
 * max(0, v)², the upper semivariance, = 1 for N(0, 1)): the charts are one-sided, and blocks far below the
 * baseline (common right after it, whose leave-one-recording-out models were fitted on less) say nothing about
 * how far an ordinary block rises. The prior weight of six blocks is two days of a ward recording three times a
 * day: until then the baseline's own figure dominates.
 */
export const DISPERSION_PRIOR_BLOCKS = 6

export function blockScale(state: Pick<ControlState, 'inControl' | 'sumSq'>): number {
  const w = DISPERSION_PRIOR_BLOCKS
  return Math.sqrt(Math.max(1, (2 * state.sumSq + w) / (state.inControl + w)))
}

/** One step of both charts. Only upward shifts matter: a cry less anomalous than usual is not a concern. */
export function stepControl(
  state: ControlState,
  raw: number,
  s: ControlSettings = DEFAULT_CONTROL,
): { state: ControlState; point: ControlPoint } {
  const scale = blockScale(state)
  const value = raw / scale
  const t = state.t + 1
  const lambda = s.ewmaLambda
  const ewma = lambda * value + (1 - lambda) * state.ewma
  // Exact (time-varying) EWMA variance, so the first blocks are not over-alarmed.
  const ewmaLimit = s.ewmaL * Math.sqrt((lambda / (2 - lambda)) * (1 - (1 - lambda) ** (2 * t)))
  const cusum = Math.max(0, state.cusum + value - s.cusumK)
  const crossed: ('ewma' | 'cusum')[] = []
  const ewmaAbove = ewma > ewmaLimit
  if (ewmaAbove && !state.ewmaAbove) crossed.push('ewma')
  if (cusum > s.cusumH) crossed.push('cusum')
  const inControl = !ewmaAbove && !state.ewmaAbove && cusum <= s.cusumH
  const n = state.inControl + (inControl ? 1 : 0)
  const sumSq = state.sumSq + (inControl && raw > 0 ? raw * raw : 0)
  return {
    // The CUSUM restarts from zero after a signal, as the procedure prescribes; the point keeps the value
    // that crossed, for display and for the alert.
    state: { t, ewma, cusum: cusum > s.cusumH ? 0 : cusum, ewmaAbove, inControl: n, sumSq },
    point: {
      value,
      raw,
      scale,
      inControl: n,
      sumSq,
      ewma,
      ewmaLimit,
      cusum,
      cusumLimit: s.cusumH,
      crossed,
    },
  }
}

/** Runs both charts over a series of block statistics. */
export function runControl(values: ArrayLike<number>, s: ControlSettings = DEFAULT_CONTROL): ControlPoint[] {
  let state = INITIAL_CONTROL
  const out: ControlPoint[] = []
  for (let i = 0; i < values.length; i++) {
    const r = stepControl(state, values[i]!, s)
    state = r.state
    out.push(r.point)
  }
  return out
}
