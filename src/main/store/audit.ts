// Repository for the append-only audit_log table (UPDATE/DELETE are refused by triggers).
import type { Db } from './db'

export interface Actor {
  userId: number | null
  username: string
  role: string
}

export interface AuditEntry {
  id: number
  at: string
  userId: number | null
  username: string
  role: string
  action: string
  entity: string | null
  entityId: string | null
  before: unknown
  after: unknown
}

export function appendAudit(
  db: Db,
  actor: Actor,
  action: string,
  entity: string | null,
  entityId: string | number | null,
  before: unknown,
  after: unknown,
  at = new Date().toISOString(),
): void {
  db.prepare(
    `INSERT INTO audit_log (at, user_id, username, role, action, entity, entity_id, before_json, after_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    at,
    actor.userId,
    actor.username,
    actor.role,
    action,
    entity,
    entityId === null ? null : String(entityId),
    before === undefined ? null : JSON.stringify(before),
    after === undefined ? null : JSON.stringify(after),
  )
}

interface AuditRow {
  id: number
  at: string
  user_id: number | null
  username: string
  role: string
  action: string
  entity: string | null
  entity_id: string | null
  before_json: string | null
  after_json: string | null
}

export function listAudit(
  db: Db,
  opts: { limit?: number; action?: string; entity?: string } = {},
): AuditEntry[] {
  const where: string[] = []
  const args: unknown[] = []
  if (opts.action) {
    where.push('action = ?')
    args.push(opts.action)
  }
  if (opts.entity) {
    where.push('entity = ?')
    args.push(opts.entity)
  }
  const sql = `SELECT * FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`
  const rows = db.prepare(sql).all(...args, opts.limit ?? 500) as AuditRow[]
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    userId: r.user_id,
    username: r.username,
    role: r.role,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before_json === null ? null : JSON.parse(r.before_json),
    after: r.after_json === null ? null : JSON.parse(r.after_json),
  }))
}

export interface AuditQuery {
  action?: string
  actionPrefix?: string
  entity?: string
  entityId?: string
  username?: string
  since?: string
  until?: string
}

/** Filtered, newest first, paged backwards by id (the audit view and export). */
export function queryAudit(db: Db, q: AuditQuery, page: { beforeId?: number; limit: number }): AuditEntry[] {
  const where: string[] = []
  const args: unknown[] = []
  const add = (sql: string, v: unknown) => {
    where.push(sql)
    args.push(v)
  }
  if (q.action) add('action = ?', q.action)
  if (q.actionPrefix) add("action LIKE ? ESCAPE '\\'", `${q.actionPrefix.replace(/[\\%_]/g, '\\$&')}%`)
  if (q.entity) add('entity = ?', q.entity)
  if (q.entityId) add('entity_id = ?', q.entityId)
  if (q.username) add('username = ?', q.username)
  if (q.since) add('at >= ?', new Date(q.since).toISOString())
  if (q.until) add('at <= ?', new Date(q.until).toISOString())
  if (page.beforeId !== undefined) add('id < ?', page.beforeId)
  const sql = `SELECT * FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`
  return (db.prepare(sql).all(...args, page.limit) as AuditRow[]).map(toEntry)
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    userId: r.user_id,
    username: r.username,
    role: r.role,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before_json === null ? null : JSON.parse(r.before_json),
    after: r.after_json === null ? null : JSON.parse(r.after_json),
  }
}
