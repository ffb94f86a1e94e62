// The thresholds screen's fields: every setting of the contract has a field within the schema's range, a draft's
// change against the effective values, refused drafts, and values read as researchers read them.
import { describe, expect, it } from 'vitest'
import { AnalysisSettings } from '../../src/shared/contract'
import {
  draftProblem,
  formatSetting,
  SETTINGS_GROUPS,
  settingLabel,
  settingsChanges,
} from '../../src/renderer/src/view-model/settings-fields'

const effective: AnalysisSettings = {
  gateThreshold: 0.3,
  minCryConfidence: 0.5,
  flagPercentile: 0.95,
  modelKind: 'gmm',
  featureSet: 'both',
  ocsvmNu: 0.1,
  gmmKMin: 1,
  gmmKMax: 5,
  replayCapacity: 300,
  refitAfter: 40,
  baselineMinCries: 30,
  baselineMinRecordings: 3,
  ewmaLambda: 0.2,
  ewmaL: 3,
  cusumK: 0.5,
  cusumH: 5,
  computeProvider: 'auto',
}

describe('settings fields', () => {
  it('cover every numeric setting, each within the schema’s range', () => {
    const fields = SETTINGS_GROUPS.flatMap((g) => g.fields)
    const numeric = Object.keys(effective).filter(
      (k) => k !== 'modelKind' && k !== 'featureSet' && k !== 'computeProvider',
    )
    expect(fields.map((f) => f.key).sort()).toEqual(numeric.sort())
    for (const f of fields) {
      const shape = AnalysisSettings.shape[f.key]
      expect(shape.safeParse(f.min).success, `${f.key} min`).toBe(true)
      expect(shape.safeParse(f.max).success, `${f.key} max`).toBe(true)
      expect(shape.safeParse(f.min - f.step).success, `${f.key} below min`).toBe(false)
    }
  })

  it('a draft changes only the keys that differ from the effective values', () => {
    expect(settingsChanges(effective, {})).toEqual({})
    expect(settingsChanges(effective, { flagPercentile: 0.95, gateThreshold: 0.4 })).toEqual({
      gateThreshold: 0.4,
    })
    expect(settingsChanges(effective, { modelKind: 'ae', ocsvmNu: 0.1 + 1e-12 })).toEqual({ modelKind: 'ae' })
  })

  it('refuses a GMM range whose fewest exceeds its most', () => {
    expect(draftProblem(effective, { gmmKMin: 6 })).toMatch(/must not exceed/)
    expect(draftProblem(effective, { gmmKMin: 5 })).toBeNull()
  })

  it('reads values as researchers do', () => {
    expect(formatSetting('flagPercentile', 0.95)).toBe('95.0th percentile')
    expect(formatSetting('flagPercentile', 0.9995)).toBe('99.95th percentile')
    expect(formatSetting('modelKind', 'ocsvm')).toBe('One-class SVM')
    expect(formatSetting('computeProvider', 'cpu')).toBe('CPU')
    expect(settingLabel('computeProvider')).toBe('Compute device')
    expect(formatSetting('replayCapacity', 300)).toBe('300')
    expect(settingLabel('cusumH')).toBe('CUSUM decision interval h')
  })
})
