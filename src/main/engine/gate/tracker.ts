// One infant's stages 3–4 without a store: an in-memory driver over the analysis step (step.ts), for the drift
// evaluation (protocol E) and tests. It holds the state the workstation keeps in its database, scores each
// recording's cries against the current model, calls `stepInfant`, and refits when the step asks: the rules are
// the step's, never this file's. What it adds is what a clinician does in the workstation: `resolveAlert` says
// when an alert is settled (gated updating resumes then); without it, alerts stay open.
import { CRY_FEATURE_DIM } from '../anomaly/cry-features'
import type { PersonalModelJson } from '../anomaly/personal'
import { estimateBaselineNoise } from '../timeline/control'
import {
  DEFAULT_STEP,
  INITIAL_STATE,
  stepInfant,
  withModel,
  type CryDecision,
  type InfantState,
  type StepAlert,
  type StepBlock,
  type StepSettings,
  type UpdatePolicy,
} from './step'

export type { UpdatePolicy } from './step'
export type TrackerSettings = StepSettings
export const DEFAULT_TRACKER: TrackerSettings = DEFAULT_STEP

/** A fitted, calibrated personal model: any cry's score as a percentile of the infant's baseline. */
export interface PersonalModel {
  /** Scores n cries: embeddings (n × d) and, where the model has a measures part, their measures. */
  calibrated(x: Float32Array, n: number, features?: Float64Array | null): Float64Array
  /** Leave-one-recording-out percentiles of the baseline it was fitted on, with their recording ids. */
  baseline: { percentiles: ArrayLike<number>; groups: ArrayLike<string | number> }
  /** The model's JSON, where there is one (what moved is read against its baseline measures). */
  json?: PersonalModelJson | null
}

export type FitPersonalModel = (
  x: Float32Array,
  n: number,
  d: number,
  groups: (string | number)[],
  version: number,
  features?: Float64Array | null,
) => Promise<PersonalModel>

export interface TrackerCry {
  id: number
  recordingId: string | number
  /** Offset in its recording, seconds. */
  startS: number
  /** Absolute time, ms. */
  t: number
  embedding: Float32Array
  /** P(cry); null where no classifier serves the backbone. */
  cryConfidence: number | null
  /** The cry's measures (cryFeatureVector); optional. */
  features?: Float64Array | null
}

export type TrackerDecision = CryDecision
export type TrackerAlert = StepAlert
export type TrackerBlock = StepBlock

export interface TrackerOptions {
  /** When a clinician resolves an alert (ms), or null if it stays open. Default: it stays open. */
  resolveAlert?: (alert: StepAlert) => number | null
}

export class InfantTracker {
  private model: PersonalModel | null = null
  private state: InfantState = INITIAL_STATE
  private readonly rows = new Map<number, { e: Float32Array; f: Float64Array | null; rec: string | number }>()
  private readonly resolveAt = new Map<StepAlert, number | null>()
  readonly alerts: TrackerAlert[] = []
  readonly blocks: TrackerBlock[] = []
  /** Cries that joined the baseline (initial period or accepted), with their time. */
  readonly joined: { id: number; t: number }[] = []

  constructor(
    private readonly fit: FitPersonalModel,
    private readonly policy: UpdatePolicy = 'gated',
    private readonly settings: TrackerSettings = DEFAULT_TRACKER,
    private readonly options: TrackerOptions = {},
  ) {}

  get modelVersion(): number {
    return this.state.model?.version ?? 0
  }

  /** The state the workstation would hold now (for comparisons with it). */
  get current(): InfantState {
    return this.state
  }

  /** Processes one recording's cries (time-ordered recordings; cries in any order). */
  async addRecording(cries: readonly TrackerCry[]): Promise<TrackerDecision[]> {
    for (const c of cries) this.rows.set(c.id, { e: c.embedding, f: c.features ?? null, rec: c.recordingId })
    const t0 = cries.length ? Math.min(...cries.map((c) => c.t)) : 0
    // Alerts a clinician has resolved by now no longer pause updating nor hold back new alerts.
    const open = this.state.openAlerts.filter((a) => {
      const alert = this.alerts.find((x) => x.statistic === a.statistic && x.t === a.t)
      const at = alert ? this.resolveAt.get(alert) : null
      return at === null || at === undefined || at > t0
    })
    this.state = { ...this.state, openAlerts: open }
    let scores: Float64Array | null = null
    if (this.model && cries.length) {
      const d = cries[0]!.embedding.length
      const x = new Float32Array(cries.length * d)
      cries.forEach((c, i) => x.set(c.embedding, i * d))
      scores = this.model.calibrated(x, cries.length, this.featureMatrix(cries.map((c) => c.id)))
    }
    const r = stepInfant(
      this.state,
      cries.map((c, i) => ({
        id: c.id,
        recordingId: c.recordingId,
        startS: c.startS,
        t: c.t,
        cryConfidence: c.cryConfidence,
        score: scores ? scores[i]! : null,
        features: c.features ?? null,
      })),
      this.settings,
      this.policy,
    )
    this.state = r.state
    this.blocks.push(...r.blocks)
    for (const a of r.alerts) {
      this.alerts.push(a)
      this.resolveAt.set(a, this.options.resolveAlert?.(a) ?? null)
    }
    for (const d of r.decisions)
      if (d.joinedBaseline) this.joined.push({ id: d.id, t: cries.find((c) => c.id === d.id)!.t })
    if (r.refit) await this.refit()
    return r.decisions
  }

  private featureMatrix(ids: readonly number[]): Float64Array | null {
    const rows = ids.map((id) => this.rows.get(id)!)
    if (!rows.every((r) => r.f && r.f.length === CRY_FEATURE_DIM)) return null
    const f = new Float64Array(rows.length * CRY_FEATURE_DIM)
    rows.forEach((r, i) => f.set(r.f!, i * CRY_FEATURE_DIM))
    return f
  }

  private async refit(): Promise<void> {
    const ids = this.state.replay.map((r) => r.cryId)
    const rows = ids.map((id) => this.rows.get(id)!)
    const d = rows[0]!.e.length
    const x = new Float32Array(rows.length * d)
    rows.forEach((r, i) => x.set(r.e, i * d))
    const version = this.modelVersion + 1
    this.model = await this.fit(
      x,
      rows.length,
      d,
      rows.map((r) => r.rec),
      version,
      this.featureMatrix(ids),
    )
    this.state = withModel(this.state, {
      version,
      noise: estimateBaselineNoise(this.model.baseline.percentiles, this.model.baseline.groups),
      json: this.model.json ?? null,
    })
  }
}
