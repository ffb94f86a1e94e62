// Stages 3–4 for one infant and one recording, as one pure function: the only place the rules live.
//   state (model version and its baseline noise, replay buffer, control charts, open alerts)
//   + one recording's cries, already scored against the state's model
//   → every decision (score, gate, flag, baseline membership), the recording's control-chart blocks, new alerts
//     with what moved, whether the model must be refitted, and the new state.
// The workstation's analysis service loads the state from the store, calls this and saves what it returns; the
// drift evaluation (protocol E), the demo report and the settings preview call it with the same defaults.
//
// The gate decides only who may enter the baseline. Every cry stage 0 found is scored, may be flagged and counts
// in the control charts, whatever its P(cry): a deviating cry (hoarse, shrill, weak) is exactly the one a cry
// classifier trained on typical cries doubts, and exactly the one that must reach the clinician. A low P(cry) is
// said beside the flag; a clinician's "not a cry" verdict is what removes a sound (the services apply it).
import { explainPersonal, type PersonalModelJson } from '../anomaly/personal'
import { explanationText, meanFeatures, CRY_FEATURE_DIM, type FeatureChange } from '../anomaly/cry-features'
import {
  blockStatistic,
  stepControl,
  DEFAULT_CONTROL,
  INITIAL_CONTROL,
  type BaselineNoise,
  type ControlSettings,
  type ControlState,
} from '../timeline/control'
import { BLOCK_SECONDS } from '../timeline/blocks'
import { gateCry, DEFAULT_GATE, type GateResult, type GateSettings } from './gate'
import { updateReplayBuffer, type ReplayEntry } from './replay'

export type UpdatePolicy = 'gated' | 'always' | 'never'

