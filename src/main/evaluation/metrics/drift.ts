// Protocol E's metrics: run each infant's cries through the workstation's stage 3–4 step (driven by the
// in-memory tracker) under an updating policy (gated, always, never) and measure detection delay, false alerts
// and baseline contamination against the known change time; per kind and size of change, the share detected and
// the threshold-free AUC of each timeline's largest post-change chart statistic against unchanged timelines.
// Pure: scenarios (simulated ward, real cries) build the cry streams elsewhere.
import { fitPersonal, scorePersonal, type FeatureSet, type PersonalKind } from '../../engine/anomaly/personal'
import { rocAuc } from './roc'
import {
  InfantTracker,
  type FitPersonalModel,
  type TrackerCry,
  type TrackerSettings,
  type UpdatePolicy,
} from '../../engine/gate/tracker'
import { median } from '../../engine/stats'

export interface DriftInfant {
  id: string
  /** Time the change starts (ms on the scenario's clock), or null for an infant that never changes. */
  changeT: number | null
  /** Recordings in time order, each with its cries. */
  recordings: { id: string; cries: TrackerCry[] }[]
  /** Settings this timeline needs beyond the workstation's (e.g. a baseline period of its first recordings). */
  settings?: Partial<TrackerSettings>
  /** Real scenario: what was done to the recordings after `splitT` ('none' for the unchanged control). */
  kind?: ChangeKind
  size?: number
  /** Where the timeline is split into before and after (the change time, or the same point for 'none'). */
  splitT?: number
}

export type ChangeKind =
  | 'none'
  | 'pitch-keep-duration'
  | 'pitch-resample'
  | 'aperiodic'
  | 'shorter-weaker'
  | 'replaced'
  | 'simulated'

export interface InfantOutcome {
  infant: string
  changed: boolean
  /** First alert at or after the change (ms), or null. */
  firstAlertT: number | null
  delayHours: number | null
  delayCries: number | null
  /** Alerts (blocks where a limit was crossed) before the change, or anywhere in an unchanged infant. */
  falseAlerts: number
  /** Days observed without a change (whole span for unchanged infants, span before the change otherwise). */
  stableDays: number
  postChangeCries: number
  postChangeJoined: number
  modelVersions: number
  kind: ChangeKind
  size: number | null
  /** An alert at or after the split (for 'none': a false alarm). */
  alertedAfterSplit: boolean
  alertAfterSplitHours: number | null
  /** Largest post-split chart statistic, each chart relative to its limit (max of EWMA/limit, CUSUM/h). */
  maxPostStatistic: number
}

export interface ChangeFigures {
  kind: ChangeKind
  size: number | null
  infants: number
  /** Share alerted at or after the split; for 'none' the share falsely alerted. */
  detected: number
  detected_within_24h: number
  /** AUC of the largest post-split chart statistic: these timelines against the unchanged ('none') ones. */
  auc_vs_none: number | null
}

export interface PolicyFigures {
  /** Share of changed infants alerted at or after their change. */
  detected: number
  detected_within_24h: number
  median_delay_hours: number | null
  median_delay_cries: number | null
  false_alerts_per_infant_day: number
  /** Share of post-change cries accepted into the baseline. */
  contamination: number
  changed_infants: number
  stable_infant_days: number
  /** Real scenario: figures per kind and size of change. */
  by_change?: ChangeFigures[]
  infants: InfantOutcome[]
}

const HOUR = 3600e3
const DAY = 24 * HOUR
/** How long an alert stays open in the evaluation (a clinician settles it within a day). */
export const ALERT_OPEN_MS = DAY

/** A FitPersonalModel over the project's calibrated personal models (what the workstation's fit task runs). */
export function personalModelFitter(
  kind: PersonalKind,
  params: Record<string, unknown>,
  featureSet: FeatureSet,
): FitPersonalModel {
  return async (x, n, d, groups, _version, features) => {
    const fit = await fitPersonal(kind, params, x, n, d, groups, { seed: 1, featureSet, features })
    return {
      calibrated: (q, m, f) => scorePersonal(fit.json, q, m, f),
      baseline: { percentiles: fit.baselinePercentiles, groups: fit.groups },
      json: fit.json,
    }
  }
}

/**
 * Alert events as a clinician meets them: crossings within a day of the last counted one (the EWMA's and the
 * CUSUM's for one excursion, or a crossing while the first is still being looked at) belong to it.
 */
export function alertEvents(times: readonly number[]): number[] {
  const out: number[] = []
  for (const t of [...new Set(times)].sort((a, b) => a - b))
    if (!out.length || t - out[out.length - 1]! >= ALERT_OPEN_MS) out.push(t)
  return out
}

