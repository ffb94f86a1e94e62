// How an audit entry reads in the log view: what changed between its before and after values, one line per
// key, with nested values shortened and instants in the ward's time format. Pure, for the unit tests.
import { formatTime } from './format'

/** The action families the filter offers (audit actions are `<family>.<verb>`). */
export const AUDIT_FAMILIES: { prefix: string; label: string }[] = [
  { prefix: 'settings.', label: 'Settings' },
  { prefix: 'model.', label: 'Models' },
  { prefix: 'cry.', label: 'Verdicts and stage 0 corrections' },
  { prefix: 'alert.', label: 'Alerts' },
  { prefix: 'handover.', label: 'Shift handovers read and printed' },
  { prefix: 'export.', label: 'Exports' },
  { prefix: 'infant.', label: 'Infants' },
  { prefix: 'recording.', label: 'Recordings' },
  { prefix: 'evaluation.', label: 'Evaluations' },
  { prefix: 'user.', label: 'Users and PINs' },
  { prefix: 'session.', label: 'Sign-ins' },
  { prefix: 'store.', label: 'Backups and restores' },
  { prefix: 'audit.', label: 'Audit exports' },
]

/** A stored instant: an ISO 8601 date-time with its zone (`Z` or an offset), as the store writes them. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

function short(v: unknown): string {
  if (v === undefined) return '—'
  // Measured values read better at six significant digits (0.9999999999988257 → 1).
  if (typeof v === 'number') return String(Number(v.toPrecision(6)))
  // Instants as the rest of the workstation shows them (24-hour clock, unambiguous date), not as stored.
  if (typeof v === 'string' && INSTANT.test(v)) return formatTime(v, { seconds: true })
  const s = typeof v === 'string' ? v : JSON.stringify(v)
  return s.length > 80 ? `${s.slice(0, 77)}…` : s
}

/** Lines "key: before → after" for the keys that differ; a creation or a one-sided value lists its keys. */
export function auditChanges(before: unknown, after: unknown): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === 'object' && !Array.isArray(v)
  if (!isObj(before) && !isObj(after)) {
    if (before === null || before === undefined)
      return after === null || after === undefined ? [] : [short(after)]
    return [`${short(before)} → ${short(after)}`]
  }
  const b = isObj(before) ? before : {}
  const a = isObj(after) ? after : {}
  const lines: string[] = []
  for (const k of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
    if (JSON.stringify(b[k]) === JSON.stringify(a[k])) continue
    if (!(k in b) || !isObj(before)) lines.push(`${k}: ${short(a[k])}`)
    else if (!(k in a)) lines.push(`${k}: ${short(b[k])} → (removed)`)
    else lines.push(`${k}: ${short(b[k])} → ${short(a[k])}`)
  }
  return lines
}
