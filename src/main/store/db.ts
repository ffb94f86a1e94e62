// Opening the store: WAL, foreign keys, integrity check, numbered migrations. The process that opens the
// store is its one writer (the core); workers never touch it.
import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { migrations as allMigrations, type Migration } from './migrations'

export type Db = Database.Database

export interface OpenOptions {
  /** Apply migrations up to this version only (tests). */
  migrateTo?: number
  migrations?: readonly Migration[]
  readonly?: boolean
  /** Path to a better-sqlite3 native binding built for another ABI (Electron's utilityProcess). */
  nativeBinding?: string
  /** Called before migrations change an existing file (the core snapshots it: src/main/store/backup.ts). */
  beforeMigrate?: (db: Db, from: number, to: number) => void
}

export class StoreDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `The ICLAS database ${file} is damaged (${problems.slice(0, 3).join('; ')}). ` +
        'Way out: restore the latest good backup (the workstation offers it, or `iclas backup restore --latest`), ' +
        'or move the damaged file aside and start empty (`iclas backup set-aside`).',
    )
    this.name = 'StoreDamagedError'
  }
}

export function openDb(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  })
  try {
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    if (!options.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
    }
    checkIntegrity(db, file)
    if (!options.readonly) {
      const list = options.migrations ?? allMigrations
      const from = schemaVersion(db)
      const to = options.migrateTo ?? list[list.length - 1]?.version ?? 0
      if (options.beforeMigrate && from > 0 && from < to) options.beforeMigrate(db, from, to)
      migrate(db, options.migrateTo, list)
    }
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

export function checkIntegrity(db: Db, file = 'database'): void {
  let rows: { quick_check: string }[]
  try {
    rows = db.pragma('quick_check') as { quick_check: string }[]
  } catch (err) {
    throw new StoreDamagedError(file, [(err as Error).message])
  }
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok')
  if (problems.length) throw new StoreDamagedError(file, problems)
}

/**
 * Whether anything was written since: SQLite's count of rows this connection changed, and data_version, which
 * moves when another connection (a backup restore) commits. Equal counters: nothing was written at all.
 */
export function writeCounters(db: Db): { changes: number; version: number } {
  const changes = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n
  const version = db.pragma('data_version', { simple: true }) as number
  return { changes, version }
}

export function schemaVersion(db: Db): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
  )
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }
  return row.v ?? 0
}

export function migrate(db: Db, to?: number, list: readonly Migration[] = allMigrations): number {
  const current = schemaVersion(db)
  const target = to ?? list[list.length - 1]?.version ?? 0
  const latest = list[list.length - 1]?.version ?? 0
  if (current > latest) {
    throw new Error(
      `The database has schema version ${current}, newer than this ICLAS (${latest}). Update ICLAS.`,
    )
  }
  for (const m of list) {
    if (m.version <= current || m.version > target) continue
    const fk = db.pragma('foreign_keys', { simple: true }) as number
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF')
    try {
      db.transaction(() => {
        m.up(db)
        if (m.foreignKeysOff) {
          const broken = db.pragma('foreign_key_check') as unknown[]
          if (broken.length)
            throw new Error(`migration ${m.version} would break ${broken.length} foreign key(s)`)
        }
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          new Date().toISOString(),
        )
      })()
    } finally {
      if (m.foreignKeysOff && fk) db.pragma('foreign_keys = ON')
    }
  }
  return schemaVersion(db)
}
