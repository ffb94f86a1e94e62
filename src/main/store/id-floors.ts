// Ids that the audit log names are never given to another record, not even after a restore. The tables
// are AUTOINCREMENT (migration 0006), so SQLite never reuses an id within one history; and a restore, which
// brings back an older sqlite_sequence, raises it again to the high-water mark of the database it replaced,
// so the audit entries carried over (which name records made after the backup) never point at new records.
import type Database from 'better-sqlite3'

// Database.Database (db.ts's Db), named here so that db.ts → migrations → this file is no import cycle.
type Db = Database.Database

/** Tables whose ids the audit log (or a carried-over entry) can name. */
export const NEVER_REUSED = [
  'infants',
  'recordings',
  'cries',
  'users',
  'audit_log',
  'anomaly_models',
  'reviews',
  'alerts',
] as const

/** Each table's highest id ever handed out: sqlite_sequence, or MAX(id) where there is none yet. */
export function idFloors(db: Db): Record<string, number> {
  const floors: Record<string, number> = {}
  const hasSeq = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined
  for (const t of NEVER_REUSED) {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t)) continue
    const max = (db.prepare(`SELECT COALESCE(MAX(id), 0) AS m FROM "${t}"`).get() as { m: number }).m
    const seq = hasSeq
      ? ((db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(t) as { seq: number } | undefined)
          ?.seq ?? 0)
      : 0
    floors[t] = Math.max(max, seq)
  }
  return floors
}

/** Raises each table's sequence to at least its floor (never lowers one). */
export function raiseIdFloors(db: Db, floors: Record<string, number>): void {
  const hasSeq = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined
  if (!hasSeq) return // not migrated to 0006: nothing to raise (the caller migrates first)
  const update = db.prepare('UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?')
  const insert = db.prepare('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)')
  db.transaction(() => {
    for (const [t, floor] of Object.entries(floors)) {
      if (floor <= 0) continue
      if (update.run(floor, t).changes === 0) insert.run(t, floor)
    }
  })()
}
