// What a refused call must not change: a hash of every table's rows (the audit log and the operational jobs
// table apart, so a test can say precisely what may be appended there) and the data folder's files.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../../src/main/store/db'

export interface StoreFingerprint {
  /** Hash per table (audit_log and jobs excluded). */
  tables: Record<string, string>
  auditCount: number
  jobCount: number
  files: string
}

export function fingerprint(db: Db, dataDir: string): StoreFingerprint {
  const names = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
  ).map((r) => r.name)
  const tables: Record<string, string> = {}
  for (const t of names) {
    if (t === 'audit_log' || t === 'jobs') continue
    const h = crypto.createHash('sha256')
    // sqlite_sequence (AUTOINCREMENT, migration 0006) moves with every audit entry: that row goes with the
    // audit log, which is counted apart.
    const sql =
      t === 'sqlite_sequence'
        ? "SELECT * FROM sqlite_sequence WHERE name NOT IN ('audit_log', 'jobs') ORDER BY name"
        : `SELECT * FROM "${t}"`
    for (const row of db.prepare(sql).iterate() as Iterable<Record<string, unknown>>)
      h.update(JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)))
    tables[t] = h.digest('hex').slice(0, 16)
  }
  const count = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n
  return { tables, auditCount: count('audit_log'), jobCount: count('jobs'), files: listFiles(dataDir) }
}

/** Tables whose rows differ between two fingerprints. */
export function changedTables(a: StoreFingerprint, b: StoreFingerprint): string[] {
  const keys = new Set([...Object.keys(a.tables), ...Object.keys(b.tables)])
  return [...keys].filter((k) => a.tables[k] !== b.tables[k]).sort()
}

function listFiles(dir: string): string {
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (!/^iclas\.(db|db-wal|db-shm|lock)$/.test(e.name))
        out.push(`${path.relative(dir, p)}:${fs.statSync(p).size}`)
    }
  }
  if (fs.existsSync(dir)) walk(dir)
  return out.sort().join('\n')
}

export function auditSince(
  db: Db,
  count: number,
): {
  action: string
  role: string
  username: string
  before_json: string | null
  after_json: string | null
}[] {
  return db
    .prepare(
      'SELECT action, role, username, before_json, after_json FROM audit_log ORDER BY id LIMIT -1 OFFSET ?',
    )
    .all(count) as never
}
