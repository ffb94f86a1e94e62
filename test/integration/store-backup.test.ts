// Store integrity: one writer per data folder, backups (online, verified, pruned, before migrations), restore
// online (audit trail carried over, newer audio quarantined not deleted) and offline (the way out of a
// damaged file), and moving a damaged file aside.
import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backupCommand } from '../../src/main/cli/commands/backup'
import { coreClient, coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import {
  latestGoodBackup,
  listBackups,
  restoreBackupOffline,
  setDamagedAside,
  verifyBackupFile,
} from '../../src/main/store/backup'
import { openDb, StoreDamagedError } from '../../src/main/store/db'
import { audioDir, backupsDir, LOCK_FILE, QUARANTINE_DIR } from '../../src/main/store/layout'
import { StoreLockedError } from '../../src/main/store/lock'
import { migrations } from '../../src/main/store/migrations'
import { writeToneWav } from '../helpers/wav'

let dir: string
let dataDir: string
const open: Core[] = []

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-backup-'))
  dataDir = path.join(dir, 'data')
})
afterEach(async () => {
  for (const c of open.splice(0)) await c.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function start(): Core {
  const core = new Core({ dataDir, mode: 'test', workers: 1, log: () => undefined })
  open.push(core)
  return core
}
async function stop(core: Core): Promise<void> {
  open.splice(open.indexOf(core), 1)
  await core.close()
}
function as(core: Core, username: string) {
  const sid = core.openSession()
  core.signInDirect(sid, username)
  return { sid, api: coreClient(core, sid), wire: coreWire(core, sid) }
}
const labels = (core: Core) =>
  (core.db.prepare('SELECT label FROM infants ORDER BY id').all() as { label: string }[]).map((r) => r.label)

async function importTone(core: Core, name: string, freq: number): Promise<number> {
  const nurse = as(core, 'nurse')
  const file = writeToneWav(path.join(dir, name), { seconds: 2, rate: 16000, freq })
  const [g] = core.grantFiles(nurse.sid, [{ path: file }])
  await nurse.api.startImport({ items: [{ grantId: g!.id, newInfantLabel: `Infant ${freq}` }] })
  await core.ctx.jobs.idle()
  return (core.db.prepare('SELECT MAX(id) AS id FROM recordings').get() as { id: number }).id
}

describe('one writer per data folder', () => {
  it('refuses a second core on the same folder with a message naming the holder, and takes over a stale lock', async () => {
    const a = start()
    expect(() => start()).toThrow(StoreLockedError)
    expect(() => start()).toThrow(/in use by another ICLAS \(test, process \d+/)
    await stop(a)
    const b = start()
    await stop(b)
    // A lock left by a process that no longer exists (a crash) is taken over at once.
    fs.writeFileSync(
      path.join(dataDir, LOCK_FILE),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), mode: 'browser', since: 'earlier' }),
    )
    const c = start()
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    await stop(c)
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false)
  })
})

