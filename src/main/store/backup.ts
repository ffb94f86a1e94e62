// Backups of the store, in `<data folder>/backups/`: online copies made with SQLite's backup API (consistent
// while the core keeps writing), made self-contained (rollback journal, no -wal beside them) and verified
// with a full integrity check before they count; the newest few of each kind are kept.
// Restore verifies the chosen backup first. With the core running it copies the backup back into the live
// file with the same backup API (one step, atomic for SQLite), then carries over the audit entries written
// since the backup so the trail survives. With the store closed or damaged it swaps files: the current
// file (and its -wal) is kept in `replaced/` or `damaged/`, never deleted.
// A backup covers the database only; audio working copies are content-addressed and never rewritten, and
// start-up recovery (src/main/core/audio-recovery.ts) quarantines rather than deletes audio that a restored
// database no longer references.
import Database from 'better-sqlite3'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { migrate, openDb, type Db } from './db'
import { idFloors, raiseIdFloors } from './id-floors'
import { asideDir, backupsDir, dbFile, type AsideKind } from './layout'

export const BACKUP_REASONS = ['manual', 'scheduled', 'pre-migration', 'pre-restore'] as const
export type BackupReason = (typeof BACKUP_REASONS)[number]

/** How many backups of each kind are kept (newest first). */
export const KEEP: Record<BackupReason, number> = {
  manual: 10,
  scheduled: 8,
  'pre-migration': 3,
  'pre-restore': 3,
}

/** A backup's id is its file name without `.db`: a timestamp and a reason, never a path. */
export const BACKUP_ID = /^(\d{8}T\d{9}Z)-(manual|scheduled|pre-migration|pre-restore)$/

export interface BackupInfo {
  id: string
  reason: BackupReason
  createdAt: string
  sizeBytes: number
}

export interface BackupCheck {
  ok: boolean
  problems: string[]
  schemaVersion: number
  counts: { infants: number; recordings: number; cries: number; auditEntries: number }
}

export function backupFile(dataDir: string, id: string): string {
  if (!BACKUP_ID.test(id)) throw new Error(`Not a backup id: ${id.slice(0, 80)}`)
  return path.join(backupsDir(dataDir), `${id}.db`)
}

/** Backups on disk, newest first. */
export function listBackups(dataDir: string): BackupInfo[] {
  const dir = backupsDir(dataDir)
  if (!fs.existsSync(dir)) return []
  const out: BackupInfo[] = []
  for (const f of fs.readdirSync(dir)) {
    const m = /^(.*)\.db$/.exec(f)
    const id = m?.[1]
    const parts = id ? BACKUP_ID.exec(id) : null
    if (!id || !parts) continue
    const st = fs.statSync(path.join(dir, f), { throwIfNoEntry: false })
    if (!st?.isFile()) continue
    out.push({ id, reason: parts[2] as BackupReason, createdAt: stampToIso(parts[1]!), sizeBytes: st.size })
  }
  return out.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
}

/** An online backup with the SQLite backup API, verified, then the oldest of its kind pruned. */
export async function createBackup(
  db: Db,
  dataDir: string,
  reason: BackupReason,
  keep: number = KEEP[reason],
): Promise<BackupInfo> {
  const dir = backupsDir(dataDir)
  fs.mkdirSync(dir, { recursive: true })
  const partial = path.join(dir, `.partial-${crypto.randomBytes(6).toString('hex')}.db`)
  try {
    await db.backup(partial)
    return finishBackup(dataDir, partial, reason, keep)
  } finally {
    removeDbFiles(partial)
  }
}

/**
 * A synchronous snapshot (VACUUM INTO) for the moment before migrations run: openDb is synchronous and
 * nothing else uses the store yet, so the backup API's asynchronous steps buy nothing there.
 */
export function snapshotSync(db: Db, dataDir: string, reason: BackupReason): BackupInfo {
  const dir = backupsDir(dataDir)
  fs.mkdirSync(dir, { recursive: true })
  const partial = path.join(dir, `.partial-${crypto.randomBytes(6).toString('hex')}.db`)
  try {
    db.prepare('VACUUM INTO ?').run(partial)
    return finishBackup(dataDir, partial, reason, KEEP[reason])
  } finally {
    removeDbFiles(partial)
  }
}

