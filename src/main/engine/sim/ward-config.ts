// What a simulated ward looks like: how many infants for how long, how much is recorded, who deviates and
// how. Every field has a default, so `{ seed: 7 }` is a complete ward.
import type { DeviationProfile } from './voice'

export interface DeviationSpec {
  /** Index of the infant (0-based). */
  infant: number
  /** Hours after the ward's start when the deviation begins to ramp in. */
  startHour: number
  rampHours?: number
  severity?: number
  profile?: Partial<DeviationProfile>
}

export interface WardConfig {
  seed: number | string
  infants: number
  days: number
  /** Hours recorded per infant per day, split evenly into `sessionsPerDay` recordings. */
  hoursPerDay: number
  sessionsPerDay: number
  /** Output rate, Hz. */
  sampleRate: number
  /** Local time of the ward's first day, "YYYY-MM-DDTHH:MM:SS" (no zone, like the file names). */
  start: string
  /** How many infants (drawn from the seed) deviate; ignored when `deviations` is given. Default: 2, or a third of a smaller ward. */
  deviating: number
  /** Explicit deviations; when absent, `deviating` infants start between 35 % and 60 % of the ward's span. */
  deviations?: DeviationSpec[]
  /** Hours over which a deviation ramps from nothing to full severity. */
  rampHours: number
  /** Full severity, 0…1 (1 = every aspect moves by the whole DeviationProfile). */
  severity: number
  deviation?: Partial<DeviationProfile>
  /** Scales how often infants cry (1 ≈ 60 expirations per recorded hour on average, in spells). */
  cryRate: number
  /** Far-away infants in other beds, heard now and then. */
  distantInfants: boolean
  /** Scales the rate of ward events (alarms, speech, doors…); 0 leaves only the HVAC bed. */
  wardActivity: number
  /** Infant labels are `<prefix>-01`, `<prefix>-02`, … */
  labelPrefix: string
}

export const DEFAULT_WARD: Omit<WardConfig, 'seed'> = {
  infants: 6,
  days: 7,
  hoursPerDay: 2,
  sessionsPerDay: 1,
  sampleRate: 16000,
  start: '2025-01-06T00:00:00',
  deviating: 2,
  rampHours: 12,
  severity: 1,
  cryRate: 1,
  distantInfants: true,
  wardActivity: 1,
  labelPrefix: 'infant',
}

export function resolveWardConfig(partial: Partial<WardConfig>): WardConfig {
  const c: WardConfig = { seed: 1, ...DEFAULT_WARD, ...partial }
  // Small wards keep most infants unchanged, as controls.
  if (partial.deviating === undefined)
    c.deviating = Math.min(DEFAULT_WARD.deviating, Math.floor(c.infants / 3))
  const problems: string[] = []
  const positiveInt = (name: keyof WardConfig) => {
    const v = c[name]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      problems.push(`${name} must be a positive integer`)
  }
  positiveInt('infants')
  positiveInt('days')
  positiveInt('sessionsPerDay')
  if (!(c.hoursPerDay > 0 && c.hoursPerDay <= 24)) problems.push('hoursPerDay must be in (0, 24]')
  if (!(c.sampleRate >= 8000 && c.sampleRate <= 96000)) problems.push('sampleRate must be 8000–96000 Hz')
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(c.start))
    problems.push('start must be YYYY-MM-DDTHH:MM:SS')
  if (!(Number.isInteger(c.deviating) && c.deviating >= 0 && c.deviating <= c.infants)) {
    problems.push('deviating must be an integer between 0 and the number of infants')
  }
  if (!(c.severity >= 0 && c.severity <= 1)) problems.push('severity must be in [0, 1]')
  if (!(c.rampHours >= 0)) problems.push('rampHours must be ≥ 0')
  if (!(c.cryRate >= 0)) problems.push('cryRate must be ≥ 0')
  if (!(c.wardActivity >= 0)) problems.push('wardActivity must be ≥ 0')
  for (const d of c.deviations ?? []) {
    if (!(Number.isInteger(d.infant) && d.infant >= 0 && d.infant < c.infants)) {
      problems.push(`deviation for infant ${d.infant}: no such infant`)
    }
  }
  if (problems.length) throw new RangeError(`invalid ward: ${problems.join('; ')}`)
  return c
}
