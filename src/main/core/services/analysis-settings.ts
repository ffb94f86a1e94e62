// Analysis settings: ward defaults with per-infant overrides, stored in the settings table. The defaults
// (engine/settings.ts) come from the engine's documented constants (gate, control charts, replay buffer) and the
// anomaly models' defaults.
import type { AnalysisSettings, SettingsView } from '../../../shared/contract'
import { DEFAULT_ANALYSIS } from '../../engine/settings'
import type { Db } from '../../store/db'
import { getSetting } from '../../store/settings'

// The defaults and the translation into the engine's settings are the engine's (pure, shared with the
// evaluation protocols); named here too for the services that read the stored settings.
export { DEFAULT_ANALYSIS, modelParams, stepSettings } from '../../engine/settings'

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
