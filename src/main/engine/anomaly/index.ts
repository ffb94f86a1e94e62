// The personal anomaly models behind one interface: fit any kind on an infant's baseline embeddings, load it
// back from its JSON, and calibrate its scores onto that infant's baseline with leave-one-recording-out (LORO)
// refits. Fits are generators (steps.ts): `fit…Steps` for a worker that drives them, the async `fit…` wrappers
// for callers that want progress and cancellation without caring how.
import { AE_DEFAULTS, Autoencoder, fitAutoencoderSteps, type AeJson, type AeParams } from './autoencoder'
import { ScoreCalibration, type CalibrationJson } from './calibration'
import { GaussianMixture, type GmmJson } from './gmm'
import { fitGmmSteps, GMM_DEFAULTS, type GmmParams } from './gmm-select'
import { fitOcsvmSteps, OCSVM_DEFAULTS, OneClassSvm, type OcsvmJson, type OcsvmParams } from './ocsvm'
import { takeRows } from './split'
import { runAsync, scaled, type FitSteps } from './steps'
import type { AnomalyKind, AnomalyModel, AnomalyModelJson, FitOptions } from './types'

export type { AnomalyKind, AnomalyModel, AnomalyModelJson, FitOptions, FitProgress } from './types'
export type { CalibrationJson } from './calibration'

export interface AnomalyParamsByKind {
  ae: AeParams
  ocsvm: OcsvmParams
  gmm: GmmParams
}
export type AnomalyParams<K extends AnomalyKind> = Partial<AnomalyParamsByKind[K]>

export const ANOMALY_DEFAULTS: AnomalyParamsByKind = {
  ae: AE_DEFAULTS,
  ocsvm: OCSVM_DEFAULTS,
  gmm: GMM_DEFAULTS,
}

export function fitAnomalyModelSteps<K extends AnomalyKind>(
  kind: K,
  x: Float32Array | Float64Array,
  n: number,
  d: number,
  params: AnomalyParams<K> = {},
  opts: Pick<FitOptions, 'seed' | 'groups'> = {},
): FitSteps<AnomalyModel> {
  switch (kind) {
    case 'ae':
      return fitAutoencoderSteps(x, n, d, params as Partial<AeParams>, opts)
    case 'ocsvm':
      return fitOcsvmSteps(x, n, d, params as Partial<OcsvmParams>)
    case 'gmm':
      return fitGmmSteps(x, n, d, params as Partial<GmmParams>, opts)
    default:
      throw new Error(`unknown anomaly model kind "${kind as string}"`)
  }
}

/** Fits one model on a baseline (n × d row-major). Reports progress; throws the signal's reason when aborted. */
export function fitAnomalyModel<K extends AnomalyKind>(
  kind: K,
  x: Float32Array | Float64Array,
  n: number,
  d: number,
  params: AnomalyParams<K> = {},
  opts: FitOptions = {},
): Promise<AnomalyModel> {
  return runAsync(fitAnomalyModelSteps(kind, x, n, d, params, opts), opts)
}

export function loadAnomalyModel(json: AnomalyModelJson): AnomalyModel {
  if (json.version !== 1) throw new Error(`unsupported anomaly model version ${String(json.version)}`)
  switch (json.kind) {
    case 'ae':
      return Autoencoder.fromJSON(json as AeJson)
    case 'ocsvm':
      return OneClassSvm.fromJSON(json as OcsvmJson)
    case 'gmm':
      return GaussianMixture.fromJSON(json as GmmJson)
    default:
      throw new Error(`unknown anomaly model kind "${(json as { kind: string }).kind}"`)
  }
}

/**
 * Hyper-parameters the full-baseline fit settled on, frozen for the LORO refits so that calibration describes
 * the chosen model and not a re-selection per fold: OC-SVM keeps its gamma, the mixture its K and covariance
 * type, the autoencoder trains for its best epoch count with nothing held out.
 */
function frozenParams(model: AnomalyModel): { kind: AnomalyKind; params: AnomalyParams<AnomalyKind> } {
  if (model instanceof OneClassSvm) {
    const { nu, gamma, tol, shrinking } = model.params
    return { kind: 'ocsvm', params: { nu, gamma, tol, shrinking } }
  }
  if (model instanceof GaussianMixture) {
    const s = model.settings
    return {
      kind: 'gmm',
      params: {
        covarianceType: s.covarianceType,
        components: [s.k, s.k],
        regCovar: s.regCovar,
        shrinkage: s.shrinkage,
        tol: s.tol,
        selection: 'bic',
        kmeansInits: s.kmeansInits,
      },
    }
  }
  if (model instanceof Autoencoder) {
    const f = model.fit
    return {
      kind: 'ae',
      params: { ...f.settings, layers: model.layers, epochs: Math.max(1, f.bestEpoch), heldOutShare: 0 },
    }
  }
  throw new Error('frozenParams: unknown model')
}

