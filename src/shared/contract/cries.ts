// The cries domain: browsing cries, the clinician's review queue and verdicts, an infant's baseline ranges
// of the acoustic measures, spectrogram tiles for the review screen, and exports (CSV, TextGrid, Audacity).
import { z } from 'zod'
import { CLINICAL, Id, IsoTime, method, STAFF, type Role } from './define'
import { Recording } from './recordings'

/** What the gate decided for a cry (stage 3); 'pending' until the gate has seen it. */
export const Decision = z.enum(['pending', 'baseline', 'accepted', 'rejected'])
export type Decision = z.infer<typeof Decision>

/** A clinician's verdict on a cry. The latest verdict of a cry counts; earlier ones stay. */
export const Verdict = z.enum(['deviation', 'normal', 'not_cry'])
export type Verdict = z.infer<typeof Verdict>

const num = z.number().nullable()
/**
 * A cry's acoustic measures as stage 0 measures and stores them (`measureCry` in engine/audio/measures.ts, the
 * cries table's columns). The one definition of their shape: the engine, the store and the UI derive theirs.
 */
export const CryMeasures = z.object({
  durationS: z.number(),
  /** Over voiced frames; null when no frame is voiced. */
  f0MeanHz: num,
  f0MinHz: num,
  f0MaxHz: num,
  voicedFraction: num,
  /** Harmonics-to-noise ratio by autocorrelation: the mean over voiced frames of 10·log10(r / (1 − r)), r the
   * window-corrected normalised autocorrelation at the period (Praat's "To Harmonicity (ac)", which it matches
   * within 0.1 dB on hand-marked cries); null when no frame is voiced. */
  hnrDb: num,
  /** Power-weighted mean frequency of the cry's average spectrum, above 100 Hz; null for silence. */
  spectralCentroidHz: num,
  /** RMS level in dB re full-scale amplitude (a full-scale square wave is 0 dBFS); null for silence. */
  rmsDbfs: num,
  /** Largest absolute sample. */
  peak: num,
})
export type CryMeasures = z.infer<typeof CryMeasures>

/** The acoustic measures by name, all but the peak (null where stage 0 could not measure): what baseline
 * ranges, the cry list's sort and the exports go through. */
export const MeasureName = CryMeasures.keyof().exclude(['peak'])
export type MeasureName = z.infer<typeof MeasureName>
export const MEASURES = MeasureName.options

export const Cry = z.object({
  id: Id,
  recordingId: Id,
  infantId: Id,
  infantLabel: z.string(),
  infantBed: z.string().nullable(),
  /** Offsets in the recording, seconds. */
  startS: z.number(),
  endS: z.number(),
  /** Absolute time of the cry onset. */
  at: IsoTime,
  measures: CryMeasures,
  clipped: z.boolean(),
  /** Stage 3/2 results: null until the gate and the infant's model have seen the cry. */
  cryConfidence: num,
  gateConfidence: num,
  /** Calibrated anomaly score in [0, 1] (percentile of the infant's own baseline). */
  score: z.number().min(0).max(1).nullable(),
  modelId: Id.nullable(),
  decision: Decision,
  decisionReason: z.string().nullable(),
  flagged: z.boolean(),
  inBaseline: z.boolean(),
  /** The latest clinician verdict, if any. */
  verdict: Verdict.nullable(),
  reviewedAt: IsoTime.nullable(),
  /** P(cry) below the minimum: the cry is scored and may be flagged, with "may not be a cry" beside the flag. */
  mayNotBeCry: z.boolean(),
  /**
   * What moved against this infant's baseline (the measures of the model that scored it), largest first, each in
   * the clinician's units: "f0 mean 640 Hz, +38 % over baseline (464 Hz)". Empty when nothing moved by two
   * baseline standard deviations, or before the infant has a model.
   */
  whatMoved: z.array(z.object({ measure: z.string(), text: z.string(), z: z.number() })),
})
export type Cry = z.infer<typeof Cry>

export const Review = z.object({
  id: Id,
  cryId: Id,
  verdict: Verdict,
  note: z.string().nullable(),
  username: z.string(),
  role: z.string(),
  at: IsoTime,
})
export type Review = z.infer<typeof Review>

export const CryDetail = Cry.extend({
  /** f0 every hopS seconds from the cry onset, Hz; 0 where unvoiced. Null when stage 0 stored none. */
  f0: z.object({ hopS: z.number().positive(), hz: z.array(z.number()) }).nullable(),
  recording: Recording,
  reviews: z.array(Review),
})
export type CryDetail = z.infer<typeof CryDetail>

const Paging = {
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(1000).default(100),
}
const DateRange = { from: IsoTime.optional(), to: IsoTime.optional() }

export const CryPage = z.object({
  cries: z.array(Cry),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
})
export type CryPage = z.infer<typeof CryPage>

export const MeasureRange = z.object({
  measure: MeasureName,
  /** Cries with a value for this measure. */
  n: z.number().int().nonnegative(),
  p5: num,
  p50: num,
  p95: num,
})
export type MeasureRange = z.infer<typeof MeasureRange>

