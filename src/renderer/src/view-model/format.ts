export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '—'
  if (s < 60) return `${s.toFixed(1)} s`
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = Math.floor(s % 60)
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(sec).padStart(2, '0')} s`
}

/**
 * How dates and times are written, a display preference of this workstation (kept in its browser storage):
 * - `hospital` (default): 02 Dec 2026 14:05 — day, month name, year, 24-hour clock: no day/month confusion
 * - `iso`: 2026-12-02 14:05
 * - `locale`: the browser's own conventions (may use a 12-hour clock or a numeric day/month order)
 */
export type TimeFormat = 'hospital' | 'iso' | 'locale'
export const TIME_FORMATS: { value: TimeFormat; label: string }[] = [
  { value: 'hospital', label: '02 Dec 2026 14:05 (24 h)' },
  { value: 'iso', label: '2026-12-02 14:05 (ISO)' },
  { value: 'locale', label: "This browser's language" },
]
const TIME_FORMAT_KEY = 'iclas.timeFormat'
let timeFormat: TimeFormat = readTimeFormat()

function readTimeFormat(): TimeFormat {
  try {
    const v = globalThis.localStorage?.getItem(TIME_FORMAT_KEY)
    return v === 'iso' || v === 'locale' ? v : 'hospital'
  } catch {
    return 'hospital'
  }
}

export function getTimeFormat(): TimeFormat {
  return timeFormat
}

/** Changes the preference for this workstation; the caller re-renders. */
export function setTimeFormat(f: TimeFormat): void {
  timeFormat = f
  try {
    globalThis.localStorage?.setItem(TIME_FORMAT_KEY, f)
  } catch {
    /* storage unavailable: this page only */
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const p2 = (n: number) => String(n).padStart(2, '0')

/**
 * A moment as the ward reads it, in local time: `02 Dec 2026 14:05` by default (see TimeFormat). `seconds`
 * adds them; `year: false` leaves the year out where it is plain from the context (chart labels).
 */
export function formatTime(
  iso: string | number | Date | null | undefined,
  opts: { seconds?: boolean; year?: boolean; format?: TimeFormat } = {},
): string {
  if (iso === null || iso === undefined || iso === '') return '—'
  const d = iso instanceof Date ? iso : new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  const format = opts.format ?? timeFormat
  const year = opts.year !== false
  const clock = `${p2(d.getHours())}:${p2(d.getMinutes())}${opts.seconds ? `:${p2(d.getSeconds())}` : ''}`
  if (format === 'iso') {
    const date = `${year ? `${d.getFullYear()}-` : ''}${p2(d.getMonth() + 1)}-${p2(d.getDate())}`
    return `${date} ${clock}`
  }
  if (format === 'locale')
    return d.toLocaleString(undefined, {
      ...(year ? { year: 'numeric' } : {}),
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(opts.seconds ? { second: '2-digit' } : {}),
    })
  return `${p2(d.getDate())} ${MONTHS[d.getMonth()]}${year ? ` ${d.getFullYear()}` : ''} ${clock}`
}

/** How long ago, for where recency matters: "just now", "12 min ago", "3 h ago", "2 d ago" (or "in 5 min"). */
export function formatAgo(iso: string | number | Date | null | undefined, now: number = Date.now()): string {
  if (iso === null || iso === undefined || iso === '') return '—'
  const t = (iso instanceof Date ? iso : new Date(iso)).getTime()
  if (Number.isNaN(t)) return '—'
  const s = (now - t) / 1000
  const a = Math.abs(s)
  const span =
    a < 60
      ? null
      : a < 3600
        ? `${Math.floor(a / 60)} min`
        : a < 86400 * 2
          ? `${Math.floor(a / 3600)} h`
          : `${Math.floor(a / 86400)} d`
  if (span === null) return 'just now'
  return s >= 0 ? `${span} ago` : `in ${span}`
}

export function formatRate(hz: number): string {
  return hz % 1000 === 0 ? `${hz / 1000} kHz` : `${(hz / 1000).toFixed(1)} kHz`
}

/** An ISO time as the value of an <input type="datetime-local"> (local time, seconds). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** The value of a datetime-local or date input (local time) as ISO, or undefined when empty/invalid. */
export function fromLocalInput(value: string, endOfDay = false): string | undefined {
  if (!value) return undefined
  const v = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00'}` : value
  const d = new Date(v)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}

