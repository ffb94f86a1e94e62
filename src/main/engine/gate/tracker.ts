// Stages 3–4 for one infant, as a pure state machine over time-ordered recordings: baseline period →
// personal model → score each cry → gate → replay buffer → refit when enough new trusted cries arrived →
// control charts over the blocks → alerts. The drift evaluation runs it directly on simulated and real
// cries; the workstation's gate service runs the same steps with the store in between.
import {
  estimateBaselineNoise,
  stepControl,
  INITIAL_CONTROL,
  DEFAULT_CONTROL,
  blockStatistic,
  type BaselineNoise,
  type ControlSettings,
  type ControlState,
} from '../timeline/control'
import { gateCry, DEFAULT_GATE, type GateResult, type GateSettings } from './gate'
import { updateReplayBuffer, type ReplayEntry } from './replay'

/** A fitted, calibrated personal model: any cry's score as a percentile of the infant's baseline. */
export interface PersonalModel {
  calibrated(x: Float32Array, n: number): Float64Array
  /** Leave-one-recording-out percentiles of the baseline it was fitted on, with their recording ids. */
  baseline: { percentiles: ArrayLike<number>; groups: ArrayLike<string | number> }
}

export type FitPersonalModel = (
  x: Float32Array,
  n: number,
  d: number,
  groups: (string | number)[],
  version: number,
) => Promise<PersonalModel>

export type UpdatePolicy = 'gated' | 'always' | 'never'

export interface TrackerSettings {
  gate: GateSettings
  control: ControlSettings
  /** Calibrated score at or above which a cry is flagged for review. */
  flagPercentile: number
  /** The baseline period ends when this many cries from at least `baselineMinRecordings` recordings are in. */
  baselineMinCries: number
  baselineMinRecordings: number
  replayCapacity: number
  /** Refit once this many cries joined the buffer since the last fit. */
  refitAfter: number
}

export const DEFAULT_TRACKER: TrackerSettings = {
  gate: DEFAULT_GATE,
  control: DEFAULT_CONTROL,
  flagPercentile: 0.95,
  baselineMinCries: 30,
  baselineMinRecordings: 3,
  replayCapacity: 300,
  refitAfter: 40,
}

export interface TrackerCry {
  id: number
  recordingId: string | number
  /** Offset in its recording, seconds. */
  startS: number
  /** Absolute time, ms. */
  t: number
  embedding: Float32Array
  cryConfidence: number
}

export interface TrackerDecision {
  id: number
  score: number | null
  gate: GateResult
  flagged: boolean
  modelVersion: number
  joinedBaseline: boolean
}

export interface TrackerAlert {
  statistic: 'ewma' | 'cusum'
  /** Time of the block that crossed the limit (its last cry). */
  t: number
  cryId: number
  value: number
  limit: number
}

export interface TrackerBlock {
  t: number
  n: number
  value: number
  ewma: number
  ewmaLimit: number
  cusum: number
  cusumLimit: number
}

export class InfantTracker {
  private model: PersonalModel | null = null
  private noise: BaselineNoise | null = null
  private version = 0
  private replay: ReplayEntry[] = []
  private sinceFit = 0
  private control: ControlState = INITIAL_CONTROL
  private readonly embeddings = new Map<number, { e: Float32Array; rec: string | number }>()
  readonly alerts: TrackerAlert[] = []
  readonly blocks: TrackerBlock[] = []
  /** Cries that joined the baseline (initial period or accepted), with their time. */
  readonly joined: { id: number; t: number }[] = []

  constructor(
    private readonly fit: FitPersonalModel,
    private readonly policy: UpdatePolicy = 'gated',
    private readonly settings: TrackerSettings = DEFAULT_TRACKER,
  ) {}

  get modelVersion(): number {
    return this.version
  }