function finishBackup(dataDir: string, partial: string, reason: BackupReason, keep: number): BackupInfo {
  // The copy inherits WAL mode from the live file: make it one self-contained file.
  const copy = new Database(partial)
  try {
    copy.pragma('journal_mode = DELETE')
  } finally {
    copy.close()
  }
  const check = verifyBackupFile(partial)
  if (!check.ok) throw new Error(`The new backup failed its integrity check: ${check.problems.join('; ')}`)
  let id = `${isoToStamp(new Date())}-${reason}`
  while (fs.existsSync(path.join(backupsDir(dataDir), `${id}.db`)))
    id = `${isoToStamp(new Date(Date.now() + 1))}-${reason}`
  const final = path.join(backupsDir(dataDir), `${id}.db`)
  fs.renameSync(partial, final)
  fsyncDir(backupsDir(dataDir))
  prune(dataDir, reason, keep)
  return { id, reason, createdAt: stampToIso(BACKUP_ID.exec(id)![1]!), sizeBytes: fs.statSync(final).size }
}

function prune(dataDir: string, reason: BackupReason, keep: number): void {
  const mine = listBackups(dataDir).filter((b) => b.reason === reason)
  for (const old of mine.slice(Math.max(1, keep))) fs.rmSync(backupFile(dataDir, old.id), { force: true })
}

/** Full integrity check of a database file without changing it. */
export function verifyBackupFile(file: string): BackupCheck {
  const empty = { infants: 0, recordings: 0, cries: 0, auditEntries: 0 }
  let db: Database.Database | null = null
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .filter((r) => r !== 'ok')
    const fk = db.pragma('foreign_key_check') as unknown[]
    if (fk.length) problems.push(`${fk.length} row(s) violate foreign keys`)
    const has = (t: string) =>
      !!db!.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?").get(t)
    if (!has('schema_migrations')) problems.push('not an ICLAS database (no schema_migrations table)')
    const count = (t: string) =>
      has(t) ? (db!.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n : 0
    const schemaVersion = has('schema_migrations')
      ? ((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0)
      : 0
    return {
      ok: problems.length === 0,
      problems,
      schemaVersion,
      counts: {
        infants: count('infants'),
        recordings: count('recordings'),
        cries: count('cries'),
        auditEntries: count('audit_log'),
      },
    }
  } catch (err) {
    return { ok: false, problems: [(err as Error).message], schemaVersion: 0, counts: empty }
  } finally {
    db?.close()
  }
}

/** The newest backup that passes its integrity check (the way out of a damaged store). */
export function latestGoodBackup(dataDir: string): (BackupInfo & { check: BackupCheck }) | undefined {
  for (const b of listBackups(dataDir)) {
    const check = verifyBackupFile(backupFile(dataDir, b.id))
    if (check.ok) return { ...b, check }
  }
  return undefined
}

export interface AuditRowRaw {
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

/**
 * Copies a verified backup into the live database (the store stays open). Returns the audit entries written
 * after the backup was taken, which the caller appends again so the trail survives the restore.
 */
export async function restoreBackupOnline(
  db: Db,
  dataDir: string,
  id: string,
): Promise<{ check: BackupCheck; carriedAudit: number }> {
  const file = backupFile(dataDir, id)
  if (!fs.existsSync(file)) throw new Error(`No backup ${id}`)
  const check = verifyBackupFile(file)
  if (!check.ok) throw new BackupDamagedError(id, check.problems)
  const liveFile = db.name
  const since = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRowRaw[]
  // The ids handed out so far stay handed out: the restored sequences are raised to them (id-floors.ts).
  const floors = idFloors(db)
  const src = new Database(file, { readonly: true })
  try {
    // One step: the whole copy happens under one lock, so no write of ours can interleave with it.
    await src.backup(liveFile, { progress: () => 0x7fffffff })
  } finally {
    src.close()
  }
  // A pre-migration backup has an older schema: bring it up to this version before anything reads it.
  migrate(db)
  raiseIdFloors(db, floors)
  const carriedAudit = carryOverAudit(db, since)
  return { check, carriedAudit }
}

/** Appends audit rows the restored database lacks, when it is the same history (same row at its last id). */
export function carryOverAudit(db: Db, rows: AuditRowRaw[]): number {
  const last = db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT 1').get() as AuditRowRaw | undefined
  const lastId = last?.id ?? 0
  const same = !last || rows.some((r) => r.id === last.id && r.at === last.at && r.action === last.action)
  if (!same) return 0
  const newer = rows.filter((r) => r.id > lastId)
  const ins = db.prepare(
    `INSERT INTO audit_log (id, at, user_id, username, role, action, entity, entity_id, before_json, after_json)
     VALUES (@id, @at, @user_id, @username, @role, @action, @entity, @entity_id, @before_json, @after_json)`,
  )
  db.transaction(() => {
    for (const r of newer) ins.run(r)
  })()
  return newer.length
}

/** The id floors of a database file, or null when it is absent or cannot be read (a damaged file). */
function readFloors(file: string): Record<string, number> | null {
  if (!fs.existsSync(file)) return null
  let db: Database.Database | null = null
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    return idFloors(db)
  } catch {
    return null
  } finally {
    db?.close()
  }
}

/** The audit rows of a database file, or none when it cannot be read (a damaged file). */
export function readAuditRows(file: string): AuditRowRaw[] {
  let db: Database.Database | null = null
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    return db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRowRaw[]
  } catch {
    return []
  } finally {
    db?.close()
  }
}