export interface StepSettings {
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

/**
 * Flags at the 99th percentile of the infant's own baseline: about one normal cry in a hundred reaches a
 * clinician (at the 95th, one in twenty: on the demo ward four to ten a day for each healthy infant, and the
 * alarm burden the method names as its main obstacle). The control charts, not single flags, carry the drift
 * alert; a flag is a cry worth listening to.
 */
export const DEFAULT_STEP: StepSettings = {
  gate: DEFAULT_GATE,
  control: DEFAULT_CONTROL,
  flagPercentile: 0.99,
  baselineMinCries: 30,
  baselineMinRecordings: 3,
  replayCapacity: 300,
  refitAfter: 40,
}

/** A trusted cry in the replay buffer, with its recording (the baseline period counts recordings). */
export interface BufferedCry extends ReplayEntry {
  recordingId: string | number
}

/** The active personal model as the step needs it. */
export interface StepModel {
  version: number
  /** Within- and between-recording noise of its baseline's leave-one-recording-out scores. */
  noise: BaselineNoise
  /** Its JSON, for saying what moved (the baseline's measures); optional. */
  json?: PersonalModelJson | null
}

export interface OpenAlert {
  statistic: 'ewma' | 'cusum'
  /** Data time of the block that raised it, ms. */
  t: number
}

export interface InfantState {
  model: StepModel | null
  replay: BufferedCry[]
  /** Cries that joined the buffer since the model was fitted. */
  joinedSinceFit: number
  control: ControlState
  /** Alerts not yet resolved by a clinician: one per statistic at most; any of them pauses gated updating. */
  openAlerts: OpenAlert[]
}

export const INITIAL_STATE: InfantState = {
  model: null,
  replay: [],
  joinedSinceFit: 0,
  control: INITIAL_CONTROL,
  openAlerts: [],
}

export interface StepCry {
  id: number
  recordingId: string | number
  /** Offset in its recording, seconds. */
  startS: number
  /** Absolute time, ms. */
  t: number
  /** P(cry) from the cry classifier; null where no classifier serves the backbone (treated as a cry). */
  cryConfidence: number | null
  /** Calibrated score under the state's model; null while the infant has no model. */
  score: number | null
  /** The cry's measures (cryFeatureVector), for saying what moved; optional. */
  features?: ArrayLike<number> | null
}

export interface CryDecision {
  id: number
  score: number | null
  gate: GateResult
  flagged: boolean
  /** P(cry) below the minimum: said beside the flag ("may not be a cry"); the cry is still scored and flagged. */
  mayNotBeCry: boolean
  joinedBaseline: boolean
  modelVersion: number
  /** For flagged cries: the measures that lie furthest from the infant's baseline. */
  changes: FeatureChange[]
}

export interface StepBlock {
  /** Time of its last cry, ms. */
  t: number
  n: number
  value: number
  ewma: number
  ewmaLimit: number
  cusum: number
  cusumLimit: number
  lastCryId: number
}

export interface StepAlert {
  statistic: 'ewma' | 'cusum'
  /** Time of the block that crossed the limit (its last cry). */
  t: number
  cryId: number
  value: number
  limit: number
  /** What moved in the block that raised it, against the baseline, largest first. */
  changes: FeatureChange[]
  message: string
}

export type RefitReason = 'initial baseline' | 'gated update'

export interface StepResult {
  decisions: CryDecision[]
  blocks: StepBlock[]
  alerts: StepAlert[]
  /** The model should be refitted on the new state's replay buffer (then `withModel`). */
  refit: RefitReason | null
  state: InfantState
}

const isCry = (c: StepCry, s: GateSettings) =>
  c.cryConfidence === null || c.cryConfidence >= s.minCryConfidence

/** The flag rule: a cry whose calibrated score reaches the flag percentile goes to review, whatever its P(cry). */
export function isFlagged(score: number | null, s: Pick<StepSettings, 'flagPercentile'>): boolean {
  return score !== null && score >= s.flagPercentile
}

/** The state after a (re)fit: the new model, the buffer kept, the count of new cries reset. */
export function withModel(state: InfantState, model: StepModel): InfantState {
  return { ...state, model, joinedSinceFit: 0 }
}

/** Whether the baseline period may end: enough trusted cries from enough recordings. */
export function baselineComplete(replay: readonly BufferedCry[], s: StepSettings): boolean {
  return (
    replay.length >= s.baselineMinCries &&
    new Set(replay.map((r) => r.recordingId)).size >= s.baselineMinRecordings
  )
}

function blockChanges(model: StepModel, cries: readonly StepCry[]): FeatureChange[] {
  const rows = cries.filter((c) => c.features && c.features.length === CRY_FEATURE_DIM)
  if (!rows.length || !model.json) return []
  const x = new Float64Array(rows.length * CRY_FEATURE_DIM)
  rows.forEach((c, i) => x.set(Array.from(c.features!), i * CRY_FEATURE_DIM))
  const mean = meanFeatures(x, rows.length)
  // A block's mean varies less than one cry: one baseline standard deviation is already a clear move. If nothing
  // moved that far, the largest move is still named, so no alert comes without a what.
  const moved = explainPersonal(model.json, mean, { minAbsZ: 1, max: 3 })
  return moved.length ? moved : explainPersonal(model.json, mean, { minAbsZ: 0, max: 1 })
}

/** The alert's words: which chart, and what moved. */
export function alertMessage(
  statistic: 'ewma' | 'cusum',
  value: number,
  limit: number,
  changes: FeatureChange[],
) {
  const head =
    statistic === 'ewma'
      ? `Cries drift from this infant's baseline (EWMA ${value.toFixed(2)} above its limit ${limit.toFixed(2)})`
      : `Sustained change in this infant's cries (CUSUM ${value.toFixed(1)} above ${limit.toFixed(1)})`
  const what = explanationText(changes)
  return what ? `${head}: ${what}` : head
}

/** Stages 3–4 for one recording's cries (any order; the recording follows the state's in time). */
export function stepInfant(
  state: InfantState,
  cries: readonly StepCry[],
  s: StepSettings = DEFAULT_STEP,
  policy: UpdatePolicy = 'gated',
): StepResult {
  const ordered = [...cries].sort((a, b) => a.t - b.t || a.id - b.id)
  const model = state.model
  const decisions: CryDecision[] = []
  const blocks: StepBlock[] = []
  const alerts: StepAlert[] = []
  let control = state.control
  const openAlerts = [...state.openAlerts]
  let replay = state.replay
  let joinedSinceFit = state.joinedSinceFit
  const joined: BufferedCry[] = []

  if (!model) {
    // Baseline period: the infant's first cries (those the classifier takes for cries) form its baseline.
    for (const c of ordered) {
      const gate = gateCry({ cryConfidence: c.cryConfidence ?? 1, score: null }, s.gate, true)
      const join = gate.decision === 'baseline'
      if (join) joined.push({ cryId: c.id, t: c.t, recordingId: c.recordingId })
      decisions.push({
        id: c.id,
        score: null,
        gate,
        flagged: false,
        mayNotBeCry: !isCry(c, s.gate),
        joinedBaseline: join,
        modelVersion: 0,
        changes: [],
      })
    }
    replay = updateReplayBuffer(replay, joined, s.replayCapacity) as BufferedCry[]
    const next: InfantState = { ...state, replay, joinedSinceFit: joinedSinceFit + joined.length }
    return {
      decisions,
      blocks,
      alerts,
      refit: baselineComplete(replay, s) ? 'initial baseline' : null,
      state: next,
    }
  }

  // Control charts first: a recording that raises an alert must not feed the baseline it is measured against.
  const byBlock = new Map<number, StepCry[]>()
  for (const c of ordered) {
    if (c.score === null) continue
    const h = Math.floor(c.startS / BLOCK_SECONDS)
    const list = byBlock.get(h)
    if (list) list.push(c)
    else byBlock.set(h, [c])
  }
  for (const h of [...byBlock.keys()].sort((a, b) => a - b)) {
    const list = byBlock.get(h)!
    const value = blockStatistic(
      list.map((c) => c.score!),
      model.noise,
    )
    const r = stepControl(control, value, s.control)
    control = r.state
    const last = list[list.length - 1]!
    blocks.push({
      t: last.t,
      n: list.length,
      value: r.point.value,
      ewma: r.point.ewma,
      ewmaLimit: r.point.ewmaLimit,
      cusum: r.point.cusum,
      cusumLimit: r.point.cusumLimit,
      lastCryId: last.id,
    })
    for (const statistic of r.point.crossed) {
      if (openAlerts.some((a) => a.statistic === statistic)) continue
      const v = statistic === 'ewma' ? r.point.ewma : r.point.cusum
      const limit = statistic === 'ewma' ? r.point.ewmaLimit : r.point.cusumLimit
      const changes = blockChanges(model, list)
      alerts.push({
        statistic,
        t: last.t,
        cryId: last.id,
        value: v,
        limit,
        changes,
        message: alertMessage(statistic, v, limit, changes),
      })
      openAlerts.push({ statistic, t: last.t })
    }
  }

  const paused = policy === 'gated' && openAlerts.length > 0
  for (const c of ordered) {
    let gate = gateCry({ cryConfidence: c.cryConfidence ?? 1, score: c.score }, s.gate, false)
    if (paused && gate.decision === 'accepted')
      gate = { ...gate, decision: 'rejected', reason: 'baseline updates paused while a drift alert is open' }
    const join =
      policy === 'always' ? isCry(c, s.gate) : policy === 'gated' ? gate.decision === 'accepted' : false
    if (join) joined.push({ cryId: c.id, t: c.t, recordingId: c.recordingId })
    const flagged = isFlagged(c.score, s)
    decisions.push({
      id: c.id,
      score: c.score,
      gate,
      flagged,
      mayNotBeCry: !isCry(c, s.gate),
      joinedBaseline: join,
      modelVersion: model.version,
      changes: flagged && c.features ? explainPersonal(model.json, c.features) : [],
    })
  }
  replay = updateReplayBuffer(replay, joined, s.replayCapacity) as BufferedCry[]
  joinedSinceFit += joined.length
  return {
    decisions,
    blocks,
    alerts,
    refit: policy !== 'never' && joinedSinceFit >= s.refitAfter ? 'gated update' : null,
    state: { model, replay, joinedSinceFit, control, openAlerts },
  }
}

/** The control-chart state after a series of blocks (the workstation rebuilds it from its stored blocks). */
export function controlStateAfter(
  points: readonly {
    ewma: number
    ewmaLimit: number
    cusum: number
    cusumLimit: number
    inControl: number
    sumSq: number
  }[],
): ControlState {
  const last = points[points.length - 1]
  if (!last) return INITIAL_CONTROL
  return {
    t: points.length,
    ewma: last.ewma,
    cusum: last.cusum > last.cusumLimit ? 0 : last.cusum,
    ewmaAbove: last.ewma > last.ewmaLimit,
    inControl: last.inControl,
    sumSq: last.sumSq,
  }
}