export const BaselineRanges = z.object({
  infantId: Id,
  /**
   * Which cries the ranges come from: 'baseline' = the infant's baseline cries (in_baseline); 'unflagged' =
   * no baseline yet, so every cry not flagged and not judged a deviation or not a cry; 'none' = no cries.
   */
  source: z.enum(['baseline', 'unflagged', 'none']),
  cryCount: z.number().int().nonnegative(),
  ranges: z.array(MeasureRange),
})
export type BaselineRanges = z.infer<typeof BaselineRanges>

export const WardCrySummary = z.object({
  infantId: Id,
  /** Flagged cries without a verdict yet. */
  awaitingReview: z.number().int().nonnegative(),
  /** The most recent scored cries, oldest first (for a sparkline). */
  recentScores: z.array(z.object({ at: IsoTime, score: z.number() })),
})
export type WardCrySummary = z.infer<typeof WardCrySummary>

/** The highest top frequency a tile may have: the Nyquist of a high-rate copy at its most (48 kHz). */
export const SPECTROGRAM_MAX_HZ = 24000
/** Analysis windows (samples at 16 kHz: 16, 32, 64, 128 ms) the spectrogram offers; 512 is the default. */
export const SPECTROGRAM_WINDOWS = [256, 512, 1024, 2048] as const
export const SpectrogramWindow = z.union(SPECTROGRAM_WINDOWS.map((n) => z.literal(n)))
/** Loudest level a tile shows (dB re full scale); the dynamic range reaches down from it. */
export const SPECTROGRAM_DB_TOP = -20
export const SPECTROGRAM_DEFAULT_RANGE_DB = 80
export const SpectrogramTile = z.object({
  recordingId: Id,
  startS: z.number(),
  endS: z.number(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maxHz: z.number(),
  /** dB (re full scale) that byte 0 and byte 255 stand for; in between is linear in dB. */
  dbMin: z.number(),
  dbMax: z.number(),
  /** base64 of width × height bytes, row-major, row 0 = maxHz (top), column 0 = startS. */
  pixels: z.string(),
})
export type SpectrogramTile = z.infer<typeof SpectrogramTile>

/** Longest stretch `getSelectionMeasures` analyses (pitch and intensity every 10 ms). */
export const SELECTION_ANALYSIS_MAX_S = 60

/** What the listening tools read of a stretch of a recording: f0 and intensity every 10 ms, and its measures. */
export const SelectionMeasures = z.object({
  recordingId: Id,
  startS: z.number(),
  endS: z.number(),
  /** Frame i of both tracks is centred at startS + (i + 0.5) × hopS. */
  hopS: z.number().positive(),
  /** f0 (Hz) by the tracker stage 0 measures cries with; 0 where unvoiced. */
  f0Hz: z.array(z.number()),
  /** Intensity as Praat computes it (dB re full-scale power). */
  intensityDb: z.array(z.number()),
  /** The selection measured as stage 0 measures a cry. */
  ...CryMeasures.pick({
    durationS: true,
    f0MeanHz: true,
    f0MinHz: true,
    f0MaxHz: true,
    voicedFraction: true,
    rmsDbfs: true,
  }).shape,
})
export type SelectionMeasures = z.infer<typeof SelectionMeasures>

export const ExportFile = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  content: z.string(),
  /** How `content` is written: text as is (the default), or base64 for binary files (WAV). */
  encoding: z.enum(['text', 'base64']).optional(),
})
export type ExportFile = z.infer<typeof ExportFile>

/** Longest selection exported as audio: ten minutes (19 MB of 16 kHz 16-bit samples). */
export const AUDIO_EXPORT_MAX_S = 600

/** Who may correct stage 0: move a cry's boundaries, mark a cry it missed (audited). */
export const CORRECTORS: readonly Role[] = ['clinician', 'researcher', 'admin']

/** A corrected or marked cry after stages 1–4 saw it again. */
export const CryCorrection = z.object({
  cryId: Id,
  recordingId: Id,
  startS: z.number(),
  endS: z.number(),
  decision: Decision,
  score: num,
  flagged: z.boolean(),
  inBaseline: z.boolean(),
})
export type CryCorrection = z.infer<typeof CryCorrection>

const Span = {
  /** Seconds in the recording, kept to the millisecond. */
  startS: z.number().nonnegative(),
  endS: z.number().positive(),
  /** Why (kept in the audit log). */
  reason: z.string().trim().max(500).optional(),
}

/** Who may take cry data off the workstation (exports are audited). */
export const EXPORTERS: readonly Role[] = ['clinician', 'researcher', 'admin']