/** A model plus the calibration of its scores on the infant's baseline: what the store keeps as one version. */
export class CalibratedAnomalyModel {
  constructor(
    readonly model: AnomalyModel,
    readonly calibration: ScoreCalibration,
  ) {}

  get kind(): AnomalyKind {
    return this.model.kind
  }

  /** Raw scores (higher = more anomalous, model-specific units). */
  rawScore(x: Float32Array | Float64Array, n: number): Float64Array {
    return this.model.score(x, n)
  }

  /** Calibrated scores in (0, 1): the percentile among the baseline's out-of-sample scores. */
  score(x: Float32Array | Float64Array, n: number): Float64Array {
    return this.calibration.percentile(this.model.score(x, n))
  }

  toJSON(): { model: AnomalyModelJson; calibration: CalibrationJson } {
    return { model: this.model.toJSON(), calibration: this.calibration.json }
  }

  static fromJSON(j: { model: AnomalyModelJson; calibration: CalibrationJson }): CalibratedAnomalyModel {
    return new CalibratedAnomalyModel(loadAnomalyModel(j.model), new ScoreCalibration(j.calibration))
  }
}

export interface CalibrationOptions {
  /** At most this many LORO folds; recordings are dealt round-robin into folds beyond it. */
  maxFolds?: number
}

/**
 * Fits a model on the whole baseline, then scores every baseline cry with a refit that never saw its recording.
 * `opts.groups` must carry the recording id of each row; with a single recording, folds are formed of cries.
 */
export function* fitCalibratedSteps<K extends AnomalyKind>(
  kind: K,
  x: Float32Array | Float64Array,
  n: number,
  d: number,
  params: AnomalyParams<K> = {},
  opts: Pick<FitOptions, 'seed' | 'groups'> & CalibrationOptions = {},
): FitSteps<CalibratedAnomalyModel> {
  const maxFolds = opts.maxFolds ?? 10
  const groups = opts.groups ? Array.from(opts.groups) : Array.from({ length: n }, () => 0)
  if (groups.length !== n) throw new Error(`${groups.length} recording ids for ${n} baseline embeddings`)
  const recordings = [...new Set(groups)].sort((a, b) =>
    String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
  )
  const grouping = recordings.length >= 2 ? 'recording' : 'cry'
  const units = grouping === 'recording' ? recordings.length : n
  const folds = Math.min(maxFolds, units)
  if (folds < 2) throw new Error('calibration needs at least two baseline cries')
  const foldOf = new Int32Array(n)
  if (grouping === 'recording') {
    const index = new Map(recordings.map((r, i) => [r, i % folds]))
    for (let i = 0; i < n; i++) foldOf[i] = index.get(groups[i])!
  } else {
    for (let i = 0; i < n; i++) foldOf[i] = i % folds
  }

  const total = folds + 1
  const model = yield* scaled(
    fitAnomalyModelSteps(kind, x, n, d, params, opts),
    0,
    1 / total,
    `${kind}: baseline fit`,
  )
  const frozen = frozenParams(model)
  const scores = new Float64Array(n)
  for (let f = 0; f < folds; f++) {
    const trainRows: number[] = []
    const heldRows: number[] = []
    for (let i = 0; i < n; i++) (foldOf[i] === f ? heldRows : trainRows).push(i)
    const train = Int32Array.from(trainRows)
    const held = Int32Array.from(heldRows)
    const trainGroups = trainRows.map((i) => groups[i])
    const refit = yield* scaled(
      fitAnomalyModelSteps(frozen.kind, takeRows(x, d, train), train.length, d, frozen.params, {
        seed: opts.seed,
        groups: trainGroups,
      }),
      (f + 1) / total,
      (f + 2) / total,
      `${kind}: leave-one-recording-out ${f + 1}/${folds}`,
    )
    const s = refit.score(takeRows(x, d, held), held.length)
    for (let r = 0; r < held.length; r++) scores[held[r]] = s[r]
  }
  const calibration = new ScoreCalibration({
    method: 'loro-ecdf-exponential-tail',
    scores: Array.from(scores),
    recordings: groups,
    grouping,
    folds,
  })
  return new CalibratedAnomalyModel(model, calibration)
}

export function fitCalibratedModel<K extends AnomalyKind>(
  kind: K,
  x: Float32Array | Float64Array,
  n: number,
  d: number,
  params: AnomalyParams<K> = {},
  opts: FitOptions & CalibrationOptions = {},
): Promise<CalibratedAnomalyModel> {
  return runAsync(fitCalibratedSteps(kind, x, n, d, params, opts), opts)
}
