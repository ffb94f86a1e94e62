// The cries service: browsing cries, the review queue, clinicians' verdicts (audited, with a hook for the gate),
// an infant's baseline ranges, spectrogram tiles (computed in a worker from the working copy) and exports.
import {
  MEASURES,
  SPECTROGRAM_DB_TOP,
  SPECTROGRAM_DEFAULT_RANGE_DB,
  SPECTROGRAM_WINDOWS,
  WORKING_COPY_TOP_HZ,
  type Review,
  type User,
} from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { PEAKS_PER_SECOND } from '../../engine/audio/peaks'
import type { Loudness } from '../../engine/audio/spectrogram'
import { wavClip } from '../../engine/export/audio-clip'
import { criesAudacityLabels, criesCsv, criesTextGrid } from '../../engine/export/cries'
import { appendAudit, type Actor } from '../../store/audit'
import { getInfant } from '../../store/infants'
import { dataFile } from '../../store/layout'
import {
  getRecording,
  getRecordingAudioPath,
  getRecordingHighRate,
  getRecordingPeaks,
} from '../../store/recordings'
import { insertReview, latestReview, listReviews } from '../../store/reviews'
import { type Service, service, type ServiceContext } from '../context'
import { actor } from './actor'
import { cryExplainer } from './explain'
import {
  baselineMeasureValues,
  getCryById,
  getF0Contour,
  queryCries,
  wardCrySummary,
  type CryWithExtras,
} from '../../store/cries-read'

/** What the gate learns when a clinician records a verdict. */
export interface VerdictEvent {
  /** The cry judged (what the gate's hook reads of it). */
  cry: Pick<CryWithExtras, 'id' | 'infantId' | 'at'>
  review: Review
  /** The verdict this one supersedes, if any. */
  previous: Review | null
  by: Actor
}

export interface CryServiceOptions {
  /**
   * The gate's hook (stage 3): a clinician's verdict overrides the gate — 'normal' cries may join the
   * infant's baseline, 'deviation' and 'not_cry' never. Called inside the verdict's write transaction, so a
   * baseline change commits (or fails) together with the verdict; longer work such as a refit must be
   * scheduled from here, not awaited. Wired in core.ts once the gate service exists.
   */
  onVerdict?: (e: VerdictEvent) => void
}

const F0_HOP_S = 0.01

type CryMethods =
  | 'listCries'
  | 'getCry'
  | 'reviewQueue'
  | 'recordVerdict'
  | 'listReviews'
  | 'baselineRanges'
  | 'wardSummary'
  | 'getSpectrogramTile'
  | 'getSelectionMeasures'
  | 'exportCriesCsv'
  | 'exportSegments'
  | 'exportCryAudio'
  | 'exportSelectionAudio'