export class BackupDamagedError extends Error {
  constructor(
    readonly backupId: string,
    readonly problems: string[],
  ) {
    super(`Backup ${backupId} is damaged (${problems.slice(0, 3).join('; ')}); choose another one.`)
    this.name = 'BackupDamagedError'
  }
}

/**
 * Restore with the store closed (the CLI, or the way out of a damaged store): the current file and its -wal
 * are copied to `replaced/` first, then the verified backup is renamed into place. A crash at any point
 * leaves either the old file or the restored one, and the old one is always kept.
 */
export function restoreBackupOffline(
  dataDir: string,
  id: string,
): { check: BackupCheck; keptAs: string | null } {
  const file = backupFile(dataDir, id)
  if (!fs.existsSync(file)) throw new Error(`No backup ${id}`)
  const check = verifyBackupFile(file)
  if (!check.ok) throw new BackupDamagedError(id, check.problems)
  const live = dbFile(dataDir)
  const incoming = `${live}.restoring`
  fs.copyFileSync(file, incoming)
  // Ids the replaced database handed out are never handed out again (id-floors.ts): the copy is migrated
  // and its sequences raised before it goes into place. A damaged current file has no floors to give.
  const floors = readFloors(live)
  if (floors) {
    const copy = openDb(incoming)
    try {
      raiseIdFloors(copy, floors)
      copy.pragma('wal_checkpoint(TRUNCATE)')
      copy.pragma('journal_mode = DELETE')
    } finally {
      copy.close()
    }
  }
  fsyncFile(incoming)
  const keptAs = keepAside(dataDir, 'replaced', 'copy')
  // A -wal left beside the restored file would be replayed into it: remove it (a copy is in replaced/).
  fs.rmSync(`${live}-wal`, { force: true })
  fs.rmSync(`${live}-shm`, { force: true })
  fs.renameSync(incoming, live)
  fsyncDir(dataDir)
  return { check, keptAs }
}

/** Moves a damaged database (and its -wal/-shm) to `damaged/`, so the next start begins with an empty one. */
export function setDamagedAside(dataDir: string): string | null {
  return keepAside(dataDir, 'damaged', 'move')
}

function keepAside(dataDir: string, kind: AsideKind, how: 'copy' | 'move'): string | null {
  const live = dbFile(dataDir)
  if (!fs.existsSync(live)) return null
  const dir = asideDir(dataDir, kind)
  fs.mkdirSync(dir, { recursive: true })
  const base = path.join(dir, `iclas-${isoToStamp(new Date())}.db`)
  // -wal and -shm first: moving the main file first could leave its WAL beside a fresh database.
  for (const suffix of ['-wal', '-shm', '']) {
    const from = `${live}${suffix}`
    if (!fs.existsSync(from)) continue
    if (how === 'copy') {
      fs.copyFileSync(from, `${base}${suffix}`)
      fsyncFile(`${base}${suffix}`)
    } else fs.renameSync(from, `${base}${suffix}`)
  }
  fsyncDir(dir)
  return path.relative(dataDir, base)
}

function removeDbFiles(file: string): void {
  for (const s of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${s}`, { force: true })
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

function isoToStamp(d: Date): string {
  return d.toISOString().replace(/[-:.]/g, '')
}

function stampToIso(stamp: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(stamp)!
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`
}
