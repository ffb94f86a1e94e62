// The infant's age as neonatal units count it: gestational age at birth in completed weeks and days
// ("28+3"), postnatal age in days (day of birth = day 0), and postmenstrual age = gestational age at birth
// + postnatal age, which a ward reads to compare infants born at different gestations.
import type { Infant } from '../../../shared/contract'

const DAY_MS = 86_400_000

/** Days as completed weeks + days: 199 → "28+3". */
export function weeksDays(days: number): string {
  return `${Math.floor(days / 7)}+${days % 7}`
}

/** "28+3" or "28" (weeks) → days, or null when it is not a gestation. */
export function parseWeeksDays(text: string): number | null {
  const m = /^\s*(\d{1,2})\s*(?:\+\s*([0-6]))?\s*$/.exec(text)
  if (!m) return null
  return Number(m[1]) * 7 + Number(m[2] ?? 0)
}

/** Whole days from a calendar date (YYYY-MM-DD) to the local calendar day of `now`. */
export function postnatalDays(birthDate: string, now: Date = new Date()): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate)
  if (!m) return null
  const born = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())
  return Math.round((today - born) / DAY_MS)
}

/** Postmenstrual age in days, or null without a date of birth and a gestational age. */
export function postmenstrualDays(
  i: Pick<Infant, 'birthDate' | 'gestationalAgeDays'>,
  now: Date = new Date(),
): number | null {
  if (!i.birthDate || i.gestationalAgeDays === null) return null
  const pn = postnatalDays(i.birthDate, now)
  return pn === null || pn < 0 ? null : i.gestationalAgeDays + pn
}

/** "PMA 32+4 wk · day 12 · born 28+3 wk, 1,120 g": what is known, in the ward's order; '' when nothing. */
export function ageSummary(
  i: Pick<Infant, 'birthDate' | 'gestationalAgeDays' | 'birthWeightG'>,
  now: Date = new Date(),
): string {
  const parts: string[] = []
  const pma = postmenstrualDays(i, now)
  if (pma !== null) parts.push(`PMA ${weeksDays(pma)} wk`)
  const pn = i.birthDate ? postnatalDays(i.birthDate, now) : null
  if (pn !== null && pn >= 0) parts.push(`day ${pn}`)
  const born = [
    i.gestationalAgeDays !== null ? `${weeksDays(i.gestationalAgeDays)} wk` : null,
    i.birthWeightG !== null ? `${i.birthWeightG.toLocaleString('en-GB')} g` : null,
  ].filter(Boolean)
  if (born.length) parts.push(`born ${born.join(', ')}`)
  return parts.join(' · ')
}