export const cryMethods = {
  listCries: method({
    summary: 'List cries',
    access: STAFF,
    request: z
      .object({
        infantId: Id.optional(),
        recordingId: Id.optional(),
        ...DateRange,
        flaggedOnly: z.boolean().default(false),
        /** 'newest' first by time, or 'oldest' first (a recording's cries in order). */
        order: z.enum(['newest', 'oldest']).default('newest'),
        ...Paging,
      })
      .strict(),
    response: CryPage,
  }),
  getCry: method({
    summary: 'One cry with its f0 contour, recording and verdicts',
    access: STAFF,
    request: z.object({ id: Id }).strict(),
    response: CryDetail,
  }),
  reviewQueue: method({
    summary: 'Flagged cries awaiting a verdict, most severe first',
    access: STAFF,
    request: z.object({ infantId: Id.optional(), ...DateRange, ...Paging }).strict(),
    response: CryPage,
  }),
  recordVerdict: method({
    summary: 'Record a verdict on a cry',
    access: CLINICAL,
    request: z.object({ cryId: Id, verdict: Verdict, note: z.string().trim().max(2000).optional() }).strict(),
    response: Review,
  }),
  listReviews: method({
    summary: 'The verdicts on a cry, newest first',
    access: STAFF,
    request: z.object({ cryId: Id }).strict(),
    response: z.array(Review),
  }),
  baselineRanges: method({
    summary: "An infant's baseline ranges (5th, 50th, 95th percentile) of each acoustic measure",
    access: STAFF,
    request: z.object({ infantId: Id }).strict(),
    response: BaselineRanges,
  }),
  wardSummary: method({
    summary: 'Per infant: cries awaiting review and recent scores',
    access: STAFF,
    request: z.object({ recentScores: z.number().int().min(0).max(200).default(30) }).strict(),
    response: z.array(WardCrySummary),
  }),
  getSpectrogramTile: method({
    summary:
      'A spectrogram tile of a recording (0–8 kHz, or up to its original Nyquist from its high-rate copy)',
    access: STAFF,
    request: z
      .object({
        recordingId: Id,
        startS: z.number().nonnegative(),
        endS: z.number().positive(),
        width: z.number().int().min(1).max(1024),
        height: z.number().int().min(8).max(256),
        /** Analysis window, samples (default 512: 32 ms). */
        windowSize: SpectrogramWindow.optional(),
        /** dB between the loudest level shown (−20 dB) and black (default 80). */
        dynamicRangeDb: z.number().min(20).max(140).optional(),
        /** Top of the frequency axis, Hz (default 8 kHz, the working copy's Nyquist; above it the high-rate copy
         * is read, up to the original recording's Nyquist; a recording without one answers 8 kHz at most). */
        maxHz: z.number().min(500).max(SPECTROGRAM_MAX_HZ).optional(),
      })
      .strict()
      .refine((v) => v.endS > v.startS && v.endS - v.startS <= 86_400, {
        message: 'endS must be after startS, at most a day later',
      }),
    response: SpectrogramTile,
  }),
  correctCryBoundaries: method({
    summary: "Move a cry's boundaries (stage 0 corrected); the cry is measured, embedded and scored again",
    access: CORRECTORS,
    request: z
      .object({ cryId: Id, ...Span })
      .strict()
      .refine((v) => v.endS > v.startS, { message: 'endS must be after startS' }),
    response: CryCorrection,
  }),
  markCry: method({
    summary: 'Mark a cry stage 0 missed; it is measured, embedded and scored like the others',
    access: CORRECTORS,
    request: z
      .object({ recordingId: Id, ...Span })
      .strict()
      .refine((v) => v.endS > v.startS, { message: 'endS must be after startS' }),
    response: CryCorrection,
  }),
  getSelectionMeasures: method({
    summary: 'f0, intensity and measures of a stretch of a recording (at most a minute)',
    access: STAFF,
    request: z
      .object({ recordingId: Id, startS: z.number().nonnegative(), endS: z.number().positive() })
      .strict()
      .refine((v) => v.endS > v.startS && v.endS - v.startS <= SELECTION_ANALYSIS_MAX_S, {
        message: `endS must be after startS, at most ${SELECTION_ANALYSIS_MAX_S} s later`,
      }),
    response: SelectionMeasures,
  }),
  exportCriesCsv: method({
    summary: 'Export cries and scores as CSV',
    access: EXPORTERS,
    request: z.object({ infantId: Id.optional(), ...DateRange }).strict(),
    response: ExportFile,
  }),
  exportSegments: method({
    summary: "Export a recording's cries as a Praat TextGrid or Audacity labels",
    access: EXPORTERS,
    request: z.object({ recordingId: Id, format: z.enum(['textgrid', 'audacity']) }).strict(),
    response: ExportFile,
  }),
  exportCryAudio: method({
    summary: "Export a cry's audio as a WAV file (the 16 kHz working copy's samples)",
    access: EXPORTERS,
    request: z.object({ cryId: Id }).strict(),
    response: ExportFile,
  }),
  exportSelectionAudio: method({
    summary: "Export a selection of a recording as a WAV file (the 16 kHz working copy's samples)",
    access: EXPORTERS,
    request: z
      .object({ recordingId: Id, startS: z.number().nonnegative(), endS: z.number().positive() })
      .strict()
      .refine((v) => v.endS > v.startS && v.endS - v.startS <= AUDIO_EXPORT_MAX_S, {
        message: `endS must be after startS, at most ${AUDIO_EXPORT_MAX_S} s later`,
      }),
    response: ExportFile,
  }),
}
