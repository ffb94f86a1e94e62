// `iclas backup create|list|verify|restore|set-aside`: backups of the workstation database from the command
// line, and the way out of a damaged database. `create`, `list` and `verify` work while the workstation runs
// (a read-only connection and SQLite's backup API); `restore` and `set-aside` need it closed (the data-folder
// lock says so) and keep the file they replace.
import os from 'node:os'
import { parseArgs } from 'node:util'
import { HealthyDatabaseError, restoreOffline, setAsideOffline } from '../../core/offline-repair'
import type { Actor } from '../../store/audit'
import { backupFile, createBackup, listBackups, verifyBackupFile } from '../../store/backup'
import { openDb } from '../../store/db'
import { backupsDir, dataFile, dbFile } from '../../store/layout'
import type { CliCommand } from '../command'
import { UsageError } from '../command'
import { resolveDataDir } from '../data-dir'

const USAGE = `usage: iclas backup <action> [--data-dir DIR]

  create              back up the database now (works while the workstation runs)
  list                list backups, newest first (--verify: run the integrity check on each)
  verify ID           full integrity check of one backup
  restore ID|--latest restore a backup (the workstation must be closed; the current file is kept in replaced/
                      and, when readable, as a listed pre-restore backup: restore that one to undo)
  set-aside           move a damaged database to damaged/ so the next start begins empty (audio is kept);
                      refused for a database that passes its integrity check unless --force

Backups live in <data folder>/backups/ and cover the database; audio working copies are kept in audio/
and are never rewritten (see README, "Privacy and security").`

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'Back up, list, verify or restore the workstation database',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        db: { type: 'string' },
        latest: { type: 'boolean' },
        verify: { type: 'boolean' },
        force: { type: 'boolean' },
      },
    })
    const [action, id] = positionals
    const dataDir = resolveDataDir(values['data-dir'] ?? values.db)
    const cli: Actor = { userId: null, username: `cli:${os.userInfo().username}`, role: 'system' }
    switch (action) {
      case 'create': {
        const db = openDb(dbFile(dataDir), { readonly: true })
        try {
          const b = await createBackup(db, dataDir, 'manual')
          console.log(`backup ${b.id} (${(b.sizeBytes / 1e6).toFixed(1)} MB) in ${backupsDir(dataDir)}`)
        } finally {
          db.close()
        }
        return 0
      }
      case 'list': {
        const all = listBackups(dataDir)
        if (!all.length) console.log(`no backups in ${backupsDir(dataDir)}`)
        for (const b of all) {
          const check = values.verify ? verifyBackupFile(backupFile(dataDir, b.id)) : null
          const verdict = check
            ? check.ok
              ? '  ok'
              : `  DAMAGED: ${check.problems.slice(0, 2).join('; ')}`
            : ''
          console.log(`${b.id}  ${(b.sizeBytes / 1e6).toFixed(1).padStart(8)} MB${verdict}`)
        }
        return 0
      }
      case 'verify': {
        if (!id) throw new UsageError('name the backup to verify (see `iclas backup list`)')
        const check = verifyBackupFile(backupFile(dataDir, id))
        console.log(
          check.ok
            ? `${id}: ok (schema ${check.schemaVersion}; ${check.counts.infants} infants, ${check.counts.recordings} recordings, ${check.counts.cries} cries, ${check.counts.auditEntries} audit entries)`
            : `${id}: DAMAGED — ${check.problems.join('; ')}`,
        )
        return check.ok ? 0 : 1
      }
      case 'restore': {
        if (!values.latest && !id) throw new UsageError('name a backup or use --latest')
        const r = restoreOffline(dataDir, cli, values.latest ? undefined : id)
        console.log(
          `restored ${r.restored}${r.keptAs ? `; the replaced database is kept as ${r.keptAs}` : ''}`,
        )
        if (r.preRestoreBackup)
          console.log(`  undo: iclas backup restore ${r.preRestoreBackup} (the state before this restore)`)
        console.log(
          `  ${r.check.counts.infants} infants, ${r.check.counts.recordings} recordings, ${r.check.counts.cries} cries; ` +
            `${r.carriedAuditEntries} newer audit entries carried over`,
        )
        if (r.audioQuarantined)
          console.log(
            `  ${r.audioQuarantined} audio file(s) of recordings newer than the backup kept in audio-quarantine/`,
          )
        if (r.audioMissing) console.log(`  ${r.audioMissing} recording(s) have no audio file`)
        return 0
      }
      case 'set-aside': {
        let keptAs: string | null
        try {
          keptAs = setAsideOffline(dataDir, cli, { force: values.force })
        } catch (err) {
          if (!(err instanceof HealthyDatabaseError)) throw err
          console.error(`iclas backup set-aside: ${err.message}`)
          return 1
        }
        console.log(
          keptAs
            ? `moved the database to ${dataFile(dataDir, keptAs)}; the workstation now starts with an empty one (audio is kept)`
            : `no database in ${dataDir}; started an empty one`,
        )
        return 0
      }
      default:
        throw new UsageError(action ? `unknown action "${action}"` : 'choose an action')
    }
  },
}
