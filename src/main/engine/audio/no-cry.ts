// Why a recording yielded no cry, in words a nurse can act on: too short, clipped, too quiet (nothing stands
// out from its own background), or only sounds that are not cries (and which kind). Decided from what stage 0
// measured anyway (the segmenter's summary, the clipping check), so it costs nothing.
import { SEGMENT_DEFAULTS, type RejectionReason, type SegmentSummary } from './segment'

export type NoCryKind = 'too-short' | 'clipped' | 'too-quiet' | 'no-cry-sound'

export interface NoCryReason {
  kind: NoCryKind
  /** One sentence for the import report. */
  message: string
}

/** A recording shorter than this cannot hold an expiration and the quiet it is measured against. */
export const MIN_RECORDING_S = 1
/** Share of 10 ms frames at full scale beyond which the recording is called clipped. */
export const CLIPPED_SHARE = 0.05

const REJECTED_AS: Record<RejectionReason, string> = {
  short: 'too brief for an expiration (clicks, knocks)',
  unvoiced: 'not like a cry (noise, voices, laughter)',
  faint: 'too faint against the background',
  'low-pitch': 'pitched below an infant (adult voices)',
  'steady-pitch': 'a steady tone (monitor alarms, beeps)',
}

export function noCryReason(input: {
  durationS: number
  clippedFraction: number
  summary: SegmentSummary
}): NoCryReason {
  const { durationS, clippedFraction, summary: s } = input
  if (durationS < MIN_RECORDING_S)
    return {
      kind: 'too-short',
      message: `no cry found: the recording is too short (${durationS.toFixed(1)} s; at least ${MIN_RECORDING_S} s is needed)`,
    }
  if (clippedFraction > CLIPPED_SHARE)
    return {
      kind: 'clipped',
      message: `no cry found: the recording is clipped (${(100 * clippedFraction).toFixed(0)} % of it at full scale); record with the level lower`,
    }
  const rejected = (Object.entries(s.rejected) as [RejectionReason, number][])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
  // Too quiet: nothing stands out from the recording's own background, or what does is mostly too faint
  // (voices too far from the recorder). Relative to the background, whatever the recording's level.
  if (!(s.maxSnrDb >= SEGMENT_DEFAULTS.minMedianSnrDb) || rejected[0]?.[0] === 'faint') {
    const level = Number.isFinite(s.maxIntensityDb)
      ? `loudest moment ${Math.max(0, s.maxSnrDb).toFixed(0)} dB above it, at ${s.maxIntensityDb.toFixed(0)} dBFS; a cry stays ${SEGMENT_DEFAULTS.minMedianSnrDb} dB above it`
      : 'it is silent'
    const heard = rejected.length ? `; ${describe(rejected)}` : ''
    return {
      kind: 'too-quiet',
      message: `no cry found: the recording is too quiet against its background (${level}${heard}); record closer to the infant`,
    }
  }
  const what = rejected.length ? `: ${describe(rejected)}` : ''
  return {
    kind: 'no-cry-sound',
    message: `no cry found: only sounds that are not cries (${s.candidates} heard${what})`,
  }
}

function describe(rejected: [RejectionReason, number][]): string {
  return rejected
    .slice(0, 2)
    .map(([k, n]) => `${n} ${REJECTED_AS[k]}`)
    .join(', ')
}
