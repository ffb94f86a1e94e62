// The analysis settings' defaults and their translation into what the engine takes: the stage 3–4 step's
// settings and the anomaly model's parameters. Pure, so the ward (core/services/analysis-settings.ts, which
// stores the ward's and each infant's choices) and the evaluation protocols use the one translation.
import type { AnalysisSettings } from '../../shared/contract'
import { ANOMALY_DEFAULTS } from './anomaly'
import { DEFAULT_GATE } from './gate/gate'
import { DEFAULT_STEP, type StepSettings } from './gate/step'
import { DEFAULT_CONTROL } from './timeline/control'

export const DEFAULT_ANALYSIS: AnalysisSettings = {
  gateThreshold: DEFAULT_GATE.threshold,
  minCryConfidence: DEFAULT_GATE.minCryConfidence,
  flagPercentile: DEFAULT_STEP.flagPercentile,
  modelKind: 'gmm',
  featureSet: 'both',
  ocsvmNu: ANOMALY_DEFAULTS.ocsvm.nu,
  gmmKMin: ANOMALY_DEFAULTS.gmm.components[0],
  gmmKMax: ANOMALY_DEFAULTS.gmm.components[1],
  replayCapacity: DEFAULT_STEP.replayCapacity,
  refitAfter: DEFAULT_STEP.refitAfter,
  baselineMinCries: DEFAULT_STEP.baselineMinCries,
  baselineMinRecordings: DEFAULT_STEP.baselineMinRecordings,
  ewmaLambda: DEFAULT_CONTROL.ewmaLambda,
  ewmaL: DEFAULT_CONTROL.ewmaL,
  cusumK: DEFAULT_CONTROL.cusumK,
  cusumH: DEFAULT_CONTROL.cusumH,
  computeProvider: 'auto',
}

/** The anomaly model parameters the engine takes, from the settings ('gauss' has none to choose). */
export function modelParams(s: AnalysisSettings): Record<string, unknown> {
  if (s.modelKind === 'ocsvm') return { nu: s.ocsvmNu }
  if (s.modelKind === 'gmm') return { components: [s.gmmKMin, s.gmmKMax] }
  return {}
}

/** The stage 3–4 step's settings, from the analysis settings: the one translation the ward and the evaluations use. */
export function stepSettings(s: AnalysisSettings): StepSettings {
  return {
    gate: { threshold: s.gateThreshold, minCryConfidence: s.minCryConfidence },
    control: { ewmaLambda: s.ewmaLambda, ewmaL: s.ewmaL, cusumK: s.cusumK, cusumH: s.cusumH },
    flagPercentile: s.flagPercentile,
    baselineMinCries: s.baselineMinCries,
    baselineMinRecordings: s.baselineMinRecordings,
    replayCapacity: s.replayCapacity,
    refitAfter: s.refitAfter,
  }
}
