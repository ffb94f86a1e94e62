// A personal model as the analysis step and the evaluations use it: fitted on an infant's baseline cries, kept as
// JSON, and scoring new cries as percentiles of that baseline. It has up to two parts, each calibrated on the
// baseline by leave-one-recording-out refits:
//   - the embedding part: the chosen model kind (autoencoder, one-class SVM, mixture, shrinkage Gaussian) on the
//     backbone's embedding — who this infant sounds like;
//   - the measures part: shrinkage-covariance Gaussians (one to three components by BIC, OAS) on the cry's interpretable
//     measures standardised against the infant's own baseline (cry-features.ts) — f0, voicing, HNR, expiration
//     length, level, spectrum: what changes before illness, and what a clinician can be told moved.
// With both, the two out-of-sample percentiles are combined by Fisher's method (−ln(1 − p₁) − ln(1 − p₂)), and
// that statistic is calibrated again on the baseline's own leave-one-recording-out values, so a score keeps one
// meaning (the percentile among this infant's normal cries) whatever the parts.
import {
  CalibratedAnomalyModel,
  fitCalibratedModel,
  type AnomalyKind,
  type AnomalyParams,
  type CalibrationJson,
  type AnomalyModelJson,
} from './index'
import { ScoreCalibration } from './calibration'
import {
  CRY_FEATURE_DIM,
  explainFeatures,
  fitStandardiser,
  standardise,
  type FeatureChange,
  type FeatureStandardiser,
} from './cry-features'

/** Which parts a personal model has. */
export type FeatureSet = 'embedding' | 'measures' | 'both'

/** The model kinds a user chooses; 'gauss' is the mixture with one component and a shrunk full covariance. */
export type PersonalKind = AnomalyKind | 'gauss'

/** The one-component shrinkage Gaussian, as the mixture's parameters (OAS shrinkage, no K to choose). */
export const GAUSS_PARAMS = {
  components: [1, 1] as [number, number],
  covarianceType: 'full' as const,
  shrinkage: 'oas' as const,
  selection: 'bic' as const,
}

/** The engine kind and parameters a user's choice stands for. */
export function engineModel(
  kind: PersonalKind,
  params: Record<string, unknown> = {},
): { kind: AnomalyKind; params: AnomalyParams<AnomalyKind> } {
  if (kind === 'gauss') return { kind: 'gmm', params: { ...GAUSS_PARAMS } }
  return { kind, params: params as AnomalyParams<AnomalyKind> }
}

/**
 * The measures part: a mixture of one to three shrinkage Gaussians, K by BIC. A cry's measures are not one cloud:
 * phonated, hyperphonated and dysphonated expirations of the same healthy infant sit apart (HNR, f0, range), and a
 * single Gaussian stretched over them flags the rarer type as unusual. On the demo wards, replayed through the
 * same step (seeds 1–3), K ≤ 3 removed the false alerts a single Gaussian raised for two healthy infants.
 */
function measuresModel(): { kind: AnomalyKind; params: AnomalyParams<AnomalyKind> } {
  return { kind: 'gmm', params: { ...GAUSS_PARAMS, components: [1, 3] } }
}

interface PartJson {
  model: AnomalyModelJson
  calibration: CalibrationJson
}

export interface PersonalModelJson {
  /** The embedding part (absent for a measures-only model). Stored models from before the measures part have it
   * at the top level with no `featureSet`. */
  model?: AnomalyModelJson
  calibration?: CalibrationJson
  featureSet?: FeatureSet
  measures?: PartJson & { standardiser: FeatureStandardiser }
  /** Calibration of the combined statistic (both parts). */
  combined?: CalibrationJson
  /** The baseline's measures (mean and spread of each), kept whatever the parts: what a flag or an alert says
   * moved is read against them. */
  standardiser?: FeatureStandardiser
}

export interface PersonalFit {
  json: PersonalModelJson
  /** Leave-one-recording-out percentiles of the baseline cries, row order (the control charts' noise model). */
  baselinePercentiles: number[]
  groups: (string | number)[]
}

export interface PersonalFitOptions {
  seed?: number
  signal?: AbortSignal
  onProgress?: (fraction: number, stage: string) => void
  featureSet?: FeatureSet
  /** n × CRY_FEATURE_DIM measures (cryFeatureMatrix), row order as x; needed unless featureSet is 'embedding'. */
  features?: Float64Array | null
}

