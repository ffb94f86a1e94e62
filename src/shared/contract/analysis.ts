// Stages 2–4 as the UI sees them: analysis settings (gate and anomaly thresholds, model kind and parameters,
// control charts) with a live preview before applying, the infant's model versions, the timeline with its
// control charts, and drift alerts.
import { z } from 'zod'
import { Decision, Verdict } from './cries'
import { CLINICAL, Id, IsoTime, method, RESEARCH, STAFF } from './define'

export const ModelKind = z.enum(['ae', 'ocsvm', 'gmm'])
export type ModelKind = z.infer<typeof ModelKind>
/** The model a user chooses: a stored kind, or 'gauss', the one-component shrinkage Gaussian (stored as 'gmm'). */
export const PersonalKind = z.enum(['ae', 'ocsvm', 'gmm', 'gauss'])
export type PersonalKind = z.infer<typeof PersonalKind>
/** What the personal model sees: the backbone's embedding, the cry's interpretable measures, or both. */
export const FeatureSet = z.enum(['embedding', 'measures', 'both'])
export type FeatureSet = z.infer<typeof FeatureSet>

export const AnalysisSettings = z.object({
  /** Gate confidence (P(cry) × baseline p-value) at or above which a cry joins the baseline. */
  gateThreshold: z.number().min(0).max(1),
  /** Below this P(cry) a sound is never treated as the infant's cry. */
  minCryConfidence: z.number().min(0).max(1),
  /** Calibrated anomaly score (percentile of the infant's baseline) at or above which a cry is flagged. */
  flagPercentile: z.number().min(0.5).max(0.9999),
  modelKind: PersonalKind,
  /** The inputs of the personal model (measures standardised against the infant's own baseline). */
  featureSet: FeatureSet,
  /** One-class SVM ν. */
  ocsvmNu: z.number().min(0.01).max(0.5),
  /** Gaussian mixture: K is chosen by held-out BIC in this range. */
  gmmKMin: z.number().int().min(1).max(10),
  gmmKMax: z.number().int().min(1).max(10),
  /** Cries kept to refit on (half the oldest trusted, half the most recent). */
  replayCapacity: z.number().int().min(20).max(5000),
  /** Refit once this many cries joined the buffer since the last fit. */
  refitAfter: z.number().int().min(1).max(1000),
  /** The baseline period ends with this many cries from at least baselineMinRecordings recordings. */
  baselineMinCries: z.number().int().min(5).max(1000),
  baselineMinRecordings: z.number().int().min(1).max(50),
  ewmaLambda: z.number().min(0.01).max(1),
  ewmaL: z.number().min(1).max(6),
  cusumK: z.number().min(0).max(3),
  cusumH: z.number().min(1).max(20),
  /** Where embeddings run: 'auto' tries the GPU providers this build has, then falls back to the CPU. */
  computeProvider: z.enum(['auto', 'webgpu', 'cuda', 'dml', 'coreml', 'cpu']),
})
export type AnalysisSettings = z.infer<typeof AnalysisSettings>

export const SettingsChanges = AnalysisSettings.partial()
  .strict()
  .refine((c) => c.gmmKMin === undefined || c.gmmKMax === undefined || c.gmmKMin <= c.gmmKMax, {
    message: 'gmmKMin must not exceed gmmKMax',
  })
export type SettingsChanges = z.infer<typeof SettingsChanges>

export const SettingsView = z.object({
  ward: AnalysisSettings,
  /** The infant's overrides (only the keys that differ from the ward), when an infant was named. */
  infant: AnalysisSettings.partial().nullable(),
  effective: AnalysisSettings,
})
export type SettingsView = z.infer<typeof SettingsView>

export const SettingsPreview = z.object({
  /** Cries whose flag would change, and which way. */
  flagsGained: z.number().int().nonnegative(),
  flagsLost: z.number().int().nonnegative(),
  gainedCryIds: z.array(Id),
  lostCryIds: z.array(Id),
  /** Cries whose gate decision would change (accepted ↔ rejected), for the scored cries. */
  gateChanged: z.number().int().nonnegative(),
  perInfant: z.array(z.object({ infantId: Id, flagsGained: z.number().int(), flagsLost: z.number().int() })),
  /** True when the change needs new models (model kind or parameters): the preview shows threshold effects only. */
  needsRefit: z.boolean(),
})
export type SettingsPreview = z.infer<typeof SettingsPreview>

export const ModelVersion = z.object({
  id: Id,
  infantId: Id,
  version: z.number().int().positive(),
  kind: ModelKind,
  backbone: z.string(),
  params: z.record(z.string(), z.unknown()),
  cryCount: z.number().int().nonnegative(),
  parentId: Id.nullable(),
  reason: z.string(),
  createdAt: IsoTime,
  createdBy: z.string(),
  active: z.boolean(),
})
export type ModelVersion = z.infer<typeof ModelVersion>

export const AlertState = z.enum(['new', 'acknowledged', 'resolved'])
export type AlertState = z.infer<typeof AlertState>

