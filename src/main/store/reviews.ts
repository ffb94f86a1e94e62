// Repository for the reviews table: clinicians' verdicts on cries. Append-only by convention — a new verdict
// supersedes the previous one (the latest by id counts) and the history stays.
import type { Review, Verdict } from '../../shared/contract'
import type { Actor } from './audit'
import type { Db } from './db'

interface ReviewRow {
  id: number
  cry_id: number
  verdict: string
  note: string | null
  username: string
  role: string
  at: string
}

const toReview = (r: ReviewRow): Review => ({
  id: r.id,
  cryId: r.cry_id,
  verdict: r.verdict as Verdict,
  note: r.note,
  username: r.username,
  role: r.role,
  at: r.at,
})

export function insertReview(
  db: Db,
  v: { cryId: number; verdict: Verdict; note: string | null },
  who: Actor,
  at = new Date().toISOString(),
): Review {
  const info = db
    .prepare(
      'INSERT INTO reviews (cry_id, verdict, note, user_id, username, role, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(v.cryId, v.verdict, v.note, who.userId, who.username, who.role, at)
  return toReview(db.prepare('SELECT * FROM reviews WHERE id = ?').get(info.lastInsertRowid) as ReviewRow)
}

/** Every verdict on a cry, newest first. */
export function listReviews(db: Db, cryId: number): Review[] {
  return (
    db.prepare('SELECT * FROM reviews WHERE cry_id = ? ORDER BY id DESC').all(cryId) as ReviewRow[]
  ).map(toReview)
}

/** The verdict that counts for a cry (the latest), if any. */
export function latestReview(db: Db, cryId: number): Review | undefined {
  const row = db.prepare('SELECT * FROM reviews WHERE cry_id = ? ORDER BY id DESC LIMIT 1').get(cryId) as
    ReviewRow | undefined
  return row && toReview(row)
}