/** Fisher's combination of two percentiles (upper tails): larger = more unusual on either part. */
function fisher(p1: ArrayLike<number>, p2: ArrayLike<number>): number[] {
  const out: number[] = []
  for (let i = 0; i < p1.length; i++) {
    const a = Math.min(1 - 1e-12, p1[i]!)
    const b = Math.min(1 - 1e-12, p2[i]!)
    out.push(-Math.log1p(-a) - Math.log1p(-b))
  }
  return out
}

export async function fitPersonal(
  kind: PersonalKind,
  params: Record<string, unknown>,
  x: Float32Array,
  n: number,
  d: number,
  groups: (string | number)[],
  opts: PersonalFitOptions = {},
): Promise<PersonalFit> {
  const featureSet = opts.features ? (opts.featureSet ?? 'embedding') : 'embedding'
  const useEmbedding = featureSet !== 'measures'
  const useMeasures = featureSet !== 'embedding'
  const parts = (useEmbedding ? 1 : 0) + (useMeasures ? 1 : 0)
  let done = 0
  const progress = (stage: string) => (p: { fraction: number; stage: string }) =>
    opts.onProgress?.((done + p.fraction) / parts, `${stage}${p.stage ? `: ${p.stage}` : ''}`)
  const json: PersonalModelJson = { featureSet }
  if (opts.features) json.standardiser = fitStandardiser(opts.features, n)
  let pe: Float64Array | null = null
  let pm: Float64Array | null = null
  if (useEmbedding) {
    const e = engineModel(kind, params)
    const m = await fitCalibratedModel(e.kind, x, n, d, e.params, {
      seed: opts.seed ?? 1,
      groups,
      signal: opts.signal,
      onProgress: progress('embedding'),
    })
    const j = m.toJSON()
    json.model = j.model
    json.calibration = j.calibration
    pe = m.calibration.percentile(j.calibration.scores)
    done++
  }
  if (useMeasures) {
    const standardiser = json.standardiser!
    const z = standardise(standardiser, opts.features!, n)
    const e = measuresModel()
    const m = await fitCalibratedModel(e.kind, z, n, CRY_FEATURE_DIM, e.params, {
      seed: opts.seed ?? 1,
      groups,
      signal: opts.signal,
      onProgress: progress('measures'),
    })
    const j = m.toJSON()
    json.measures = { ...j, standardiser }
    pm = m.calibration.percentile(j.calibration.scores)
    done++
  }
  let baseline: Float64Array
  let recordings: (string | number)[]
  if (pe && pm) {
    const cal = json.calibration!
    json.combined = { ...cal, scores: fisher(pe, pm) }
    baseline = new ScoreCalibration(json.combined).percentile(json.combined.scores)
    recordings = cal.recordings
  } else {
    baseline = (pe ?? pm)!
    recordings = (json.calibration ?? json.measures!.calibration).recordings
  }
  return { json, baselinePercentiles: Array.from(baseline), groups: recordings }
}

/**
 * Calibrated scores (percentiles of the infant's baseline) of n cries: their embeddings (n × d) and, for a model
 * with a measures part, their measures (n × CRY_FEATURE_DIM).
 */
export function scorePersonal(
  json: PersonalModelJson,
  x: Float32Array,
  n: number,
  features?: Float64Array | null,
): Float64Array {
  const pe = json.model
    ? CalibratedAnomalyModel.fromJSON({ model: json.model, calibration: json.calibration! }).score(x, n)
    : null
  const pm =
    json.measures && features
      ? CalibratedAnomalyModel.fromJSON(json.measures).score(
          standardise(json.measures.standardiser, features, n),
          n,
        )
      : null
  if (pe && pm && json.combined) return new ScoreCalibration(json.combined).percentile(fisher(pe, pm))
  const only = pe ?? pm
  if (!only) throw new Error('this personal model needs the cries’ measures to score them')
  return only
}

/** What moved in one cry (or a block's mean measures) against the model's baseline; [] for a model fitted
 * without measures. */
export function explainPersonal(
  json: PersonalModelJson | null | undefined,
  values: ArrayLike<number>,
  opts?: { minAbsZ?: number; max?: number },
): FeatureChange[] {
  const s = json?.standardiser ?? json?.measures?.standardiser
  return s ? explainFeatures(s, values, opts) : []
}