export async function runInfant(
  infant: DriftInfant,
  policy: UpdatePolicy,
  fit: FitPersonalModel,
  settings: TrackerSettings,
): Promise<InfantOutcome> {
  const change = infant.changeT
  // The clinician the evaluation assumes: an alert before the change is looked at and resolved within a day
  // (updating resumes); one at or after the change is confirmed and stays open.
  const tracker = new InfantTracker(fit, policy, settings, {
    resolveAlert: (a) => (change !== null && a.t >= change ? null : a.t + ALERT_OPEN_MS),
  })
  const joined = new Set<number>()
  for (const r of infant.recordings) {
    const ds = await tracker.addRecording(r.cries)
    for (const d of ds) if (d.joinedBaseline) joined.add(d.id)
  }
  const all = infant.recordings.flatMap((r) => r.cries)
  const first = all.length ? Math.min(...all.map((c) => c.t)) : 0
  const last = all.length ? Math.max(...all.map((c) => c.t)) : 0
  const alertTimes = alertEvents(tracker.alerts.map((a) => a.t))
  const isCry = (c: TrackerCry) =>
    c.cryConfidence === null || c.cryConfidence >= settings.gate.minCryConfidence
  const post = change === null ? [] : all.filter((c) => c.t >= change && isCry(c))
  const split = infant.splitT ?? change
  const afterSplit = split === null ? undefined : alertTimes.find((t) => t >= split)
  const postBlocks = split === null ? [] : tracker.blocks.filter((b) => b.t >= split)
  const firstAlertT = change === null ? null : (alertTimes.find((t) => t >= change) ?? null)
  return {
    infant: infant.id,
    changed: change !== null,
    firstAlertT,
    delayHours: firstAlertT === null || change === null ? null : (firstAlertT - change) / HOUR,
    delayCries:
      firstAlertT === null || change === null ? null : post.filter((c) => c.t <= firstAlertT).length,
    falseAlerts: alertTimes.filter((t) => change === null || t < change).length,
    stableDays: Math.max(0, ((change ?? last) - first) / DAY),
    postChangeCries: post.length,
    postChangeJoined: post.filter((c) => joined.has(c.id)).length,
    modelVersions: tracker.modelVersion,
    kind: infant.kind ?? (change === null ? 'none' : 'simulated'),
    size: infant.size ?? null,
    alertedAfterSplit: afterSplit !== undefined,
    alertAfterSplitHours: afterSplit === undefined || split === null ? null : (afterSplit - split) / HOUR,
    maxPostStatistic: postBlocks.reduce(
      (m, b) => Math.max(m, b.ewma / b.ewmaLimit, b.cusum / b.cusumLimit),
      -Infinity,
    ),
  }
}

/** Per kind and size of change (real scenario): detection, and AUC against the unchanged timelines. */
export function changeFigures(outcomes: InfantOutcome[]): ChangeFigures[] {
  const groups = new Map<string, InfantOutcome[]>()
  for (const o of outcomes) {
    const key = `${o.kind}\u0000${o.size ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), o])
  }
  const none = outcomes.filter((o) => o.kind === 'none')
  const stat = (o: InfantOutcome) => (Number.isFinite(o.maxPostStatistic) ? o.maxPostStatistic : -1e9)
  return [...groups.values()].map((list) => {
    const kind = list[0]!.kind
    const scores = [...list.map(stat), ...none.map(stat)]
    const labels = [...list.map(() => 1), ...none.map(() => 0)]
    return {
      kind,
      size: list[0]!.size,
      infants: list.length,
      detected: list.filter((o) => o.alertedAfterSplit).length / list.length,
      detected_within_24h:
        list.filter((o) => o.alertAfterSplitHours !== null && o.alertAfterSplitHours <= 24).length /
        list.length,
      auc_vs_none: kind === 'none' || !none.length ? null : rocAuc(scores, labels),
    }
  })
}

export function policyFigures(outcomes: InfantOutcome[]): PolicyFigures {
  const changed = outcomes.filter((o) => o.changed)
  const detected = changed.filter((o) => o.firstAlertT !== null)
  const stableDays = outcomes.reduce((a, o) => a + o.stableDays, 0)
  const post = changed.reduce((a, o) => a + o.postChangeCries, 0)
  return {
    detected: changed.length ? detected.length / changed.length : NaN,
    detected_within_24h: changed.length
      ? detected.filter((o) => o.delayHours! <= 24).length / changed.length
      : NaN,
    median_delay_hours: median(detected.map((o) => o.delayHours!)),
    median_delay_cries: median(detected.map((o) => o.delayCries!)),
    false_alerts_per_infant_day:
      stableDays > 0 ? outcomes.reduce((a, o) => a + o.falseAlerts, 0) / stableDays : 0,
    contamination: post ? changed.reduce((a, o) => a + o.postChangeJoined, 0) / post : 0,
    changed_infants: changed.length,
    stable_infant_days: stableDays,
    infants: outcomes,
  }
}

export async function runPolicies(
  infants: DriftInfant[],
  fit: FitPersonalModel,
  settings: TrackerSettings,
  onInfant?: (policy: UpdatePolicy, infant: string) => void,
): Promise<Record<UpdatePolicy, PolicyFigures>> {
  const out = {} as Record<UpdatePolicy, PolicyFigures>
  for (const policy of ['gated', 'always', 'never'] as const) {
    const outcomes: InfantOutcome[] = []
    for (const inf of infants) {
      onInfant?.(policy, inf.id)
      outcomes.push(await runInfant(inf, policy, fit, { ...settings, ...inf.settings }))
    }
    out[policy] = policyFigures(outcomes)
    if (infants.some((i) => i.kind && i.kind !== 'simulated')) out[policy].by_change = changeFigures(outcomes)
  }
  return out
}
