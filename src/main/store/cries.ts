// Repository for the cries table (stage 0 writes): the cries segmentation found in a recording, with their
// acoustic measures, inserted in the transaction that inserts the recording.
import type { CryMeasures } from '../engine/audio/measures'
import type { Db } from './db'

export interface NewCry {
  startS: number
  endS: number
  clipped: boolean
  /** What `measureCry` measured, all but HNR by cross-correlation (computed for comparison, not stored). */
  measures: Omit<CryMeasures, 'hnrCcDb'>
}

/** A finite number or NULL: SQLite's REAL columns must not receive NaN. */
const real = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/**
 * A cry's span and measures as the cries table's columns, in order: start_s, end_s, at, duration_s, rms_dbfs,
 * peak, f0_mean_hz, f0_min_hz, f0_max_hz, f0_contour, voiced_fraction, hnr_db, spectral_centroid_hz, clipped.
 */
export function crySpanColumns(cry: NewCry, at: string) {
  const m = cry.measures
  const contour = m.f0Contour
  return [
    cry.startS,
    cry.endS,
    at,
    cry.endS - cry.startS,
    real(m.rmsDbfs),
    real(m.peak),
    real(m.f0MeanHz),
    real(m.f0MinHz),
    real(m.f0MaxHz),
    Buffer.from(contour.buffer, contour.byteOffset, contour.byteLength),
    real(m.voicedFraction),
    real(m.hnrDb),
    real(m.spectralCentroidHz),
    cry.clipped ? 1 : 0,
  ] as const
}

/**
 * Inserts a recording's cries; `at` is the recording time plus each cry's onset. Call inside the recording's
 * transaction. Returns the new ids in order.
 */
export function insertCries(
  db: Db,
  recordingId: number,
  infantId: number,
  recordedAt: string,
  cries: readonly NewCry[],
): number[] {
  const t0 = Date.parse(recordedAt)
  const stmt = db.prepare(
    `INSERT INTO cries (recording_id, infant_id, start_s, end_s, at, duration_s, rms_dbfs, peak, f0_mean_hz,
       f0_min_hz, f0_max_hz, f0_contour, voiced_fraction, hnr_db, spectral_centroid_hz, clipped)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  return cries.map((c) => {
    const info = stmt.run(
      recordingId,
      infantId,
      ...crySpanColumns(c, new Date(t0 + Math.round(c.startS * 1000)).toISOString()),
    )
    return Number(info.lastInsertRowid)
  })
}

export interface StoredCrySpan {
  id: number
  startS: number
  endS: number
  at: string
}

export function listRecordingCrySpans(db: Db, recordingId: number): StoredCrySpan[] {
  return db
    .prepare(
      'SELECT id, start_s AS startS, end_s AS endS, at FROM cries WHERE recording_id = ? ORDER BY start_s',
    )
    .all(recordingId) as StoredCrySpan[]
}

export function countCries(db: Db, recordingId: number): number {
  return (
    db.prepare('SELECT COUNT(*) AS n FROM cries WHERE recording_id = ?').get(recordingId) as { n: number }
  ).n
}

/** How many cries these infants have. */
export function countInfantsCries(db: Db, infantIds: readonly number[]): number {
  return (
    db
      .prepare('SELECT COUNT(*) AS n FROM cries WHERE infant_id IN (SELECT value FROM json_each(?))')
      .get(JSON.stringify(infantIds)) as { n: number }
  ).n
}