/** How a time is typed where the workstation's format is `hospital` or `iso` (the field's hint). */
export function timeInputHint(format: TimeFormat = timeFormat): string {
  return format === 'iso' ? 'e.g. 2026-12-02 07:00 (24 h)' : 'e.g. 02 Dec 2026 07:00 (24 h)'
}

/** A moment written as formatTime writes it (local time), for a time field's value. */
export function toTimeInput(
  iso: string | null | undefined,
  format: TimeFormat = timeFormat,
  seconds = false,
): string {
  return iso ? formatTime(iso, { format: format === 'iso' ? 'iso' : 'hospital', seconds }) : ''
}

/** How a date is typed where the workstation's format is `hospital` or `iso` (the field's hint). */
export function dateInputHint(format: TimeFormat = timeFormat): string {
  return format === 'iso' ? 'e.g. 2026-12-02' : 'e.g. 02 Dec 2026'
}

/** A calendar date (YYYY-MM-DD) written as the ward writes dates, for a date field's value. */
export function toDateInput(ymd: string | null | undefined, format: TimeFormat = timeFormat): string {
  const m = ymd ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd) : null
  if (!m) return ''
  return format === 'iso' ? ymd! : `${m[3]} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`
}

/** A date typed as the ward writes it (`02 Dec 2026`, `2 dec 2026`, `2026-12-02`) as YYYY-MM-DD; undefined when
 * it is not a date (31 Feb included). */
export function parseDateInput(text: string): string | undefined {
  const t = text.trim()
  const named = /^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})$/.exec(t)
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t)
  let y: number, mo: number, d: number
  if (named) {
    mo = MONTHS.findIndex((m) => m.toLowerCase() === named[2]!.toLowerCase())
    if (mo < 0) return undefined
    ;[y, d] = [Number(named[3]), Number(named[1])]
  } else if (iso) [y, mo, d] = [Number(iso[1]), Number(iso[2]) - 1, Number(iso[3])]
  else return undefined
  const at = new Date(y, mo, d)
  if (at.getFullYear() !== y || at.getMonth() !== mo || at.getDate() !== d) return undefined
  return `${y}-${p2(mo + 1)}-${p2(d)}`
}

/**
 * A time typed as the ward writes it, in local time and a 24-hour clock, as ISO; undefined when it is not one.
 * Either way of writing a date is read whatever the preference (`02 Dec 2026 07:00`, `2 dec 2026 7:00`,
 * `2026-12-02 07:00`, `2026-12-02T07:00`); a time alone (`07:00`) is today's. No AM/PM: a 24-hour clock only.
 */
export function parseTimeInput(text: string, now: Date = new Date()): string | undefined {
  const t = text.trim()
  let y: number, mo: number, d: number, rest: string
  const named = /^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})\s*,?\s+(.*)$/.exec(t)
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T|\s+)(.*)$/.exec(t)
  if (named) {
    mo = MONTHS.findIndex((m) => m.toLowerCase() === named[2]!.toLowerCase())
    if (mo < 0) return undefined
    ;[y, d, rest] = [Number(named[3]), Number(named[1]), named[4]!]
  } else if (iso) {
    ;[y, mo, d, rest] = [Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), iso[4]!]
  } else {
    ;[y, mo, d, rest] = [now.getFullYear(), now.getMonth(), now.getDate(), t]
  }
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(rest.trim())
  if (!clock) return undefined
  const [h, mi, se] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)]
  if (h > 23 || mi > 59 || se > 59) return undefined
  const at = new Date(y, mo, d, h, mi, se)
  // 31 Feb is not a day (Date would roll it over into March).
  if (at.getFullYear() !== y || at.getMonth() !== mo || at.getDate() !== d) return undefined
  return at.toISOString()
}

export function formatMeasure(value: number | null | undefined, unit: string, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`
}
