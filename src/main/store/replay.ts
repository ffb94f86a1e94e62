// Repository for replay_buffer: the cries each infant's model is refitted on.
import type { Db } from './db'

export interface ReplayRow {
  cryId: number
  /** Cry time (ms) — the buffer keeps the oldest and the newest. */
  t: number
  recordingId: number
  addedAt: string
}

export function replayBuffer(db: Db, infantId: number): ReplayRow[] {
  return (
    db
      .prepare(
        `SELECT r.cry_id AS cryId, c.at AS at, c.recording_id AS recordingId, r.added_at AS addedAt
         FROM replay_buffer r JOIN cries c ON c.id = r.cry_id
         WHERE r.infant_id = ? ORDER BY c.at, r.cry_id`,
      )
      .all(infantId) as { cryId: number; at: string; recordingId: number; addedAt: string }[]
  ).map((r) => ({ cryId: r.cryId, t: Date.parse(r.at), recordingId: r.recordingId, addedAt: r.addedAt }))
}

/** Replaces the buffer with exactly these cries (keeping the added_at of those already in). */
export function setReplayBuffer(
  db: Db,
  infantId: number,
  cryIds: readonly number[],
  now = new Date().toISOString(),
): void {
  const keep = new Set(cryIds)
  const current = db.prepare('SELECT cry_id FROM replay_buffer WHERE infant_id = ?').all(infantId) as {
    cry_id: number
  }[]
  const del = db.prepare('DELETE FROM replay_buffer WHERE infant_id = ? AND cry_id = ?')
  for (const r of current) if (!keep.has(r.cry_id)) del.run(infantId, r.cry_id)
  const ins = db.prepare('INSERT OR IGNORE INTO replay_buffer (infant_id, cry_id, added_at) VALUES (?, ?, ?)')
  for (const id of cryIds) ins.run(infantId, id, now)
}

export function removeFromReplay(db: Db, cryId: number): boolean {
  return db.prepare('DELETE FROM replay_buffer WHERE cry_id = ?').run(cryId).changes > 0
}

/** Cries that joined since a model was fitted (added after its creation time). */
export function joinedSince(db: Db, infantId: number, since: string): number {
  return (
    db
      .prepare('SELECT COUNT(*) AS n FROM replay_buffer WHERE infant_id = ? AND added_at > ?')
      .get(infantId, since) as { n: number }
  ).n
}
