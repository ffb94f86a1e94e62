// The stage 1–4 columns of the cries table (P(cry), score, model version, gate decision, flag, baseline
// membership). The cries themselves are written by the import (cries.ts); this module owns what analysis adds.
import type { Db } from './db'

export interface PendingCry {
  id: number
  startS: number
  endS: number
  at: string
}

export function pendingCries(db: Db, recordingId: number): PendingCry[] {
  return db
    .prepare(
      "SELECT id, start_s AS startS, end_s AS endS, at FROM cries WHERE recording_id = ? AND decision = 'pending' ORDER BY start_s",
    )
    .all(recordingId) as PendingCry[]
}

/** Recordings that still have cries the gate has not seen (an import interrupted between commit and analysis). */
export function recordingsWithPendingCries(db: Db): { recordingId: number; infantId: number }[] {
  return db
    .prepare(
      `SELECT r.id AS recordingId, r.infant_id AS infantId FROM recordings r
       WHERE EXISTS (SELECT 1 FROM cries c WHERE c.recording_id = r.id AND c.decision = 'pending') ORDER BY r.recorded_at`,
    )
    .all() as { recordingId: number; infantId: number }[]
}

export interface CryAnalysis {
  cryConfidence: number | null
  score: number | null
  modelId: number | null
  gateConfidence: number | null
  decision: 'baseline' | 'accepted' | 'rejected'
  reason: string
  flagged: boolean
  inBaseline: boolean
}

export function setCryAnalysis(db: Db, cryId: number, a: CryAnalysis): void {
  db.prepare(
    `UPDATE cries SET cry_confidence = ?, score = ?, model_id = ?, gate_confidence = ?, decision = ?, decision_reason = ?,
       flagged = ?, in_baseline = ? WHERE id = ?`,
  ).run(
    a.cryConfidence,
    a.score,
    a.modelId,
    a.gateConfidence,
    a.decision,
    a.reason,
    a.flagged ? 1 : 0,
    a.inBaseline ? 1 : 0,
    cryId,
  )
}

export function setInBaseline(db: Db, cryId: number, inBaseline: boolean): void {
  db.prepare('UPDATE cries SET in_baseline = ? WHERE id = ?').run(inBaseline ? 1 : 0, cryId)
}

export interface TimelineCryRow {
  id: number
  recordingId: number
  startS: number
  at: string
  score: number | null
  modelId: number | null
  decision: 'pending' | 'baseline' | 'accepted' | 'rejected'
  flagged: number
  verdict: 'deviation' | 'normal' | 'not_cry' | null
  f0MeanHz: number | null
  durationS: number
  hnrDb: number | null
  cryConfidence: number | null
  gateConfidence: number | null
}

export function timelineCries(db: Db, infantId: number, from?: string, to?: string): TimelineCryRow[] {
  // The time range is part of the SQL only when given, so a range uses the (infant_id, at) index; the latest
  // verdicts are read once per infant rather than by a sub-query per cry (100 000 cries: ~5× faster).
  const range = `${from !== undefined ? ' AND c.at >= @from' : ''}${to !== undefined ? ' AND c.at <= @to' : ''}`
  const rows = db
    .prepare(
      `SELECT c.id, c.recording_id AS recordingId, c.start_s AS startS, c.at, c.score, c.model_id AS modelId, c.decision,
         c.flagged, c.f0_mean_hz AS f0MeanHz, c.duration_s AS durationS, c.hnr_db AS hnrDb,
         c.cry_confidence AS cryConfidence, c.gate_confidence AS gateConfidence, NULL AS verdict
       FROM cries c WHERE c.infant_id = @infant${range} ORDER BY c.at, c.id`,
    )
    .all({
      infant: infantId,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    }) as TimelineCryRow[]
  const verdicts = new Map<number, TimelineCryRow['verdict']>()
  for (const r of db
    .prepare(
      `SELECT v.cry_id AS cryId, v.verdict FROM reviews v JOIN cries c ON c.id = v.cry_id
       WHERE c.infant_id = @infant${range} ORDER BY v.id`,
    )
    .all({
      infant: infantId,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    }) as {
    cryId: number
    verdict: TimelineCryRow['verdict']
  }[])
    verdicts.set(r.cryId, r.verdict)
  if (verdicts.size) for (const r of rows) r.verdict = verdicts.get(r.id) ?? null
  return rows
}

export function baselineProgress(db: Db, infantId: number): { cries: number; recordings: number } {
  return db
    .prepare(
      "SELECT COUNT(*) AS cries, COUNT(DISTINCT recording_id) AS recordings FROM cries WHERE infant_id = ? AND decision = 'baseline'",
    )
    .get(infantId) as { cries: number; recordings: number }
}

/** A cry is flagged when it is a cry (P(cry) ≥ minCryConfidence, or unknown) and its score reaches the percentile. */
export const FLAG_SQL = `(score IS NOT NULL AND score >= @p AND (cry_confidence IS NULL OR cry_confidence >= @minCry))`

/** Re-derives flags from stored scores after a threshold change (incremental rescoring). Returns changed rows. */
export function reflag(
  db: Db,
  infantId: number | null,
  flagPercentile: number,
  minCryConfidence: number,
): number {
  return db
    .prepare(
      `UPDATE cries SET flagged = CASE WHEN ${FLAG_SQL} THEN 1 ELSE 0 END
       WHERE (@infant IS NULL OR infant_id = @infant) AND flagged != CASE WHEN ${FLAG_SQL} THEN 1 ELSE 0 END`,
    )
    .run({ p: flagPercentile, minCry: minCryConfidence, infant: infantId }).changes
}
