// The analysis settings as the thresholds screen shows them: groups of fields with their ranges (those of the
// contract's schema), steps and how to read them, and the change a draft makes against the effective values.
// Pure, so the unit tests cover the diff and the formatting.
import type { AnalysisSettings, FeatureSet, PersonalKind, SettingsChanges } from '../../../shared/contract'

export type NumericKey = {
  [K in keyof AnalysisSettings]: AnalysisSettings[K] extends number ? K : never
}[keyof AnalysisSettings]

export interface NumericField {
  key: NumericKey
  label: string
  help: string
  min: number
  max: number
  step: number
  format: (v: number) => string
  /** Shown only for this model kind. */
  kind?: PersonalKind
}

const fixed = (d: number) => (v: number) => v.toFixed(d)
const int = (v: number) => String(Math.round(v))
const pct = (v: number) => `${(v * 100).toFixed(v >= 0.999 ? 2 : 1)}th percentile`

export const SETTINGS_GROUPS: { title: string; help: string; fields: NumericField[] }[] = [
  {
    title: 'Gate (stage 3)',
    help: 'Which cries may update the baseline.',
    fields: [
      {
        key: 'gateThreshold',
        label: 'Gate threshold',
        help: 'A cry joins the baseline when P(cry) × its baseline p-value reaches this.',
        min: 0,
        max: 1,
        step: 0.01,
        format: fixed(2),
      },
      {
        key: 'minCryConfidence',
        label: 'Minimum P(cry)',
        help: 'Below this a sound never joins the baseline; it is still scored and flagged, with “may not be a cry” beside it.',
        min: 0,
        max: 1,
        step: 0.01,
        format: fixed(2),
      },
    ],
  },
  {
    title: 'Anomaly flag (stage 2)',
    help: 'Scores are percentiles of the infant’s own baseline.',
    fields: [
      {
        key: 'flagPercentile',
        label: 'Flag threshold',
        help: 'A cry is flagged for review when its score reaches this percentile of the baseline.',
        min: 0.5,
        max: 0.9999,
        step: 0.001,
        format: pct,
      },
    ],
  },
  {
    title: 'Personal model',
    help: 'Changing the model or its parameters refits each affected infant’s model.',
    fields: [
      {
        key: 'ocsvmNu',
        label: 'OC-SVM ν',
        help: 'Upper bound on the share of baseline cries treated as outliers.',
        min: 0.01,
        max: 0.5,
        step: 0.01,
        format: fixed(2),
        kind: 'ocsvm',
      },
      {
        key: 'gmmKMin',
        label: 'GMM: fewest components',
        help: 'K is chosen by held-out BIC between the fewest and the most.',
        min: 1,
        max: 10,
        step: 1,
        format: int,
        kind: 'gmm',
      },
      {
        key: 'gmmKMax',
        label: 'GMM: most components',
        help: 'K is chosen by held-out BIC between the fewest and the most.',
        min: 1,
        max: 10,
        step: 1,
        format: int,
        kind: 'gmm',
      },
    ],
  },
  {
    title: 'Baseline and updating',
    help: 'How the baseline forms and how often the model is refitted on trusted cries.',
    fields: [
      {
        key: 'baselineMinCries',
        label: 'Baseline size (cries)',
        help: 'The baseline period ends with this many cries…',
        min: 5,
        max: 1000,
        step: 5,
        format: int,
      },
      {
        key: 'baselineMinRecordings',
        label: 'Baseline recordings',
        help: '…from at least this many recordings.',
        min: 1,
        max: 50,
        step: 1,
        format: int,
      },
      {
        key: 'replayCapacity',
        label: 'Replay buffer (cries)',
        help: 'Cries kept to refit on: half the oldest trusted, half the most recent.',
        min: 20,
        max: 5000,
        step: 20,
        format: int,
      },
      {
        key: 'refitAfter',
        label: 'Refit after (cries)',
        help: 'Refit once this many cries joined the buffer since the last fit.',
        min: 1,
        max: 1000,
        step: 1,
        format: int,
      },
    ],
  },
  {
    title: 'Control charts (stage 4)',
    help: 'Drift alerts from hourly blocks of scores.',
    fields: [
      {
        key: 'ewmaLambda',
        label: 'EWMA λ',
        help: 'Weight of the newest block (smaller: slower, steadier).',
        min: 0.01,
        max: 1,
        step: 0.01,
        format: fixed(2),
      },
      {
        key: 'ewmaL',
        label: 'EWMA limit (L σ)',
        help: 'Control limit in standard deviations.',
        min: 1,
        max: 6,
        step: 0.1,
        format: fixed(1),
      },
      {
        key: 'cusumK',
        label: 'CUSUM k',
        help: 'Allowance: the shift (in σ) the chart is tuned to catch, halved.',
        min: 0,
        max: 3,
        step: 0.05,
        format: fixed(2),
      },
      {
        key: 'cusumH',
        label: 'CUSUM decision interval h',
        help: 'An alert is raised when the sum exceeds h.',
        min: 1,
        max: 20,
        step: 0.5,
        format: fixed(1),
      },
    ],
  },
]

