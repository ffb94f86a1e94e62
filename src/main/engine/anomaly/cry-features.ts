// The interpretable side of the personal model: each cry's acoustic measures (what stage 0 measures and what
// clinicians read: f0 level, range and variability, voicing, harmonicity, expiration length, level, spectral
// centroid) as a vector on scales where a change is symmetric (octaves for frequencies and durations, dB,
// semitones, fractions), standardised against the infant's own baseline. The same standardiser says, in the
// clinician's units, what moved: "f0 mean 640 Hz, +38 % over baseline (464 Hz)". Written by hand: it is the
// project's own definition of the measures, a few lines each.
import type { CryMeasures } from '../../../shared/contract'

/** The measures a cry carries (the contract's `CryMeasures`, the cries table's columns; `measureCry`'s output),
 * its peak aside; the f0 contour (every 10 ms, 0 where unvoiced: the melody's variability) is optional. */
export type CryMeasureValues = Omit<CryMeasures, 'peak'> & { f0Contour?: ArrayLike<number> | null }

type Scale = 'octave' | 'linear' | 'percent'

interface FeatureDef {
  key: string
  /** What a clinician calls it. */
  label: string
  unit: string
  scale: Scale
  /** Words for a fall and a rise (duration: "shorter" / "longer"). */
  down: string
  up: string
  value(m: CryMeasureValues): number
}

const log2 = (v: number | null | undefined) => (v !== null && v !== undefined && v > 0 ? Math.log2(v) : NaN)
const num = (v: number | null | undefined) => (v === null || v === undefined ? NaN : v)

/** Standard deviation of the voiced contour, in semitones (the melody's movement). */
function contourSpreadSt(contour: ArrayLike<number> | null | undefined): number {
  if (!contour) return NaN
  let n = 0
  let s = 0
  let s2 = 0
  for (let i = 0; i < contour.length; i++) {
    const f = contour[i]!
    if (!(f > 0)) continue
    const st = 12 * Math.log2(f)
    n++
    s += st
    s2 += st * st
  }
  if (n < 3) return NaN
  const m = s / n
  return Math.sqrt(Math.max(0, s2 / n - m * m))
}

export const CRY_FEATURES: readonly FeatureDef[] = [
  {
    key: 'f0',
    label: 'f0 mean',
    unit: 'Hz',
    scale: 'octave',
    down: 'lower',
    up: 'higher',
    value: (m) => log2(m.f0MeanHz),
  },
  {
    key: 'f0Range',
    label: 'f0 range',
    unit: 'st',
    scale: 'linear',
    down: 'narrower',
    up: 'wider',
    value: (m) => (m.f0MinHz && m.f0MaxHz && m.f0MinHz > 0 ? 12 * Math.log2(m.f0MaxHz / m.f0MinHz) : NaN),
  },
  {
    key: 'melody',
    label: 'melody (f0 sd)',
    unit: 'st',
    scale: 'linear',
    down: 'flatter',
    up: 'more variable',
    value: (m) => contourSpreadSt(m.f0Contour),
  },
  {
    key: 'voiced',
    label: 'voiced share',
    unit: '%',
    scale: 'percent',
    down: 'less voiced',
    up: 'more voiced',
    value: (m) => num(m.voicedFraction),
  },
  {
    key: 'hnr',
    label: 'HNR',
    unit: 'dB',
    scale: 'linear',
    down: 'noisier',
    up: 'clearer',
    value: (m) => num(m.hnrDb),
  },
  {
    key: 'duration',
    label: 'expiration',
    unit: 's',
    scale: 'octave',
    down: 'shorter',
    up: 'longer',
    value: (m) => log2(m.durationS),
  },
  {
    key: 'level',
    label: 'level',
    unit: 'dBFS',
    scale: 'linear',
    down: 'weaker',
    up: 'louder',
    value: (m) => num(m.rmsDbfs),
  },
  {
    key: 'centroid',
    label: 'spectral centroid',
    unit: 'Hz',
    scale: 'octave',
    down: 'darker',
    up: 'brighter',
    value: (m) => log2(m.spectralCentroidHz),
  },
]

export const CRY_FEATURE_DIM = CRY_FEATURES.length

/** One cry's feature vector (NaN where a measure is missing, e.g. f0 of an unvoiced cry). */
export function cryFeatureVector(m: CryMeasureValues, out = new Float64Array(CRY_FEATURE_DIM)): Float64Array {
  CRY_FEATURES.forEach((f, i) => (out[i] = f.value(m)))
  return out
}

/** n cries' feature vectors, row-major. */
export function cryFeatureMatrix(measures: readonly CryMeasureValues[]): Float64Array {
  const x = new Float64Array(measures.length * CRY_FEATURE_DIM)
  measures.forEach((m, i) => cryFeatureVector(m, x.subarray(i * CRY_FEATURE_DIM, (i + 1) * CRY_FEATURE_DIM)))
  return x
}

/** Mean and standard deviation of each feature over the infant's baseline (missing values left out). */
export interface FeatureStandardiser {
  keys: string[]
  mean: number[]
  sd: number[]
  /** Baseline cries that had the feature. */
  count: number[]
}

/**
 * The smallest spread a feature is standardised with: a baseline of identical values (a synthetic voice, one
 * repeated recording) must not make the smallest change infinitely unusual. In the feature's own units: a
 * twentieth of an octave, a quarter semitone, 1 dB, 2 percentage points.
 */
