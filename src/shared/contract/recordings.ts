import { z } from 'zod'
import { Id, IMPORTERS, IsoTime, method, STAFF } from './define'

export const TimeSource = z.enum(['filename', 'bext', 'info', 'mtime', 'user', 'simulator'])
export type TimeSource = z.infer<typeof TimeSource>

/** The top frequency of the 16 kHz working copy, which stage 0 and every measure read. */
export const WORKING_COPY_TOP_HZ = 8000
/** A recording made above 16 kHz also keeps a high-rate copy at its own rate, at most this (mono): spectrograms
 * above 8 kHz read it. */
export const HIGH_RATE_MAX_HZ = 48000

export const Recording = z.object({
  id: Id,
  infantId: Id,
  fileName: z.string(),
  contentHash: z.string(),
  format: z.string(), // container/codec as detected, e.g. "wav/pcm_s16le", "flac", "3gp/amr_nb"
  nativeSampleRate: z.number().int().positive(),
  channels: z.number().int().positive(),
  durationS: z.number().nonnegative(),
  recordedAt: IsoTime,
  timeSource: TimeSource,
  importedAt: IsoTime,
  cryCount: z.number().int().nonnegative(),
  clippedFraction: z.number().min(0).max(1).nullable(),
  /** The rate of the high-rate copy kept beside the 16 kHz working copy (the original's, at most 48 kHz), which
   * spectrograms above 8 kHz read; null for a recording made at 16 kHz or less, or imported before ICLAS kept
   * one (its spectrogram stops at 8 kHz). */
  highRateHz: z.number().int().positive().nullable(),
})
export type Recording = z.infer<typeof Recording>

export const Peaks = z.object({
  recordingId: Id,
  sampleRate: z.number(),
  durationS: z.number(),
  samplesPerPeak: z.number().int().positive(),
  /** Interleaved min/max pairs in [-1, 1]. */
  peaks: z.array(z.number()),
})
export type Peaks = z.infer<typeof Peaks>

export const recordingMethods = {
  listRecordings: method({
    summary: 'Recordings, newest first',
    access: STAFF,
    request: z.object({ infantId: Id.optional() }).strict(),
    response: z.array(Recording),
  }),
  getRecording: method({
    summary: 'One recording',
    access: STAFF,
    request: z.object({ id: Id }).strict(),
    response: Recording,
  }),
  getRecordingPeaks: method({
    summary: 'Waveform peaks of a recording (precomputed at import) for a time range',
    access: STAFF,
    request: z
      .object({
        id: Id,
        startS: z.number().nonnegative().optional(),
        endS: z.number().positive().optional(),
        maxPeaks: z.number().int().min(16).max(200_000).default(4000),
      })
      .strict(),
    response: Peaks,
  }),
  setRecordingTime: method({
    summary: 'Correct the time of a recording',
    access: IMPORTERS,
    request: z.object({ id: Id, recordedAt: IsoTime }).strict(),
    response: Recording,
  }),
}
