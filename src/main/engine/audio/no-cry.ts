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
  unvoiced: 'noise without a voice in it',
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
  if (!(s.maxSnrDb >= SEGMENT_DEFAULTS.minMedianSnrDb)) {
    const level = Number.isFinite(s.maxIntensityDb)
      ? `loudest sound ${s.maxIntensityDb.toFixed(0)} dBFS, ${Math.max(0, s.maxSnrDb).toFixed(0)} dB above the background`
      : 'it is silent'
    return {
      kind: 'too-quiet',
      message: `no cry found: the recording is too quiet, nothing in it stands out from its background (${level}; a cry stands at least ${SEGMENT_DEFAULTS.minMedianSnrDb} dB above it)`,
    }
  }
  const rejected = (Object.entries(s.rejected) as [RejectionReason, number][])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
  const what = rejected.length
    ? `: ${rejected
        .slice(0, 2)
        .map(([k, n]) => `${n} ${REJECTED_AS[k]}`)
        .join(', ')}`
    : ''
  return {
    kind: 'no-cry-sound',
    message: `no cry found: only sounds that are not cries (${s.candidates} heard${what})`,
  }
}
