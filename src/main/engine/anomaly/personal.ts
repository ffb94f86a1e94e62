// A personal model as the gate service and the drift evaluation use it: fit a calibrated model of one kind on
// an infant's baseline (recording ids as groups for the leave-one-recording-out calibration), keep it as JSON,
// and score new cries as percentiles of that baseline.
import {
  CalibratedAnomalyModel,
  fitCalibratedModel,
  type AnomalyKind,
  type AnomalyParams,
  type CalibrationJson,
  type AnomalyModelJson,
} from './index'

export interface PersonalModelJson {
  model: AnomalyModelJson
  calibration: CalibrationJson
}

export interface PersonalFit {
  json: PersonalModelJson
  /** Leave-one-recording-out percentiles of the baseline cries, row order (the control charts' noise model). */
  baselinePercentiles: number[]
  groups: (string | number)[]
}

export async function fitPersonal(
  kind: AnomalyKind,
  params: AnomalyParams<AnomalyKind>,
  x: Float32Array,
  n: number,
  d: number,
  groups: (string | number)[],
  opts: { seed?: number; signal?: AbortSignal; onProgress?: (fraction: number, stage: string) => void } = {},
): Promise<PersonalFit> {
  const m = await fitCalibratedModel(kind, x, n, d, params, {
    seed: opts.seed ?? 1,
    groups,
    signal: opts.signal,
    onProgress: (p) => opts.onProgress?.(p.fraction, p.stage),
  })
  const json = m.toJSON()
  return {
    json,
    baselinePercentiles: Array.from(m.calibration.percentile(json.calibration.scores)),
    groups: json.calibration.recordings,
  }
}

/** Calibrated scores (percentiles of the infant's baseline) of n embeddings. */
export function scorePersonal(json: PersonalModelJson, x: Float32Array, n: number): Float64Array {
  return CalibratedAnomalyModel.fromJSON(json).score(x, n)
}
