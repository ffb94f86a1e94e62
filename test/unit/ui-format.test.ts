// Times as a hospital reads them: 24-hour clock and a date that cannot be misread by default, ISO or the
// browser's conventions on request; "3 h ago" where recency matters.
import { afterEach, describe, expect, it } from 'vitest'
import { formatAgo, formatTime, getTimeFormat, setTimeFormat } from '../../src/renderer/src/view-model/format'

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
