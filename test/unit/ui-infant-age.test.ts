// The infant's age as neonatal units count it: gestation in weeks+days, postnatal day, postmenstrual age.
import { describe, expect, it } from 'vitest'
import {
  ageSummary,
  parseWeeksDays,
  postmenstrualDays,
  postnatalDays,
  weeksDays,
} from '../../src/renderer/src/view-model/infant-age'

const now = new Date(2026, 11, 2, 3, 30) // 02 Dec 2026, 03:30 local: the calendar day counts, not the hour

describe('infant age', () => {
  it('writes and reads gestation as completed weeks + days', () => {
    expect(weeksDays(199)).toBe('28+3')
    expect(weeksDays(280)).toBe('40+0')
    expect(parseWeeksDays('28+3')).toBe(199)
    expect(parseWeeksDays(' 31 ')).toBe(217)
    expect(parseWeeksDays('28+7')).toBeNull()
    expect(parseWeeksDays('abc')).toBeNull()
  })

  it('counts the postnatal day from the date of birth (day of birth = day 0)', () => {
    expect(postnatalDays('2026-12-02', now)).toBe(0)
    expect(postnatalDays('2026-11-20', now)).toBe(12)
    expect(postnatalDays('2026-02-28', new Date(2026, 2, 1))).toBe(1)
  })

  it('adds the postnatal age to the gestation at birth', () => {
    const infant = { birthDate: '2026-11-20', gestationalAgeDays: 199, birthWeightG: 1120 }
    expect(postmenstrualDays(infant, now)).toBe(211)
    expect(ageSummary(infant, now)).toBe('PMA 30+1 wk · day 12 · born 28+3 wk, 1,120 g')
    expect(postmenstrualDays({ birthDate: null, gestationalAgeDays: 199 }, now)).toBeNull()
    expect(ageSummary({ birthDate: null, gestationalAgeDays: null, birthWeightG: 2400 }, now)).toBe(
      'born 2,400 g',
    )
    expect(ageSummary({ birthDate: null, gestationalAgeDays: null, birthWeightG: null }, now)).toBe('')
  })
})