describe('backups', () => {
  it('admins back up on demand: verified, self-contained, audited; others may not', async () => {
    const core = start()
    const admin = as(core, 'admin')
    await admin.api.createInfant({ label: 'Bed 1' })
    const b = await admin.api.createBackup({})
    expect(b.id).toMatch(/-manual$/)
    const file = path.join(backupsDir(dataDir), `${b.id}.db`)
    expect(fs.existsSync(`${file}-wal`)).toBe(false)
    const check = verifyBackupFile(file)
    expect(check).toMatchObject({ ok: true, counts: { infants: 1 } })
    expect(check.schemaVersion).toBe(migrations[migrations.length - 1]!.version)
    expect(await admin.api.listBackups({})).toEqual([expect.objectContaining({ id: b.id, reason: 'manual' })])
    const audit = core.db.prepare("SELECT entity_id FROM audit_log WHERE action = 'store.backup'").all()
    expect(audit).toEqual([{ entity_id: b.id }])
    for (const role of ['nurse', 'clinician', 'researcher']) {
      const r = await as(core, role).wire.createBackup({})
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
  })

  it('keeps the newest backups of each kind', async () => {
    const core = start()
    for (let i = 0; i < 12; i++) await core.backups.run('manual')
    expect(listBackups(dataDir).filter((b) => b.reason === 'manual')).toHaveLength(10)
  })

  it('snapshots an existing file before migrating it', async () => {
    const last = migrations[migrations.length - 1]!.version
    fs.mkdirSync(dataDir, { recursive: true })
    const old = openDb(path.join(dataDir, 'iclas.db'), { migrateTo: last - 1 })
    old.prepare("INSERT INTO infants (label, created_at) VALUES ('Before', '2026-01-01T00:00:00Z')").run()
    old.close()
    const core = start()
    const pre = listBackups(dataDir).filter((b) => b.reason === 'pre-migration')
    expect(pre).toHaveLength(1)
    const check = verifyBackupFile(path.join(backupsDir(dataDir), `${pre[0]!.id}.db`))
    expect(check).toMatchObject({ ok: true, schemaVersion: last - 1, counts: { infants: 1 } })
    expect(labels(core)).toEqual(['Before'])
    // A fresh folder has nothing to protect: no snapshot.
    await stop(core)
    fs.rmSync(dataDir, { recursive: true })
    await stop(start())
    expect(listBackups(dataDir)).toEqual([])
  })
})

describe('restore', () => {
  it('online: the older database comes back, the audit trail survives, newer audio is quarantined and comes back on undo', async () => {
    const core = start()
    const admin = as(core, 'admin')
    await admin.api.createInfant({ label: 'Kept' })
    const first = await importTone(core, 'a.wav', 300)
    const backup = await admin.api.createBackup({})
    await admin.api.createInfant({ label: 'Added later' })
    const later = await importTone(core, 'b.wav', 500)
    const laterAudio = core.recordingAudioFile(later)!
    const firstAudio = core.recordingAudioFile(first)!
    const auditBefore = (core.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n

    const report = await admin.api.restoreBackup({ backupId: backup.id })
    expect(labels(core)).toEqual(['Kept', 'Infant 300'])
    expect(report.audioQuarantined).toBe(1)
    expect(report.audioMissing).toBe(0)
    expect(fs.existsSync(firstAudio)).toBe(true)
    expect(fs.existsSync(laterAudio)).toBe(false)
    const rel = path.relative(audioDir(dataDir), laterAudio)
    expect(fs.existsSync(path.join(dataDir, QUARANTINE_DIR, rel))).toBe(true)
    // Every audit entry written after the backup is still there, plus the restore itself.
    const auditAfter = core.db.prepare('SELECT action, after_json FROM audit_log ORDER BY id').all() as {
      action: string
      after_json: string | null
    }[]
    expect(report.carriedAuditEntries).toBeGreaterThanOrEqual(3)
    expect(auditAfter.length).toBe(auditBefore + 1)
    expect(
      auditAfter.some((a) => a.action === 'infant.create' && a.after_json?.includes('Added later')),
    ).toBe(true)
    expect(auditAfter[auditAfter.length - 1]!.action).toBe('store.restore')
    // Everyone signs in again after a restore.
    expect(await admin.wire.listInfants({})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })

    // Undo: restoring the pre-restore backup brings the later recording and its audio back.
    const admin2 = as(core, 'admin')
    await admin2.api.restoreBackup({ backupId: report.preRestoreBackup })
    expect(labels(core)).toEqual(['Kept', 'Infant 300', 'Added later', 'Infant 500'])
    expect(fs.existsSync(laterAudio)).toBe(true)
    expect(fs.readdirSync(path.join(dataDir, QUARANTINE_DIR, path.dirname(rel)))).toEqual([])
    expect((core.db.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check).toBe(
      'ok',
    )
  })

  it('refuses unknown, malformed and damaged backups, and path-like ids', async () => {
    const core = start()
    const admin = as(core, 'admin')
    const b = await admin.api.createBackup({})
    expect(await admin.wire.restoreBackup({ backupId: '20990101T000000000Z-manual' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    })
    for (const backupId of ['../iclas', '/etc/passwd', `${b.id}/../../iclas`, `${b.id}.db`])
      expect(await admin.wire.restoreBackup({ backupId })).toMatchObject({
        ok: false,
        error: { code: 'invalid_request' },
      })
    const file = path.join(backupsDir(dataDir), `${b.id}.db`)
    corrupt(file)
    const r = await admin.wire.restoreBackup({ backupId: b.id })
    expect(r).toMatchObject({ ok: false, error: { code: 'refused' } })
  })
})

describe('a damaged database', () => {
  it('stops the start with a clear message; the latest good backup restores offline, the damaged file is kept', async () => {
    let core = start()
    const admin = as(core, 'admin')
    await admin.api.createInfant({ label: 'Safe' })
    await admin.api.createBackup({})
    await admin.api.createInfant({ label: 'After backup' })
    await stop(core)
    corrupt(path.join(dataDir, 'iclas.db'))

    let err: unknown
    try {
      start()
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(StoreDamagedError)
    expect((err as Error).message).toMatch(
      /is damaged.*iclas backup restore --latest.*iclas backup set-aside/s,
    )
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false) // a failed start releases the lock

    const good = latestGoodBackup(dataDir)!
    const { keptAs } = restoreBackupOffline(dataDir, good.id)
    expect(fs.existsSync(path.join(dataDir, keptAs!))).toBe(true)
    core = start()
    expect(labels(core)).toEqual(['Safe'])
    await stop(core)
  })

  it('can be moved aside to start empty', async () => {
    await stop(start())
    corrupt(path.join(dataDir, 'iclas.db'))
    expect(() => start()).toThrow(StoreDamagedError)
    const keptAs = setDamagedAside(dataDir)!
    expect(keptAs).toMatch(/^damaged[/\\]iclas-\d{8}T\d{9}Z\.db$/)
    const core = start()
    expect(labels(core)).toEqual([])
    await stop(core)
  })
})

/** Overwrites the b-tree pages after the schema with garbage (after a checkpoint, so no WAL hides it). */
function corrupt(file: string): void {
  const db = new Database(file)
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  const fd = fs.openSync(file, 'r+')
  const size = fs.fstatSync(fd).size
  const junk = Buffer.alloc(Math.min(size - 4096, 4096 * 8), 0xa5)
  fs.writeSync(fd, junk, 0, junk.length, 4096)
  fs.closeSync(fd)
}

describe('ids after a restore (issue 17, item 5)', () => {
  const maxId = (core: Core, t: string) =>
    (core.db.prepare(`SELECT MAX(id) AS m FROM ${t}`).get() as { m: number }).m
  const auditNames = (core: Core, entity: string, id: number) =>
    (
      core.db
        .prepare('SELECT action FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id')
        .all(entity, String(id)) as { action: string }[]
    ).map((r) => r.action)

  it('online: a record made after the backup keeps its id retired; new records never take it', async () => {
    const core = start()
    const admin = as(core, 'admin')
    await importTone(core, 'before.wav', 400)
    const { id: backupId } = await admin.api.createBackup({})
    const recAfter = await importTone(core, 'after.wav', 600) // recording and infant made after the backup
    const infantAfter = maxId(core, 'infants')
    await admin.api.restoreBackup({ backupId })
    expect(maxId(core, 'recordings')).toBeLessThan(recAfter) // the restore took them away
    const recNew = await importTone(core, 'new.wav', 800)
    expect(recNew).toBeGreaterThan(recAfter)
    expect(maxId(core, 'infants')).toBeGreaterThan(infantAfter)
    // The carried-over audit entries of the lost recording name no record of today's.
    expect(auditNames(core, 'recording', recAfter)).toEqual(['recording.import'])
    expect(auditNames(core, 'recording', recNew)).toEqual(['recording.import'])
  })

  it('offline (iclas backup restore): the same', async () => {
    let core = start()
    const admin = as(core, 'admin')
    await importTone(core, 'before.wav', 400)
    const { id: backupId } = await admin.api.createBackup({})
    const recAfter = await importTone(core, 'after.wav', 600)
    await stop(core)
    restoreBackupOffline(dataDir, backupId)
    core = start()
    const recNew = await importTone(core, 'new.wav', 800)
    expect(recNew).toBeGreaterThan(recAfter)
  })
})

describe('CLI backup footguns (issue 17, item 11)', () => {
  const quiet = async <T>(f: () => Promise<T>): Promise<T> => {
    const { log, error } = console
    console.log = console.error = () => undefined
    try {
      return await f()
    } finally {
      console.log = log
      console.error = error
    }
  }
  const cli = (...args: string[]) => quiet(() => backupCommand.run([...args, '--data-dir', dataDir]))

  it('`backup set-aside` refuses a healthy database (nothing moved) unless --force', async () => {
    let core = start()
    await importTone(core, 'a.wav', 400)
    await stop(core)
    expect(await cli('set-aside')).toBe(1)
    core = start()
    expect(labels(core)).toEqual(['Infant 400'])
    await stop(core)
    expect(fs.existsSync(path.join(dataDir, 'damaged'))).toBe(false)
    expect(await cli('set-aside', '--force')).toBe(0)
    core = start()
    expect(labels(core)).toEqual([])
    await stop(core)
  })

  it('an offline `backup restore` keeps the replaced database as a listed pre-restore backup (the undo)', async () => {
    let core = start()
    await importTone(core, 'a.wav', 400)
    const { id: backupId } = await as(core, 'admin').api.createBackup({})
    await importTone(core, 'b.wav', 500)
    await stop(core)
    const before = listBackups(dataDir).filter((b) => b.reason === 'pre-restore').length
    expect(await cli('restore', backupId)).toBe(0)
    const undo = listBackups(dataDir).filter((b) => b.reason === 'pre-restore')
    expect(undo.length).toBe(before + 1)
    core = start()
    expect(labels(core)).toEqual(['Infant 400'])
    await stop(core)
    expect(await cli('restore', undo[0]!.id)).toBe(0)
    core = start()
    expect(labels(core)).toEqual(['Infant 400', 'Infant 500'])
  })

  it("a new ward's first recordings are backed up soon after they land, not at the next 6-hourly tick", async () => {
    const core = new Core({
      dataDir,
      mode: 'test',
      workers: 1,
      log: () => undefined,
      backupEveryMs: 6 * 3600_000,
      backupSoonMs: 50,
    })
    open.push(core)
    const scheduled = () => listBackups(dataDir).filter((b) => b.reason === 'scheduled')
    // The start-up backup catches the new ward empty.
    while (scheduled().length < 1) await new Promise((r) => setTimeout(r, 20))
    await importTone(core, 'a.wav', 400)
    // Progress, not a deadline: wait until a scheduled backup holds the recording (it did only after 6 h).
    const holds = () =>
      scheduled().some(
        (b) => verifyBackupFile(path.join(backupsDir(dataDir), `${b.id}.db`)).counts.recordings > 0,
      )
    for (let i = 0; i < 3000 && !holds(); i++) await new Promise((r) => setTimeout(r, 20))
    expect(holds()).toBe(true)
  })
})