const SD_FLOOR: Record<Scale, number> = { octave: 0.05, linear: 0.25, percent: 0.02 }
const floorOf = (f: FeatureDef) => (f.unit === 'dB' || f.unit === 'dBFS' ? 1 : SD_FLOOR[f.scale])

export function fitStandardiser(x: Float64Array, n: number): FeatureStandardiser {
  const d = CRY_FEATURE_DIM
  const means = meanFeatures(x, n)
  const mean: number[] = []
  const sd: number[] = []
  const count: number[] = []
  for (let j = 0; j < d; j++) {
    const m = Number.isFinite(means[j]!) ? means[j]! : 0
    let k = 0
    let ss = 0
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j]!
      if (!Number.isFinite(v)) continue
      k++
      ss += (v - m) ** 2
    }
    mean.push(m)
    sd.push(Math.max(floorOf(CRY_FEATURES[j]!), k > 1 ? Math.sqrt(ss / (k - 1)) : 0))
    count.push(k)
  }
  return { keys: CRY_FEATURES.map((f) => f.key), mean, sd, count }
}

/** z-scores against the baseline; a missing measure (or one the baseline never had) counts as typical (0). */
export function standardise(s: FeatureStandardiser, x: Float64Array, n: number): Float64Array {
  const d = CRY_FEATURE_DIM
  const z = new Float64Array(n * d)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!
      z[i * d + j] = Number.isFinite(v) && s.count[j]! > 0 ? (v - s.mean[j]!) / s.sd[j]! : 0
    }
  return z
}

export interface FeatureChange {
  key: string
  label: string
  unit: string
  /** The cry's (or block's) value and the baseline's, in the clinician's units. */
  value: number
  baseline: number
  /** Standardised against the baseline. */
  z: number
  /** One phrase: "f0 mean 640 Hz, +38 % over baseline (464 Hz)". */
  text: string
}

function natural(f: FeatureDef, v: number): number {
  if (f.scale === 'octave') return 2 ** v
  if (f.scale === 'percent') return 100 * v
  return v
}

function fmt(v: number, unit: string): string {
  if (unit === 'Hz') return `${Math.round(v)} Hz`
  if (unit === 's') return `${v < 1 ? v.toFixed(2) : v.toFixed(1)} s`
  if (unit === '%') return `${Math.round(v)} %`
  return `${v.toFixed(1)} ${unit}`
}

function phrase(f: FeatureDef, value: number, baseline: number): string {
  const v = natural(f, value)
  const b = natural(f, baseline)
  const sign = (x: number) => (x >= 0 ? '+' : '−')
  if (f.scale === 'octave') {
    const pct = (v / b - 1) * 100
    if (f.key === 'duration')
      return `${f.label}s ${Math.abs(Math.round(pct))} % ${pct < 0 ? 'shorter' : 'longer'} (${fmt(v, f.unit)} vs ${fmt(b, f.unit)})`
    return `${f.label} ${fmt(v, f.unit)}, ${sign(pct)}${Math.abs(Math.round(pct))} % ${pct >= 0 ? 'over' : 'under'} baseline (${fmt(b, f.unit)})`
  }
  const diff = v - b
  const unit = f.unit === '%' ? 'points' : f.unit
  return `${f.label} ${fmt(v, f.unit)}, ${sign(diff)}${Math.abs(diff).toFixed(f.unit === '%' ? 0 : 1)} ${unit} (${diff < 0 ? f.down : f.up}; baseline ${fmt(b, f.unit)})`
}

/**
 * What moved, largest first: the features whose value lies at least `minAbsZ` baseline standard deviations
 * from the baseline mean (at most `max` of them). `values` is one cry's feature vector or a block's mean.
 */
export function explainFeatures(
  s: FeatureStandardiser,
  values: ArrayLike<number>,
  opts: { minAbsZ?: number; max?: number } = {},
): FeatureChange[] {
  const minAbsZ = opts.minAbsZ ?? 2
  const out: FeatureChange[] = []
  CRY_FEATURES.forEach((f, j) => {
    const v = values[j]!
    if (!Number.isFinite(v) || !(s.count[j]! > 0)) return
    const z = (v - s.mean[j]!) / s.sd[j]!
    if (Math.abs(z) < minAbsZ) return
    out.push({
      key: f.key,
      label: f.label,
      unit: f.unit,
      value: natural(f, v),
      baseline: natural(f, s.mean[j]!),
      z,
      text: phrase(f, v, s.mean[j]!),
    })
  })
  return out.sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, opts.max ?? 3)
}

/** Mean feature vector of several cries (missing values left out per feature). */
export function meanFeatures(x: Float64Array, n: number): Float64Array {
  const d = CRY_FEATURE_DIM
  const out = new Float64Array(d)
  for (let j = 0; j < d; j++) {
    let k = 0
    let s = 0
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j]!
      if (Number.isFinite(v)) {
        k++
        s += v
      }
    }
    out[j] = k ? s / k : NaN
  }
  return out
}

/** The explanation as one line, or null when nothing moved beyond the threshold. */
export function explanationText(changes: readonly FeatureChange[]): string | null {
  return changes.length ? changes.map((c) => c.text).join('; ') : null
}
