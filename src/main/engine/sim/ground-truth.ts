// Ground truth of a simulated ward, written as `ground-truth.json` beside the recordings:
//
// {
//   "format": "iclas-ward-ground-truth/1",
//   "config": { …the resolved WardConfig… },
//   "wardStart": "2025-01-06T00:00:00",          local time, no zone, like the file names
//   "infants": [ { "label": "infant-01", "voice": {…Voice…},
//                  "deviationStart": "2025-01-09T14:00:00" | null,   null = this infant never changes
//                  "deviation": { "startS", "start", "rampHours", "severity", "profile": {…} } | null } ],
//   "recordings": [ { "infant": "infant-01",
//                     "file": "infant-01/infant-01_2025-01-06_08-15-00.wav",   relative, '/'-separated
//                     "start": "2025-01-06T08:15:00", "startS": 29700,         wall clock / ward seconds
//                     "durationS": 7200, "sampleRate": 16000,
//                     "cries": [ { "startS", "endS",     seconds into this file: one expiration each
//                                  "time", "wardS",      local time / ward seconds of the expiration's start
//                                  "bout",               expirations of one cry bout share this index
//                                  "phonation",          phonation | hyperphonation | dysphonation
//                                  "f0MeanHz",           mean of the f0 contour the synthesizer followed
//                                  "severity" } ],       deviation severity 0…1 at this cry (0 = usual cry)
//                     "background": [ { "kind", "startS", "endS", "peakDb", "priority"? } ] } ]
// }
//
// "Ward seconds" count from wardStart; local times are wardStart plus those seconds on a clock without
// daylight-saving jumps. A cry is one expiration, the unit the segmenter finds (as in CryCeleb and the
// Donate-a-Cry TextGrids); inspirations are not listed. Severity ramps linearly from 0 at the deviation start
// to the infant's severity after rampHours. Background kinds: monitor-beeps, alarm, speech, door, distant-cry.
import type { BackgroundEvent } from './ward-background'
import type { DeviationProfile, Phonation, Voice } from './voice'
import type { WardConfig } from './ward-config'

export const GROUND_TRUTH_FORMAT = 'iclas-ward-ground-truth/1'
export const GROUND_TRUTH_FILE = 'ground-truth.json'

export interface CryTruth {
  startS: number
  endS: number
  time: string
  wardS: number
  bout: number
  phonation: Phonation
  f0MeanHz: number
  severity: number
}

export interface RecordingTruth {
  infant: string
  file: string
  start: string
  startS: number
  durationS: number
  sampleRate: number
  cries: CryTruth[]
  background: BackgroundEvent[]
}

export interface DeviationTruth {
  startS: number
  start: string
  rampHours: number
  severity: number
  profile: DeviationProfile
}

export interface InfantTruth {
  label: string
  voice: Voice
  deviationStart: string | null
  deviation: DeviationTruth | null
}

export interface WardGroundTruth {
  format: typeof GROUND_TRUTH_FORMAT
  config: WardConfig
  wardStart: string
  infants: InfantTruth[]
  recordings: RecordingTruth[]
}

/** Severity of a deviation at ward second `wardS`: 0 before it starts, ramping linearly to its full severity. */
export function severityAt(deviation: DeviationTruth | null, wardS: number): number {
  if (!deviation || wardS < deviation.startS) return 0
  const ramp = deviation.rampHours * 3600
  return ramp > 0 ? deviation.severity * Math.min(1, (wardS - deviation.startS) / ramp) : deviation.severity
}

/** "YYYY-MM-DDTHH:MM:SS" local time → milliseconds on a zone-less clock (computed as if UTC). */
export function clockMs(localIso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(localIso)
  if (!m) throw new Error(`not a local time "YYYY-MM-DDTHH:MM:SS": ${localIso}`)
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  return Date.UTC(y, mo - 1, d, h, mi, s)
}

/** Zone-less clock milliseconds → "YYYY-MM-DDTHH:MM:SS" (with ".mmm" when `withMs`). */
export function clockText(ms: number, withMs = false): string {
  const iso = new Date(Math.round(ms)).toISOString()
  return withMs ? iso.slice(0, 23) : iso.slice(0, 19)
}

/** The file-name stamp the importer reads (recording-time.ts): "YYYY-MM-DD_HH-MM-SS". */
export function fileStamp(ms: number): string {
  const t = clockText(ms)
  return `${t.slice(0, 10)}_${t.slice(11).replace(/:/g, '-')}`
}

/** Rounds for the JSON file: milliseconds for times, tenths of a hertz for f0. */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals
  return Math.round(x * f) / f
}
