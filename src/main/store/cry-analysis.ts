// The stage 1–4 columns of the cries table (P(cry), score, model version, gate decision, flag, baseline
// membership). The cries themselves are written by the import (cries.ts); this module owns what analysis adds.
import type { CryMeasures, Decision, Verdict } from '../../shared/contract'
import type { CryMeasureValues } from '../engine/anomaly/cry-features'
import type { GateDecision } from '../engine/gate/gate'
import { isFlagged } from '../engine/gate/step'
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
  decision: GateDecision
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

export interface TimelineCryRow extends Pick<CryMeasures, 'f0MeanHz' | 'durationS' | 'hnrDb'> {
  id: number
  recordingId: number
  startS: number
  at: string
  score: number | null
  modelId: number | null
  decision: Decision
  decisionReason: string | null
  flagged: number
  verdict: Verdict | null
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
         c.decision_reason AS decisionReason, c.flagged, c.f0_mean_hz AS f0MeanHz, c.duration_s AS durationS, c.hnr_db AS hnrDb,
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

/**
 * The flag rule of the analysis step, `isFlagged` of engine/gate/step.ts itself, as an SQL function over stored
 * scores (`iclas_flagged(score, percentile)` → 1 or 0), for re-flagging after a threshold change: a cry is flagged
 * when its score reaches the percentile, whatever its P(cry) (a low P(cry) is said beside the flag; a clinician's
 * "not a cry" verdict is what takes a sound off the review queue). Registered once per connection.
 */
const withFlagRule = new WeakSet<Db>()
function flagRule(db: Db): void {
  if (withFlagRule.has(db)) return
  db.function('iclas_flagged', { deterministic: true }, (score: unknown, percentile: unknown) =>
    isFlagged(typeof score === 'number' ? score : null, { flagPercentile: percentile as number }) ? 1 : 0,
  )
  withFlagRule.add(db)
}

const MEASURE_COLUMNS = `duration_s AS durationS, rms_dbfs AS rmsDbfs, f0_mean_hz AS f0MeanHz, f0_min_hz AS f0MinHz,
  f0_max_hz AS f0MaxHz, voiced_fraction AS voicedFraction, hnr_db AS hnrDb, spectral_centroid_hz AS spectralCentroidHz,
  f0_contour AS contour`

type MeasureRow = Omit<CryMeasureValues, 'f0Contour'> & { id: number; contour: Buffer | null }

function toMeasures(r: MeasureRow): CryMeasureValues {
  const c = r.contour
  return {
    durationS: r.durationS,
    rmsDbfs: r.rmsDbfs,
    f0MeanHz: r.f0MeanHz,
    f0MinHz: r.f0MinHz,
    f0MaxHz: r.f0MaxHz,
    voicedFraction: r.voicedFraction,
    hnrDb: r.hnrDb,
    spectralCentroidHz: r.spectralCentroidHz,
    f0Contour: c ? new Float32Array(c.buffer.slice(c.byteOffset, c.byteOffset + c.byteLength)) : null,
  }
}

/** The acoustic measures of these cries (the personal model's measures part and what a flag says moved). */
export function cryMeasures(db: Db, ids: readonly number[]): Map<number, CryMeasureValues> {
  const q = db.prepare(`SELECT id, ${MEASURE_COLUMNS} FROM cries WHERE id = ?`)
  const out = new Map<number, CryMeasureValues>()
  for (const id of ids) {
    const r = q.get(id) as MeasureRow | undefined
    if (r) out.set(id, toMeasures(r))
  }
  return out
}

/** Re-derives flags from stored scores after a threshold change (incremental rescoring). Returns changed rows. */
export function reflag(db: Db, infantId: number | null, flagPercentile: number): number {
  flagRule(db)
  return db
    .prepare(
      `UPDATE cries SET flagged = iclas_flagged(score, @p)
       WHERE (@infant IS NULL OR infant_id = @infant) AND flagged != iclas_flagged(score, @p)`,
    )
    .run({ p: flagPercentile, infant: infantId }).changes
}

/** An infant's scored cries: time and flag (the demo's truth report). */
export function scoredCryFlags(db: Db, infantId: number): { t: number; flagged: boolean }[] {
  return (
    db
      .prepare('SELECT at, flagged FROM cries WHERE infant_id = ? AND score IS NOT NULL ORDER BY at')
      .all(infantId) as { at: string; flagged: number }[]
  ).map((r) => ({ t: Date.parse(r.at), flagged: r.flagged === 1 }))
}

/**
 * Everything an infant's timeline row shows, summed (the timeline cache's fingerprint): changes when a cry is
 * added, scored, gated, moved or judged.
 */
export function timelineFingerprint(db: Db, infantId: number): string {
  const cries = db
    .prepare(
      `SELECT COUNT(*) AS n, MAX(id) AS last, TOTAL(score) AS score, TOTAL(flagged) AS flagged,
         TOTAL(CASE decision WHEN 'baseline' THEN 1 WHEN 'accepted' THEN 2 WHEN 'rejected' THEN 3 ELSE 0 END) AS decisions,
         TOTAL(cry_confidence) AS p, TOTAL(gate_confidence) AS gate, TOTAL(model_id) AS models,
         TOTAL(julianday(at)) AS at, TOTAL(start_s) AS startS
       FROM cries WHERE infant_id = ?`,
    )
    .get(infantId)
  const verdicts = db
    .prepare(
      'SELECT COUNT(*) AS n, MAX(v.id) AS last FROM reviews v JOIN cries c ON c.id = v.cry_id WHERE c.infant_id = ?',
    )
    .get(infantId)
  return JSON.stringify([cries, verdicts])
}

/** The recording of each cry, in the order asked (every cry must exist). */
export function recordingsOfCries(db: Db, ids: readonly number[]): number[] {
  const q = db.prepare('SELECT recording_id AS r FROM cries WHERE id = ?')
  return ids.map((id) => (q.get(id) as { r: number }).r)
}

/** Scores (and the model that gave them) for the cries of ids that have none yet: a new baseline's own cries. */
export function setUnscoredScores(
  db: Db,
  modelId: number,
  ids: readonly number[],
  scores: ArrayLike<number>,
): void {
  const upd = db.prepare('UPDATE cries SET score = ?, model_id = ? WHERE id = ? AND score IS NULL')
  ids.forEach((id, i) => upd.run(scores[i]!, modelId, id))
}

/** The ids of an infant's cries. */
export function infantCryIds(db: Db, infantId: number): number[] {
  return (db.prepare('SELECT id FROM cries WHERE infant_id = ?').all(infantId) as { id: number }[]).map(
    (r) => r.id,
  )
}
