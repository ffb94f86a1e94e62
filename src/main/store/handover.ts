// Read-only queries for the shift handover (src/main/core/services/handover.ts): what each infant's recordings,
// cries and clinicians' verdicts were in a window of time. Times are the stored ISO strings (UTC, "…Z"), so
// the window's bounds compare as text; `from` is inclusive, `to` exclusive.
import type { Verdict } from '../../shared/contract'
import type { Db } from './db'

export interface ShiftActivity {
  infantId: number
  recordings: number
  cries: number
  flagged: number
  /** Flagged cries of the window with no verdict at all. */
  awaitingReview: number
}

/** Per infant with anything recorded in [from, to): recordings, cries, flagged cries and those awaiting review. */
export function shiftActivity(db: Db, from: string, to: string): ShiftActivity[] {
  const cries = db
    .prepare(
      `SELECT c.infant_id AS infantId, COUNT(*) AS cries,
         COALESCE(SUM(c.flagged), 0) AS flagged,
         COALESCE(SUM(c.flagged = 1 AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.cry_id = c.id)), 0)
           AS awaitingReview
       FROM cries c WHERE c.at >= ? AND c.at < ? GROUP BY c.infant_id`,
    )
    .all(from, to) as Omit<ShiftActivity, 'recordings'>[]
  const recordings = db
    .prepare(
      `SELECT infant_id AS infantId, COUNT(*) AS recordings FROM recordings
       WHERE recorded_at >= ? AND recorded_at < ? GROUP BY infant_id`,
    )
    .all(from, to) as { infantId: number; recordings: number }[]
  const byInfant = new Map<number, ShiftActivity>()
  const of = (infantId: number) => {
    let a = byInfant.get(infantId)
    if (!a) byInfant.set(infantId, (a = { infantId, recordings: 0, cries: 0, flagged: 0, awaitingReview: 0 }))
    return a
  }
  for (const r of recordings) of(r.infantId).recordings = r.recordings
  for (const c of cries) Object.assign(of(c.infantId), c, { infantId: c.infantId })
  return [...byInfant.values()].sort((a, b) => a.infantId - b.infantId)
}

export interface ShiftVerdict {
  reviewId: number
  infantId: number
  cryId: number
  cryAt: string
  verdict: Verdict
  note: string | null
  /** The reviewer's display name today, or the username the review kept when the account is gone. */
  by: string
  username: string
  role: string
  at: string
  superseded: boolean
}

/** Verdicts given in [from, to), newest first, with whether a later verdict on the same cry replaced them. */
export function shiftVerdicts(db: Db, from: string, to: string): ShiftVerdict[] {
  const rows = db
    .prepare(
      `SELECT r.id AS reviewId, c.infant_id AS infantId, r.cry_id AS cryId, c.at AS cryAt, r.verdict, r.note,
         COALESCE(u.display_name, r.username) AS by, r.username, r.role, r.at,
         EXISTS (SELECT 1 FROM reviews later WHERE later.cry_id = r.cry_id AND later.id > r.id) AS superseded
       FROM reviews r
       JOIN cries c ON c.id = r.cry_id
       LEFT JOIN users u ON u.id = r.user_id
       WHERE r.at >= ? AND r.at < ?
       ORDER BY r.at DESC, r.id DESC`,
    )
    .all(from, to) as (Omit<ShiftVerdict, 'superseded'> & { superseded: number })[]
  return rows.map((r) => ({ ...r, superseded: r.superseded === 1 }))
}