export const MODEL_KINDS: { kind: PersonalKind; label: string }[] = [
  { kind: 'ae', label: 'Autoencoder' },
  { kind: 'ocsvm', label: 'One-class SVM' },
  { kind: 'gmm', label: 'Gaussian mixture' },
  { kind: 'gauss', label: 'Shrinkage Gaussian' },
]

export const FEATURE_SETS: { value: FeatureSet; label: string }[] = [
  { value: 'both', label: 'Embedding and measures' },
  { value: 'measures', label: 'Measures only' },
  { value: 'embedding', label: 'Embedding only' },
]

export const COMPUTE_PROVIDERS: { value: AnalysisSettings['computeProvider']; label: string }[] = [
  { value: 'auto', label: 'Automatic (GPU if any, else CPU)' },
  { value: 'cpu', label: 'CPU' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'cuda', label: 'CUDA (NVIDIA)' },
  { value: 'dml', label: 'DirectML (Windows)' },
  { value: 'coreml', label: 'Core ML (macOS)' },
]

/** The keys a draft changes against the effective settings (what previewSettings and applySettings take). */
export function settingsChanges(
  effective: AnalysisSettings,
  draft: Partial<AnalysisSettings>,
): SettingsChanges {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(draft) as [keyof AnalysisSettings, unknown][]) {
    if (v === undefined) continue
    const before = effective[k]
    if (typeof v === 'number' && typeof before === 'number' ? Math.abs(v - before) > 1e-9 : v !== before)
      out[k] = v
  }
  return out as SettingsChanges
}

/** Why a draft cannot be applied, or null. */
export function draftProblem(effective: AnalysisSettings, draft: Partial<AnalysisSettings>): string | null {
  const s = { ...effective, ...draft }
  if (s.gmmKMin > s.gmmKMax) return 'The fewest GMM components must not exceed the most.'
  return null
}

/** A settings value for the audit view and the change summary. */
export function formatSetting(key: string, value: unknown): string {
  const f = SETTINGS_GROUPS.flatMap((g) => g.fields).find((x) => x.key === key)
  if (f && typeof value === 'number') return f.format(value)
  if (key === 'modelKind') return MODEL_KINDS.find((m) => m.kind === value)?.label ?? String(value)
  if (key === 'featureSet') return FEATURE_SETS.find((m) => m.value === value)?.label ?? String(value)
  if (key === 'computeProvider')
    return COMPUTE_PROVIDERS.find((c) => c.value === value)?.label ?? String(value)
  return JSON.stringify(value)
}

export function settingLabel(key: string): string {
  if (key === 'modelKind') return 'Model'
  if (key === 'featureSet') return 'Model inputs'
  if (key === 'computeProvider') return 'Compute device'
  return SETTINGS_GROUPS.flatMap((g) => g.fields).find((x) => x.key === key)?.label ?? key
}
