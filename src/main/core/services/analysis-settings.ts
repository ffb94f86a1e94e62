// Analysis settings: ward defaults with per-infant overrides, stored in the settings table. Defaults come from
// the engine's documented constants (gate, control charts, replay buffer) and the anomaly models' defaults.
import type { AnalysisSettings, SettingsView } from '../../../shared/contract'
import { DEFAULT_CONTROL } from '../../engine/timeline/control'
import { DEFAULT_GATE } from '../../engine/gate/gate'
import { DEFAULT_STEP, type StepSettings } from '../../engine/gate/step'
import { ANOMALY_DEFAULTS } from '../../engine/anomaly'
import type { Db } from '../../store/db'
import { getSetting } from '../../store/settings'

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

export const WARD_KEY = 'analysis.ward'
export const infantKey = (infantId: number) => `analysis.infant.${infantId}`

/** Settings whose change needs new personal models (not just new thresholds on stored scores). */
export const MODEL_KEYS: readonly (keyof AnalysisSettings)[] = [
  'modelKind',
  'featureSet',
  'ocsvmNu',
  'gmmKMin',
  'gmmKMax',
]

export function wardSettings(db: Db): AnalysisSettings {
  return { ...DEFAULT_ANALYSIS, ...(getSetting<Partial<AnalysisSettings>>(db, WARD_KEY) ?? {}) }
}

export function infantOverrides(db: Db, infantId: number): Partial<AnalysisSettings> | null {
  return getSetting<Partial<AnalysisSettings>>(db, infantKey(infantId)) ?? null
}

export function effectiveSettings(db: Db, infantId?: number): AnalysisSettings {
  const ward = wardSettings(db)
  return infantId === undefined ? ward : { ...ward, ...(infantOverrides(db, infantId) ?? {}) }
}

export function settingsView(db: Db, infantId?: number): SettingsView {
  const ward = wardSettings(db)
  const infant = infantId === undefined ? null : (infantOverrides(db, infantId) ?? {})
  return { ward, infant, effective: { ...ward, ...(infant ?? {}) } }
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
