// Corrections of stage 0 on the cries table: a cry's boundaries moved by hand (with its new measures), and the
// analysis of a corrected cry undone so stages 1–4 see it again (embeddings and scores of its old boundaries
// deleted, the gate's decision back to 'pending'). A cry stage 0 missed is inserted with insertCries (cries.ts).
import type { CryCorrection } from '../../shared/contract'
import type { Db } from './db'
import { crySpanColumns, type NewCry } from './cries'

/** New boundaries, onset time and measures of a cry. Call inside the correction's transaction. */
export function setCrySpan(db: Db, cryId: number, at: string, cry: NewCry): void {
  db.prepare(
    `UPDATE cries SET start_s = ?, end_s = ?, at = ?, duration_s = ?, rms_dbfs = ?, peak = ?, f0_mean_hz = ?,
       f0_min_hz = ?, f0_max_hz = ?, f0_contour = ?, voiced_fraction = ?, hnr_db = ?, spectral_centroid_hz = ?,
       clipped = ? WHERE id = ?`,
  ).run(...crySpanColumns(cry, at), cryId)
}

/**
 * Undoes stages 1–4 for a cry whose sound changed: its embeddings and stored scores go, its P(cry), score,
 * model, gate decision, flag and baseline membership are reset ('pending': the analysis takes it up again).
 */
export function resetCryAnalysis(db: Db, cryId: number): void {
  db.prepare('DELETE FROM cry_embeddings WHERE cry_id = ?').run(cryId)
  db.prepare('DELETE FROM cry_scores WHERE cry_id = ?').run(cryId)
  db.prepare(
    `UPDATE cries SET cry_confidence = NULL, score = NULL, model_id = NULL, gate_confidence = NULL,
       decision = 'pending', decision_reason = NULL, flagged = 0, in_baseline = 0 WHERE id = ?`,
  ).run(cryId)
}

/** The other cries of a recording that overlap [startS, endS) (touching is not overlapping). */
export function overlappingCries(
  db: Db,
  recordingId: number,
  startS: number,
  endS: number,
  exceptCryId: number | null,
): { id: number; startS: number; endS: number }[] {
  return db
    .prepare(
      `SELECT id, start_s AS startS, end_s AS endS FROM cries
       WHERE recording_id = ? AND start_s < ? AND end_s > ? AND id IS NOT ? ORDER BY start_s`,
    )
    .all(recordingId, endS, startS, exceptCryId) as { id: number; startS: number; endS: number }[]
}

/** A cry as a correction reports it: where it is and what stages 1–4 decided. */
export function correctedCry(db: Db, cryId: number): (CryCorrection & { at: string }) | undefined {
  const r = db
    .prepare(
      `SELECT id AS cryId, recording_id AS recordingId, start_s AS startS, end_s AS endS, at, decision, score,
         flagged, in_baseline AS inBaseline FROM cries WHERE id = ?`,
    )
    .get(cryId) as
    | (Omit<CryCorrection, 'flagged' | 'inBaseline'> & { at: string; flagged: number; inBaseline: number })
    | undefined
  return r && { ...r, flagged: r.flagged === 1, inBaseline: r.inBaseline === 1 }
}