export const Alert = z.object({
  id: Id,
  infantId: Id,
  infantLabel: z.string(),
  statistic: z.enum(['ewma', 'cusum']),
  state: AlertState,
  at: IsoTime,
  value: z.number(),
  limit: z.number(),
  cryId: Id.nullable(),
  message: z.string(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  updatedBy: z.string(),
  note: z.string().nullable(),
})
export type Alert = z.infer<typeof Alert>

export const TimelinePoint = z.object({
  cryId: Id,
  at: IsoTime,
  score: z.number(),
  decision: Decision,
  flagged: z.boolean(),
  verdict: Verdict.nullable(),
})

export const TimelineBlock = z.object({
  start: IsoTime,
  end: IsoTime,
  n: z.number().int().positive(),
  meanScore: z.number(),
  value: z.number(),
  ewma: z.number(),
  ewmaLimit: z.number(),
  cusum: z.number(),
  cusumLimit: z.number(),
})

export const Timeline = z.object({
  infantId: Id,
  from: IsoTime.nullable(),
  to: IsoTime.nullable(),
  /** Scored cries in range; downsampled (largest-triangle-three-buckets, flagged cries always kept) when above maxPoints. */
  points: z.array(TimelinePoint),
  totalPoints: z.number().int().nonnegative(),
  /** One point per recording-hour, with the control statistics (the chart's EWMA/CUSUM band). */
  blocks: z.array(TimelineBlock),
  days: z.array(
    z.object({ day: z.string(), n: z.number().int(), meanScore: z.number(), flagged: z.number().int() }),
  ),
  flagPercentile: z.number(),
  alerts: z.array(Alert),
  /** Acoustic trends: daily medians. */
  trends: z.array(
    z.object({
      day: z.string(),
      f0MeanHz: z.number().nullable(),
      durationS: z.number().nullable(),
      hnrDb: z.number().nullable(),
    }),
  ),
  activeModel: ModelVersion.nullable(),
  /** Where the infant is: collecting its baseline, or tracked against a personal model. */
  phase: z.enum(['no-cries', 'baseline', 'tracking']),
  /** The baseline so far (cries the gate took into it, and their recordings) and what completes it. */
  baseline: z.object({
    cries: z.number().int().nonnegative(),
    recordings: z.number().int().nonnegative(),
    minCries: z.number().int(),
    minRecordings: z.number().int(),
  }),
})
export type Timeline = z.infer<typeof Timeline>

export const analysisMethods = {
  getSettings: method({
    summary: 'Analysis settings (ward defaults, an infant’s overrides, effective values)',
    access: STAFF,
    request: z.object({ infantId: Id.optional() }).strict(),
    response: SettingsView,
  }),
  previewSettings: method({
    summary: 'Preview what a settings change would flag or unflag, without applying it',
    access: RESEARCH,
    request: z.object({ infantId: Id.optional(), changes: SettingsChanges }).strict(),
    response: SettingsPreview,
  }),
  applySettings: method({
    summary: 'Change analysis settings (audited)',
    access: RESEARCH,
    request: z
      .object({ infantId: Id.optional(), changes: SettingsChanges, reason: z.string().max(500).optional() })
      .strict(),
    response: SettingsView,
  }),
  clearInfantSettings: method({
    summary: 'Remove an infant’s setting overrides (audited)',
    access: RESEARCH,
    request: z.object({ infantId: Id }).strict(),
    response: SettingsView,
  }),
  listModels: method({
    summary: 'An infant’s model versions, newest first',
    access: STAFF,
    request: z.object({ infantId: Id }).strict(),
    response: z.array(ModelVersion),
  }),
  restoreModel: method({
    summary: 'Make a past model version the active one again (audited)',
    access: RESEARCH,
    request: z.object({ modelId: Id, reason: z.string().max(500).optional() }).strict(),
    response: ModelVersion,
  }),
  refitModel: method({
    summary: 'Refit an infant’s model on its replay buffer now',
    access: RESEARCH,
    request: z.object({ infantId: Id }).strict(),
    response: z.object({ jobId: z.string() }),
  }),
  getTimeline: method({
    summary: 'An infant’s timeline: scores, control charts, alerts, trends',
    access: STAFF,
    request: z
      .object({
        infantId: Id,
        from: IsoTime.optional(),
        to: IsoTime.optional(),
        maxPoints: z.number().int().min(100).max(200_000).default(5000),
        /** Cries the downsampling keeps like flagged ones (a settings preview's gained and lost cries). */
        keepCryIds: z.array(Id).max(1000).optional(),
      })
      .strict(),
    response: Timeline,
  }),
  listAlerts: method({
    summary: 'Drift alerts',
    access: STAFF,
    request: z.object({ infantId: Id.optional(), state: AlertState.optional() }).strict(),
    response: z.array(Alert),
  }),
  setAlertState: method({
    summary: 'Acknowledge or resolve an alert (audited)',
    access: CLINICAL,
    request: z.object({ alertId: Id, state: AlertState, note: z.string().max(2000).optional() }).strict(),
    response: Alert,
  }),
}
