// Removing infants with everything that hangs from them (recordings, cries, embeddings, scores, reviews, models,
// replay buffer, alerts, per-infant settings). Only the demo ward uses it: patients' data is never deleted by
// ICLAS. Call inside a transaction; the audit log keeps its entries (it is append-only).
import type { Db } from './db'

export interface RemovedInfants {
  infants: number
  recordings: number
  /** Working copies and high-rate copies (relative to the data folder) no recording references any more. */
  audioPaths: string[]
}

export function removeInfantsWithData(db: Db, infantIds: readonly number[]): RemovedInfants {
  if (!infantIds.length) return { infants: 0, recordings: 0, audioPaths: [] }
  const ids = JSON.stringify(infantIds)
  const inSet = 'IN (SELECT value FROM json_each(?))'
  const audioPaths = (
    db
      .prepare(
        `SELECT audio_path AS p FROM recordings WHERE infant_id ${inSet}
         UNION ALL SELECT high_rate_path FROM recordings WHERE high_rate_path IS NOT NULL AND infant_id ${inSet}`,
      )
      .all(ids, ids) as { p: string }[]
  ).map((r) => r.p)
  db.prepare(`DELETE FROM replay_buffer WHERE infant_id ${inSet}`).run(ids)
  db.prepare(`DELETE FROM alerts WHERE infant_id ${inSet}`).run(ids)
  // Cries cascade to their embeddings, scores and reviews.
  db.prepare(`DELETE FROM cries WHERE infant_id ${inSet}`).run(ids)
  const recordings = db.prepare(`DELETE FROM recordings WHERE infant_id ${inSet}`).run(ids).changes
  // One statement: model versions refer to their parents within the same infant.
  db.prepare(`DELETE FROM anomaly_models WHERE infant_id ${inSet}`).run(ids)
  const del = db.prepare('DELETE FROM settings WHERE key = ?')
  for (const id of infantIds) del.run(`analysis.infant.${id}`)
  const infants = db.prepare(`DELETE FROM infants WHERE id ${inSet}`).run(ids).changes
  return { infants, recordings, audioPaths }
}
