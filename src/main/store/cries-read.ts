// Read queries on the cries table for the cries service: pages, the review queue, one cry, baseline values.
// The table's writes are cries.ts (stage 0, at import) and cry-analysis.ts (what analysis adds).
import type { Cry, Decision, MeasureName, Verdict } from '../../shared/contract'
import type { Db } from './db'

interface CryRow {
  id: number
  recording_id: number
  infant_id: number
  infant_label: string
  infant_bed: string | null
  infant_external_id: string | null
  file_name: string
  start_s: number
  end_s: number
  at: string
  duration_s: number
  rms_dbfs: number | null
  peak: number | null
  f0_mean_hz: number | null
  f0_min_hz: number | null
  f0_max_hz: number | null
  voiced_fraction: number | null
  hnr_db: number | null
  spectral_centroid_hz: number | null
  clipped: number
  cry_confidence: number | null
  gate_confidence: number | null
  score: number | null
  model_id: number | null
  decision: Decision
  decision_reason: string | null
  flagged: number
  in_baseline: number
  verdict: Verdict | null
  verdict_note: string | null
  verdict_by: string | null
  reviewed_at: string | null
}

/** The acoustic measure columns, by contract name. */
export const MEASURE_COLUMNS: Record<MeasureName, string> = {
  durationS: 'duration_s',
  f0MeanHz: 'f0_mean_hz',
  f0MinHz: 'f0_min_hz',
  f0MaxHz: 'f0_max_hz',
  voicedFraction: 'voiced_fraction',
  hnrDb: 'hnr_db',
  spectralCentroidHz: 'spectral_centroid_hz',
  rmsDbfs: 'rms_dbfs',
}

// The latest review of each cry (reviews_cry index on (cry_id, id) makes the subquery a seek).
const SELECT = `SELECT c.id, c.recording_id, c.infant_id, i.label AS infant_label, i.bed AS infant_bed,
    i.external_id AS infant_external_id, rec.file_name, c.start_s, c.end_s, c.at, c.duration_s, c.rms_dbfs, c.peak,
    c.f0_mean_hz, c.f0_min_hz, c.f0_max_hz, c.voiced_fraction, c.hnr_db, c.spectral_centroid_hz, c.clipped,
    c.cry_confidence, c.gate_confidence, c.score, c.model_id, c.decision, c.decision_reason, c.flagged,
    c.in_baseline, lr.verdict, lr.note AS verdict_note, lr.username AS verdict_by, lr.at AS reviewed_at
  FROM cries c
  JOIN infants i ON i.id = c.infant_id
  JOIN recordings rec ON rec.id = c.recording_id
  LEFT JOIN reviews lr ON lr.id = (SELECT MAX(r.id) FROM reviews r WHERE r.cry_id = c.id)`

export type CryWithExtras = Cry & {
  infantExternalId: string | null
  fileName: string
  verdictNote: string | null
  verdictBy: string | null
}

function toCry(r: CryRow): CryWithExtras {
  return {
    id: r.id,
    recordingId: r.recording_id,
    infantId: r.infant_id,
    infantLabel: r.infant_label,
    infantBed: r.infant_bed,
    startS: r.start_s,
    endS: r.end_s,
    at: r.at,
    measures: {
      durationS: r.duration_s,
      f0MeanHz: r.f0_mean_hz,
      f0MinHz: r.f0_min_hz,
      f0MaxHz: r.f0_max_hz,
      voicedFraction: r.voiced_fraction,
      hnrDb: r.hnr_db,
      spectralCentroidHz: r.spectral_centroid_hz,
      rmsDbfs: r.rms_dbfs,
      peak: r.peak,
    },
    clipped: r.clipped === 1,
    cryConfidence: r.cry_confidence,
    gateConfidence: r.gate_confidence,
    // Stored scores are calibrated percentiles; clamp float noise so the contract's [0, 1] holds.
    score: r.score === null ? null : Math.min(1, Math.max(0, r.score)),
    modelId: r.model_id,
    decision: r.decision,
    decisionReason: r.decision_reason,
    flagged: r.flagged === 1,
    inBaseline: r.in_baseline === 1,
    verdict: r.verdict,
    reviewedAt: r.reviewed_at,
    // Filled in by the cries service, which knows the infant's settings and model (explain.ts).
    mayNotBeCry: false,
    whatMoved: [],
    infantExternalId: r.infant_external_id,
    fileName: r.file_name,
    verdictNote: r.verdict_note,
    verdictBy: r.verdict_by,
  }
}

export interface CryFilter {
  infantId?: number
  recordingId?: number
  from?: string
  to?: string
  flaggedOnly?: boolean
  /** Flagged and without any verdict (the review queue). */
  awaitingReview?: boolean
}

