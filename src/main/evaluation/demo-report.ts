// How the demo ward's analysis did against the simulator's truth: per infant, the first alert after its onset and
// its delay, false alerts per day (before the onset, or anywhere for an infant that never changes), and flags per
// day before and after the onset, and how much the ward recorded of it in the first day (the truth's cries and
// their severity: an alert cannot come before the cries that carry the change). An infant that never changes is
// split at the ward's earliest onset, so its flags after that time are compared with the deviating infants' over the same days. Alerts are counted as
// protocol E counts them (alertEvents: crossings within a day of the last belong to it). Pure: the demo command
// gathers the rows from the store.
import { alertEvents } from './metrics/drift'

export interface DemoInfantRows {
  id: string
  /** Onset of the deviation (ms), or null for an infant that never changes. */
  onsetT: number | null
  /** Scored cries: time (ms) and whether flagged. */
  cries: { t: number; flagged: boolean }[]
  /** Times the infant's alerts were raised (data time, ms). */
  alerts: number[]
  /** The simulator's truth of the infant's recorded cries: onset time (ms) and deviation severity (0–1). */
  truthCries?: { t: number; severity: number }[]
}

export interface DemoInfantOutcome {
  id: string
  deviating: boolean
  onset_t: string | null
  first_alert_t: string | null
  alert_delay_hours: number | null
  false_alerts_per_day: number
  flags_per_day_before: number
  flags_per_day_after: number
  /** What the ward recorded to alert on: the infant's cries in the 24 h after its onset (the simulator's truth,
   * whether stage 0 found them or not) and their mean deviation severity (it ramps up from 0 after the onset).
   * Null for an infant that never changes, or without the truth's cries. */
  cries_within_24h: number | null
  mean_severity_within_24h: number | null
}

const HOUR = 3600e3
const DAY = 24 * HOUR

export function demoOutcomes(infants: readonly DemoInfantRows[]): DemoInfantOutcome[] {
  const onsets = infants.map((i) => i.onsetT).filter((t): t is number => t !== null)
  const wardOnset = onsets.length ? Math.min(...onsets) : null
  return infants.map((i) => {
    const times = i.cries.map((c) => c.t)
    const first = times.length ? Math.min(...times) : 0
    const last = times.length ? Math.max(...times) : 0
    const split = i.onsetT ?? wardOnset
    const before = split === null ? i.cries : i.cries.filter((c) => c.t < split)
    const after = split === null ? [] : i.cries.filter((c) => c.t >= split)
    const days = (a: number, b: number) => Math.max(1 / 24, (b - a) / DAY)
    const events = alertEvents(i.alerts)
    const firstAlert = i.onsetT === null ? undefined : events.find((t) => t >= i.onsetT!)
    const falseAlerts = events.filter((t) => i.onsetT === null || t < i.onsetT).length
    const stableEnd = i.onsetT ?? last
    const early =
      i.onsetT === null || !i.truthCries
        ? null
        : i.truthCries.filter((c) => c.t >= i.onsetT! && c.t < i.onsetT! + DAY)
    return {
      id: i.id,
      deviating: i.onsetT !== null,
      onset_t: i.onsetT === null ? null : new Date(i.onsetT).toISOString(),
      first_alert_t: firstAlert === undefined ? null : new Date(firstAlert).toISOString(),
      alert_delay_hours: firstAlert === undefined ? null : (firstAlert - i.onsetT!) / HOUR,
      false_alerts_per_day: times.length ? falseAlerts / days(first, Math.max(first, stableEnd)) : 0,
      flags_per_day_before: before.length
        ? before.filter((c) => c.flagged).length / days(first, split ?? last)
        : 0,
      flags_per_day_after:
        after.length && split !== null ? after.filter((c) => c.flagged).length / days(split, last) : 0,
      cries_within_24h: early ? early.length : null,
      mean_severity_within_24h:
        early && early.length ? early.reduce((sum, c) => sum + c.severity, 0) / early.length : null,
    }
  })
}

export interface DemoSummary {
  /** Deviating infants alerted within 24 h of their onset, of all deviating infants. */
  alerted_within_24h: number
  deviating: number
  /** Mean over the infants that never change of their false alerts per day. */
  healthy_false_alerts_per_day: number | null
  /** Mean flags per day after the onset, deviating infants and infants that never change, and their ratio. */
  deviating_flags_per_day_after: number | null
  healthy_flags_per_day_after: number | null
  flags_ratio: number | null
}

/** The ward's figures against the issue's goals: alerts within a day, false alerts and the flags' contrast. */
export function demoSummary(rows: readonly DemoInfantOutcome[]): DemoSummary {
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null)
  const dev = rows.filter((r) => r.deviating)
  const healthy = rows.filter((r) => !r.deviating)
  const devFlags = mean(dev.map((r) => r.flags_per_day_after))
  const healthyFlags = mean(healthy.map((r) => r.flags_per_day_after))
  return {
    alerted_within_24h: dev.filter((r) => r.alert_delay_hours !== null && r.alert_delay_hours <= 24).length,
    deviating: dev.length,
    healthy_false_alerts_per_day: mean(healthy.map((r) => r.false_alerts_per_day)),
    deviating_flags_per_day_after: devFlags,
    healthy_flags_per_day_after: healthyFlags,
    flags_ratio: devFlags !== null && healthyFlags ? devFlags / healthyFlags : null,
  }
}
