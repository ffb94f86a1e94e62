// Times as a hospital reads them: 24-hour clock and a date that cannot be misread by default, ISO or the
// browser's conventions on request; "3 h ago" where recency matters.
import { afterEach, describe, expect, it } from 'vitest'
import {
  formatAgo,
  formatTime,
  getTimeFormat,
  dateInputHint,
  parseDateInput,
  parseTimeInput,
  setTimeFormat,
  timeInputHint,
  toDateInput,
  toTimeInput,
} from '../../src/renderer/src/view-model/format'

const afternoon = new Date(2026, 11, 2, 14, 5, 9) // local time: the output does not depend on the zone
const morning = new Date(2026, 0, 7, 8, 3, 0)

afterEach(() => setTimeFormat('hospital'))

describe('formatTime', () => {
  it('writes day, month name, year and a 24-hour clock by default', () => {
    expect(getTimeFormat()).toBe('hospital')
    expect(formatTime(afternoon)).toBe('02 Dec 2026 14:05')
    expect(formatTime(afternoon.toISOString(), { seconds: true })).toBe('02 Dec 2026 14:05:09')
    expect(formatTime(morning.getTime(), { year: false })).toBe('07 Jan 08:03')
  })

  it('writes ISO dates when the workstation asks for them', () => {
    setTimeFormat('iso')
    expect(formatTime(afternoon)).toBe('2026-12-02 14:05')
    expect(formatTime(morning, { year: false, seconds: true })).toBe('01-07 08:03:00')
  })

  it('answers a dash for no time or a bad one', () => {
    expect(formatTime(null)).toBe('—')
    expect(formatTime(undefined)).toBe('—')
    expect(formatTime('not a time')).toBe('—')
  })
})

describe('formatAgo', () => {
  const now = afternoon.getTime()
  it('says how long ago in minutes, hours, then days', () => {
    expect(formatAgo(now - 20_000, now)).toBe('just now')
    expect(formatAgo(now - 12 * 60_000, now)).toBe('12 min ago')
    expect(formatAgo(now - 3 * 3600_000 - 59_000, now)).toBe('3 h ago')
    expect(formatAgo(now - 30 * 3600_000, now)).toBe('30 h ago')
    expect(formatAgo(now - 3 * 86400_000, now)).toBe('3 d ago')
    expect(formatAgo(now + 5 * 60_000, now)).toBe('in 5 min')
    expect(formatAgo(null, now)).toBe('—')
  })
})

describe("a time typed as the ward writes it (the handover's shift end)", () => {
  const at = (y: number, mo: number, d: number, h: number, mi: number) =>
    new Date(y, mo, d, h, mi).toISOString()
  it("reads the ward's and the ISO way of writing a date, with a 24-hour clock", () => {
    expect(parseTimeInput('02 Dec 2026 07:00')).toBe(at(2026, 11, 2, 7, 0))
    expect(parseTimeInput('2 dec 2026 19:30')).toBe(at(2026, 11, 2, 19, 30))
    expect(parseTimeInput(' 08 Jan 2025 00:00 ')).toBe(at(2025, 0, 8, 0, 0))
    expect(parseTimeInput('2026-12-02 07:00')).toBe(at(2026, 11, 2, 7, 0))
    expect(parseTimeInput('2025-01-08T00:00')).toBe(at(2025, 0, 8, 0, 0))
    expect(parseTimeInput('07:15', new Date(2026, 11, 2, 12, 0))).toBe(at(2026, 11, 2, 7, 15))
  })
  it('refuses what is not a time: AM/PM, hours past 23, days a month lacks, unknown months, half a time', () => {
    for (const t of [
      '07:00 PM',
      '02 Dec 2026 7 PM',
      '02 Dec 2026 24:00',
      '31 Feb 2026 07:00',
      '02 Dez 2026 07:00',
      '02 Dec 2026 07:0',
      '2026-13-01 07:00',
      'soon',
      '',
    ])
      expect(parseTimeInput(t), t).toBeUndefined()
  })
  it('writes the field as formatTime does, and round-trips', () => {
    const iso = at(2026, 11, 2, 7, 5)
    expect(toTimeInput(iso, 'hospital')).toBe('02 Dec 2026 07:05')
    expect(toTimeInput(iso, 'iso')).toBe('2026-12-02 07:05')
    expect(parseTimeInput(toTimeInput(iso, 'hospital'))).toBe(iso)
    expect(parseTimeInput(toTimeInput(iso, 'iso'))).toBe(iso)
    expect(timeInputHint('hospital')).toBe('e.g. 02 Dec 2026 07:00 (24 h)')
    expect(timeInputHint('iso')).toBe('e.g. 2026-12-02 07:00 (24 h)')
  })
})

describe('a date typed as the ward writes it (date of birth, date filters)', () => {
  it('reads 02 Dec 2026, 2 dec 2026 and 2026-12-02 as the same day; refuses what is not a date', () => {
    for (const t of ['02 Dec 2026', '2 dec 2026', ' 2026-12-02 ', '2026-12-2'])
      expect(parseDateInput(t), t).toBe('2026-12-02')
    for (const t of ['12/02/2026', '31 Feb 2026', '2026-02-30', '02 Dez 2026', 'Dec 2026', ''])
      expect(parseDateInput(t), t).toBeUndefined()
  })
  it('writes the field as the workstation writes dates, and round-trips', () => {
    expect(toDateInput('2026-12-02', 'hospital')).toBe('02 Dec 2026')
    expect(toDateInput('2026-12-02', 'iso')).toBe('2026-12-02')
    expect(toDateInput('', 'hospital')).toBe('')
    expect(parseDateInput(toDateInput('2025-01-08', 'hospital'))).toBe('2025-01-08')
    expect(dateInputHint('hospital')).toBe('e.g. 02 Dec 2026')
    expect(toTimeInput(new Date(2026, 0, 6, 22, 15, 7).toISOString(), 'hospital', true)).toBe(
      '06 Jan 2026 22:15:07',
    )
    expect(parseTimeInput('06 Jan 2026 22:15:07')).toBe(new Date(2026, 0, 6, 22, 15, 7).toISOString())
  })
})