function where(f: CryFilter): { sql: string; args: unknown[] } {
  const parts: string[] = []
  const args: unknown[] = []
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql)
    args.push(...values)
  }
  if (f.infantId !== undefined) add('c.infant_id = ?', f.infantId)
  if (f.recordingId !== undefined) add('c.recording_id = ?', f.recordingId)
  // Times are stored as UTC ISO strings (toISOString), so comparing normalised strings compares instants.
  if (f.from) add('c.at >= ?', new Date(f.from).toISOString())
  if (f.to) add('c.at <= ?', new Date(f.to).toISOString())
  if (f.flaggedOnly || f.awaitingReview) add('c.flagged = 1')
  if (f.awaitingReview) add('NOT EXISTS (SELECT 1 FROM reviews r WHERE r.cry_id = c.id)')
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args }
}

const ORDER = {
  newest: 'ORDER BY c.at DESC, c.id DESC',
  oldest: 'ORDER BY c.at ASC, c.start_s ASC, c.id ASC',
  severity: 'ORDER BY c.score DESC NULLS LAST, c.at DESC, c.id DESC',
  export: 'ORDER BY i.label, c.infant_id, c.at, c.id',
} as const

export function queryCries(
  db: Db,
  filter: CryFilter,
  order: keyof typeof ORDER,
  page?: { offset: number; limit: number },
): { cries: CryWithExtras[]; total: number } {
  const w = where(filter)
  const limit = page ? `LIMIT ${page.limit} OFFSET ${page.offset}` : ''
  const rows = db.prepare(`${SELECT} ${w.sql} ${ORDER[order]} ${limit}`).all(...w.args) as CryRow[]
  const total = page
    ? (db.prepare(`SELECT COUNT(*) AS n FROM cries c ${w.sql}`).get(...w.args) as { n: number }).n
    : rows.length
  return { cries: rows.map(toCry), total }
}

export function getCryById(db: Db, id: number): CryWithExtras | undefined {
  const row = db.prepare(`${SELECT} WHERE c.id = ?`).get(id) as CryRow | undefined
  return row && toCry(row)
}

/** f0 contour of a cry (Float32 Hz every 10 ms, 0 unvoiced), or null. */
export function getF0Contour(db: Db, id: number): number[] | null {
  const row = db.prepare('SELECT f0_contour FROM cries WHERE id = ?').get(id) as
    { f0_contour: Buffer | null } | undefined
  const blob = row?.f0_contour
  if (!blob || blob.byteLength < 4) return null
  // Copy out of the Buffer: its offset in Node's pool need not be 4-byte aligned.
  const f = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + (blob.byteLength & ~3)))
  return Array.from(f, (v) => (Number.isFinite(v) ? v : 0))
}

/**
 * The cries an infant's baseline ranges come from: its baseline (in_baseline), or — before the gate has built
 * one — every cry not flagged whose latest verdict is not 'deviation' or 'not_cry'.
 */
export function baselineMeasureValues(
  db: Db,
  infantId: number,
): { source: 'baseline' | 'unflagged' | 'none'; cryCount: number; values: Record<MeasureName, number[]> } {
  const cols = Object.entries(MEASURE_COLUMNS) as [MeasureName, string][]
  const select = `SELECT ${cols.map(([, c]) => `c.${c}`).join(', ')} FROM cries c WHERE c.infant_id = ?`
  let source: 'baseline' | 'unflagged' | 'none' = 'baseline'
  let rows = db.prepare(`${select} AND c.in_baseline = 1`).all(infantId) as Record<string, number | null>[]
  if (!rows.length) {
    source = 'unflagged'
    rows = db
      .prepare(
        `${select} AND c.flagged = 0 AND COALESCE((SELECT r.verdict FROM reviews r WHERE r.cry_id = c.id
          ORDER BY r.id DESC LIMIT 1), '') NOT IN ('deviation', 'not_cry')`,
      )
      .all(infantId) as Record<string, number | null>[]
  }
  if (!rows.length) source = 'none'
  const values = Object.fromEntries(cols.map(([m]) => [m, [] as number[]])) as Record<MeasureName, number[]>
  for (const row of rows)
    for (const [m, c] of cols) {
      const v = row[c]
      if (v !== null && v !== undefined && Number.isFinite(v)) values[m].push(v)
    }
  return { source, cryCount: rows.length, values }
}

/** Per infant: flagged cries without a verdict, and the latest scored cries (oldest first). */
export function wardCrySummary(
  db: Db,
  recent: number,
): { infantId: number; awaitingReview: number; recentScores: { at: string; score: number }[] }[] {
  const counts = db
    .prepare(
      `SELECT i.id AS infant_id, (SELECT COUNT(*) FROM cries c WHERE c.infant_id = i.id AND c.flagged = 1
         AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.cry_id = c.id)) AS awaiting
       FROM infants i ORDER BY i.id`,
    )
    .all() as { infant_id: number; awaiting: number }[]
  const scores = db.prepare(
    'SELECT at, score FROM cries WHERE infant_id = ? AND score IS NOT NULL ORDER BY at DESC LIMIT ?',
  )
  return counts.map((c) => ({
    infantId: c.infant_id,
    awaitingReview: c.awaiting,
    recentScores: recent
      ? (scores.all(c.infant_id, recent) as { at: string; score: number }[]).reverse()
      : [],
  }))
}