export function cryService(ctx: ServiceContext, options: CryServiceOptions = {}): Service<CryMethods> {
  const { db } = ctx
  const mustCry = (id: number) => {
    const c = getCryById(db, id)
    if (!c) throw new IclasError('not_found', `No cry with id ${id}`)
    return c
  }
  const mustRecording = (id: number) => {
    const r = getRecording(db, id)
    if (!r) throw new IclasError('not_found', `No recording with id ${id}`)
    return r
  }
  const mustInfant = (id: number) => {
    const i = getInfant(db, id)
    if (!i) throw new IclasError('not_found', `No infant with id ${id}`)
    return i
  }
  // The contract's Cry, without the export-only fields.
  const publicCry = ({
    infantExternalId: _x,
    fileName: _f,
    verdictNote: _n,
    verdictBy: _b,
    ...c
  }: CryWithExtras) => c

  const explain = cryExplainer(db)

  return service({
    listCries: ({ offset, limit, order, ...filter }) => {
      const { cries, total } = queryCries(db, filter, order, { offset, limit })
      return { cries: cries.map((c) => publicCry(explain(c))), total, offset, limit }
    },

    getCry: ({ id }) => {
      const cry = mustCry(id)
      const hz = getF0Contour(db, id)
      return {
        ...publicCry(explain(cry, hz)),
        f0: hz ? { hopS: F0_HOP_S, hz } : null,
        recording: mustRecording(cry.recordingId),
        reviews: listReviews(db, id),
      }
    },

    reviewQueue: ({ offset, limit, ...filter }) => {
      const { cries, total } = queryCries(db, { ...filter, awaitingReview: true }, 'severity', {
        offset,
        limit,
      })
      return { cries: cries.map((c) => publicCry(explain(c))), total, offset, limit }
    },

    recordVerdict: ({ cryId, verdict, note }, { user }) => {
      const who = actor(user)
      const review = db.transaction(() => {
        const cry = mustCry(cryId)
        const previous = latestReview(db, cryId) ?? null
        const review = insertReview(db, { cryId, verdict, note: note || null }, who)
        appendAudit(
          db,
          who,
          'cry.verdict',
          'cry',
          cryId,
          {
            verdict: previous?.verdict ?? null,
            note: previous?.note ?? null,
            decision: cry.decision,
            flagged: cry.flagged,
            inBaseline: cry.inBaseline,
            score: cry.score,
          },
          { verdict, note: review.note, reviewId: review.id },
        )
        options.onVerdict?.({ cry, review, previous, by: who })
        return review
      })()
      ctx.emit('changed', { entity: 'reviews' })
      return review
    },

    listReviews: ({ cryId }) => {
      mustCry(cryId)
      return listReviews(db, cryId)
    },

    baselineRanges: ({ infantId }) => {
      mustInfant(infantId)
      const { source, cryCount, values } = baselineMeasureValues(db, infantId)
      return {
        infantId,
        source,
        cryCount,
        ranges: MEASURES.map((measure) => {
          const v = Float64Array.from(values[measure]).sort()
          return {
            measure,
            n: v.length,
            p5: percentile(v, 0.05),
            p50: percentile(v, 0.5),
            p95: percentile(v, 0.95),
          }
        }),
      }
    },

    wardSummary: ({ recentScores }) => wardCrySummary(db, recentScores),

    getSpectrogramTile: async (req) => {
      const { recordingId, startS, endS, width, height } = req
      const rec = mustRecording(recordingId)
      // Up to 8 kHz the 16 kHz working copy; above, the high-rate copy, up to the original recording's Nyquist.
      // A recording without one (made at ≤ 16 kHz, or imported before ICLAS kept one) stops at 8 kHz.
      const asked = req.maxHz ?? WORKING_COPY_TOP_HZ
      const high = asked > WORKING_COPY_TOP_HZ ? getRecordingHighRate(db, recordingId) : null
      const rel = high?.path ?? getRecordingAudioPath(db, recordingId)!
      const rate = high?.hz ?? 16000
      const maxHz = Math.min(asked, rate / 2, rec.nativeSampleRate / 2)
      // The window keeps its length in time: 512 samples at 16 kHz (32 ms) are 1,536 at 48 kHz, rounded to the
      // nearest power of two the FFT takes.
      const window = req.windowSize ?? SPECTROGRAM_WINDOWS[1]
      const fftSize = 2 ** Math.round(Math.log2((window * rate) / 16000))
      const tile = await ctx.pool.run('spectrogramTile', {
        wavPath: dataFile(ctx.dataDir, rel),
        startS,
        endS,
        width,
        height,
        maxHz,
        loudness: peakEnvelope(getRecordingPeaks(db, recordingId) ?? null, startS, endS),
        fftSize,
        dbMax: SPECTROGRAM_DB_TOP,
        dbMin: SPECTROGRAM_DB_TOP - (req.dynamicRangeDb ?? SPECTROGRAM_DEFAULT_RANGE_DB),
      })
      const px = tile.pixels
      return {
        recordingId,
        startS,
        endS,
        width: tile.width,
        height: tile.height,
        maxHz: tile.maxHz,
        dbMin: tile.dbMin,
        dbMax: tile.dbMax,
        pixels: Buffer.from(px.buffer, px.byteOffset, px.byteLength).toString('base64'),
      }
    },

    getSelectionMeasures: async ({ recordingId, startS, endS }) => {
      const rec = mustRecording(recordingId)
      const to = Math.min(endS, rec.durationS)
      if (!(to > startS))
        throw new IclasError('refused', `The recording ends at ${rec.durationS} s, before ${startS} s`)
      const a = await ctx.pool.run('analyseSelection', {
        wavPath: dataFile(ctx.dataDir, getRecordingAudioPath(db, recordingId)!),
        startS,
        endS: to,
      })
      const m = a.measures
      const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null)
      return {
        recordingId,
        startS,
        endS: to,
        hopS: a.hopS,
        f0Hz: Array.from(a.f0Hz),
        intensityDb: Array.from(a.intensityDb, (v) => (Number.isFinite(v) ? v : -150)),
        durationS: m.durationS,
        f0MeanHz: finite(m.f0MeanHz),
        f0MinHz: finite(m.f0MinHz),
        f0MaxHz: finite(m.f0MaxHz),
        voicedFraction: finite(m.voicedFraction),
        rmsDbfs: finite(m.rmsDbfs),
      }
    },

    exportCriesCsv: ({ infantId, from, to }, { user }) => {
      const infant = infantId !== undefined ? mustInfant(infantId) : null
      const cries = queryCries(db, { infantId, from, to }, 'export').cries.map((c) => explain(c))
      const fileName = `iclas-cries-${infant ? slug(infant.label) : 'all-infants'}-${new Date().toISOString().slice(0, 10)}.csv`
      appendAudit(db, actor(user), 'export.cries_csv', infant ? 'infant' : null, infantId ?? null, null, {
        infantId: infantId ?? null,
        from: from ?? null,
        to: to ?? null,
        rows: cries.length,
        fileName,
      })
      return { fileName, mimeType: 'text/csv', content: criesCsv(cries) }
    },

    exportSegments: ({ recordingId, format }, { user }) => {
      const rec = mustRecording(recordingId)
      const { cries } = queryCries(db, { recordingId }, 'oldest')
      const stem = slug(rec.fileName.replace(/\.[^.]+$/, '')) || `recording-${recordingId}`
      const file =
        format === 'textgrid'
          ? {
              fileName: `${stem}.TextGrid`,
              mimeType: 'text/plain',
              content: criesTextGrid(rec.durationS, cries),
            }
          : {
              fileName: `${stem}.labels.txt`,
              mimeType: 'text/plain',
              content: criesAudacityLabels(rec.durationS, cries),
            }
      appendAudit(db, actor(user), 'export.segments', 'recording', recordingId, null, {
        format,
        cries: cries.length,
        fileName: file.fileName,
      })
      return file
    },

    exportCryAudio: async ({ cryId }, { user }) => {
      const cry = mustCry(cryId)
      return audioExport(cry.recordingId, cry.startS, cry.endS, `cry-${cryId}`, cryId, user)
    },

    exportSelectionAudio: async ({ recordingId, startS, endS }, { user }) => {
      const rec = mustRecording(recordingId)
      if (startS >= rec.durationS)
        throw new IclasError(
          'refused',
          `The selection starts at ${startS} s, after the recording's end (${rec.durationS} s)`,
        )
      const to = Math.min(endS, rec.durationS)
      return audioExport(recordingId, startS, to, `${ms(startS)}-${ms(to)}s`, null, user)
    },
  })

  /** A WAV file of [startS, endS) of a recording's working copy, audited like every export. */
  async function audioExport(
    recordingId: number,
    startS: number,
    endS: number,
    what: string,
    cryId: number | null,
    user: User,
  ) {
    const rec = mustRecording(recordingId)
    const clip = await wavClip(dataFile(ctx.dataDir, getRecordingAudioPath(db, recordingId)!), startS, endS)
    const stem = slug(rec.fileName.replace(/\.[^.]+$/, '')) || `recording-${recordingId}`
    const fileName = `${stem}-${what}.wav`
    appendAudit(db, actor(user), 'export.audio', cryId ? 'cry' : 'recording', cryId ?? recordingId, null, {
      recordingId,
      startS: clip.startSample / clip.sampleRate,
      endS: (clip.startSample + clip.frames) / clip.sampleRate,
      sampleRate: clip.sampleRate,
      fileName,
    })
    return {
      fileName,
      mimeType: 'audio/wav',
      content: clip.bytes.toString('base64'),
      encoding: 'base64' as const,
    }
  }
}

/** Seconds to the millisecond, for file names: 12.3456 → "12.346". */
const ms = (s: number) => (Math.round(s * 1000) / 1000).toFixed(3)

/** The stored waveform peaks (Int8 min/max pairs) over [startS, endS) as a loudness envelope for a tile. */
function peakEnvelope(blob: Buffer | null, startS: number, endS: number): Loudness | undefined {
  if (!blob) return undefined
  const pairs = new Int8Array(blob.buffer, blob.byteOffset, blob.byteLength)
  const a = Math.max(0, Math.floor(startS * PEAKS_PER_SECOND))
  const b = Math.min(pairs.length / 2, Math.ceil(endS * PEAKS_PER_SECOND))
  if (b <= a) return undefined
  const values = new Uint8Array(b - a)
  for (let i = a; i < b; i++) values[i - a] = Math.max(-pairs[2 * i]!, pairs[2 * i + 1]!, 0)
  return { perSecond: PEAKS_PER_SECOND, offset: a, values }
}

/** Linear interpolation between closest ranks (numpy's default) on sorted values; null when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length
  if (!n) return null
  const pos = q * (n - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(n - 1, lo + 1)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

/** A file-name-safe form of a label: letters, digits, dot, dash and underscore. */
export function slug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
}
