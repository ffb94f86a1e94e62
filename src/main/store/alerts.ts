// Repository for alerts (stage 4). State changes are audited by the service.
import type { Db } from './db'
import type { Alert, AlertState } from '../../shared/contract'

interface Raw {
  id: number
  infant_id: number
  infant_label: string
  statistic: 'ewma' | 'cusum'
  state: AlertState
  at: string
  value: number
  control_limit: number
  cry_id: number | null
  message: string
  created_at: string
  updated_at: string
  updated_by: string
  note: string | null
}

const SELECT = 'SELECT a.*, i.label AS infant_label FROM alerts a JOIN infants i ON i.id = a.infant_id'

const toAlert = (r: Raw): Alert => ({
  id: r.id,
  infantId: r.infant_id,
  infantLabel: r.infant_label,
  statistic: r.statistic,
  state: r.state,
  at: r.at,
  value: r.value,
  limit: r.control_limit,
  cryId: r.cry_id,
  message: r.message,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
  note: r.note,
})

export function listAlerts(db: Db, f: { infantId?: number; state?: AlertState } = {}): Alert[] {
  const where: string[] = []
  const args: unknown[] = []
  if (f.infantId !== undefined) {
    where.push('a.infant_id = ?')
    args.push(f.infantId)
  }
  if (f.state) {
    where.push('a.state = ?')
    args.push(f.state)
  }
  return (
    db
      .prepare(
        `${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY a.at DESC, a.id DESC`,
      )
      .all(...args) as Raw[]
  ).map(toAlert)
}

export function getAlert(db: Db, id: number): Alert | undefined {
  const r = db.prepare(`${SELECT} WHERE a.id = ?`).get(id) as Raw | undefined
  return r && toAlert(r)
}

export function alertExists(db: Db, infantId: number, statistic: string, at: string): boolean {
  return !!db
    .prepare('SELECT 1 FROM alerts WHERE infant_id = ? AND statistic = ? AND at = ?')
    .get(infantId, statistic, at)
}

export function insertAlert(
  db: Db,
  a: {
    infantId: number
    statistic: 'ewma' | 'cusum'
    at: string
    value: number
    limit: number
    cryId: number | null
    message: string
  },
  now = new Date().toISOString(),
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO alerts (infant_id, statistic, state, at, value, control_limit, cry_id, message, created_at, updated_at, updated_by)
         VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, 'system')`,
      )
      .run(a.infantId, a.statistic, a.at, a.value, a.limit, a.cryId, a.message, now, now).lastInsertRowid,
  )
}

export function setAlertState(
  db: Db,
  id: number,
  state: AlertState,
  by: string,
  note: string | null,
  now = new Date().toISOString(),
): void {
  db.prepare(
    'UPDATE alerts SET state = ?, note = COALESCE(?, note), updated_at = ?, updated_by = ? WHERE id = ?',
  ).run(state, note, now, by, id)
}