  /** Processes one recording's cries (time-ordered recordings; cries in any order). */
  async addRecording(cries: readonly TrackerCry[]): Promise<TrackerDecision[]> {
    const ordered = [...cries].sort((a, b) => a.t - b.t)
    for (const c of ordered) this.embeddings.set(c.id, { e: c.embedding, rec: c.recordingId })
    const decisions: TrackerDecision[] = []
    if (!this.model) {
      for (const c of ordered) {
        const gate = gateCry({ cryConfidence: c.cryConfidence, score: null }, this.settings.gate, true)
        const joined = gate.decision === 'baseline'
        if (joined) this.join(c)
        decisions.push({
          id: c.id,
          score: null,
          gate,
          flagged: false,
          modelVersion: 0,
          joinedBaseline: joined,
        })
      }
      if (this.baselineComplete()) await this.refit()
      return decisions
    }
    const d = ordered[0]?.embedding.length ?? 0
    const x = new Float32Array(ordered.length * d)
    ordered.forEach((c, i) => x.set(c.embedding, i * d))
    const scores = ordered.length ? this.model.calibrated(x, ordered.length) : new Float64Array(0)
    // Charts first: a recording that raises an alert must not feed the baseline it is measured against.
    const isCry = (c: TrackerCry) => c.cryConfidence >= this.settings.gate.minCryConfidence
    this.chart(ordered.flatMap((c, i) => (isCry(c) ? [{ c, score: scores[i]! }] : [])))
    ordered.forEach((c, i) => {
      const score = scores[i]!
      const gate = gateCry({ cryConfidence: c.cryConfidence, score }, this.settings.gate, false)
      // Gated updating pauses while a drift alert is open (in the workstation, until a clinician resolves it).
      const paused = this.policy === 'gated' && this.alerts.length > 0
      const joined =
        this.policy === 'always'
          ? isCry(c)
          : this.policy === 'gated'
            ? gate.decision === 'accepted' && !paused
            : false
      if (joined) this.join(c)
      decisions.push({
        id: c.id,
        score,
        gate,
        flagged: isCry(c) && score >= this.settings.flagPercentile,
        modelVersion: this.version,
        joinedBaseline: joined,
      })
    })
    if (this.policy !== 'never' && this.sinceFit >= this.settings.refitAfter) await this.refit()
    return decisions
  }

  private join(c: TrackerCry): void {
    this.replay = updateReplayBuffer(this.replay, [{ cryId: c.id, t: c.t }], this.settings.replayCapacity)
    this.joined.push({ id: c.id, t: c.t })
    this.sinceFit++
  }

  private baselineComplete(): boolean {
    const recs = new Set(this.replay.map((r) => this.embeddings.get(r.cryId)!.rec))
    return (
      this.replay.length >= this.settings.baselineMinCries && recs.size >= this.settings.baselineMinRecordings
    )
  }

  private async refit(): Promise<void> {
    const rows = this.replay.map((r) => this.embeddings.get(r.cryId)!)
    const d = rows[0]!.e.length
    const x = new Float32Array(rows.length * d)
    rows.forEach((r, i) => x.set(r.e, i * d))
    this.version++
    this.model = await this.fit(
      x,
      rows.length,
      d,
      rows.map((r) => r.rec),
      this.version,
    )
    this.noise = estimateBaselineNoise(this.model.baseline.percentiles, this.model.baseline.groups)
    this.sinceFit = 0
  }

  /** Control charts over this recording's hourly blocks. */
  private chart(scored: { c: TrackerCry; score: number }[]): void {
    const byHour = new Map<number, { c: TrackerCry; score: number }[]>()
    for (const s of scored) {
      const h = Math.floor(s.c.startS / 3600)
      byHour.set(h, [...(byHour.get(h) ?? []), s])
    }
    for (const h of [...byHour.keys()].sort((a, b) => a - b)) {
      const block = byHour.get(h)!
      const value = blockStatistic(
        block.map((b) => b.score),
        this.noise!,
      )
      const r = stepControl(this.control, value, this.settings.control)
      this.control = r.state
      const last = block[block.length - 1]!.c
      this.blocks.push({
        t: last.t,
        n: block.length,
        value,
        ewma: r.point.ewma,
        ewmaLimit: r.point.ewmaLimit,
        cusum: r.point.cusum,
        cusumLimit: r.point.cusumLimit,
      })
      for (const statistic of r.point.crossed) {
        this.alerts.push({
          statistic,
          t: last.t,
          cryId: last.id,
          value: statistic === 'ewma' ? r.point.ewma : r.point.cusum,
          limit: statistic === 'ewma' ? r.point.ewmaLimit : r.point.cusumLimit,
        })
      }
    }
  }
}
