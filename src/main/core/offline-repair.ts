// The way out of a damaged database, with no core running: restore the newest good backup, or move the
// damaged file aside and start empty. Shared by the CLI (`iclas backup restore|set-aside`), the browser-mode
// recovery page and the desktop app's start-up dialog. Holds the data-folder lock while it works; the file
// it replaces is always kept; the outcome is written to the audit log of the database that results.
import fs from 'node:fs'
import { appendAudit, type Actor } from '../store/audit'
import {
  carryOverAudit,
  latestGoodBackup,
  readAuditRows,
  restoreBackupOffline,
  setDamagedAside,
  snapshotSync,
  type BackupCheck,
} from '../store/backup'
import { openDb } from '../store/db'
import { backupsDir, dbFile } from '../store/layout'
import { lockDataDir } from '../store/lock'
import { allAudioPaths } from '../store/recordings'
import { recoverAudio } from './audio-recovery'

export interface DamageReport {
  problem: string
  /** The newest backup that passes its integrity check, if any. */
  latestGood: { id: string; createdAt: string; counts: BackupCheck['counts'] } | null
}

export function describeDamage(dataDir: string, problem: string): DamageReport {
  const b = latestGoodBackup(dataDir)
  return { problem, latestGood: b ? { id: b.id, createdAt: b.createdAt, counts: b.check.counts } : null }
}

export interface OfflineRestoreReport {
  restored: string
  keptAs: string | null
  /** The listed backup of the database the restore replaced (null when it could not be read). */
  preRestoreBackup: string | null
  check: BackupCheck
  carriedAuditEntries: number
  audioQuarantined: number
  audioMissing: number
}

/** Restores a backup (default: the newest good one) with the store closed. */
export function restoreOffline(dataDir: string, who: Actor, id?: string): OfflineRestoreReport {
  const chosen = id ?? latestGoodBackup(dataDir)?.id
  if (!chosen) throw new Error(`There is no good backup in ${backupsDir(dataDir)}`)
  const lock = lockDataDir(dataDir, 'restore')
  try {
    // The audit entries written since the backup survive when the current file can still be read.
    const since = readAuditRows(dbFile(dataDir))
    // The undo the README promises: a readable current database becomes a listed pre-restore backup (as an
    // online restore makes), beside the copy in replaced/.
    const undo = preRestoreBackup(dataDir)
    const { check, keptAs } = restoreBackupOffline(dataDir, chosen)
    const db = openDb(dbFile(dataDir), {
      beforeMigrate: (d) => void snapshotSync(d, dataDir, 'pre-migration'),
    })
    try {
      const carried = carryOverAudit(db, since)
      const audio = recoverAudio(dataDir, allAudioPaths(db))
      appendAudit(
        db,
        who,
        'store.restore',
        'backup',
        chosen,
        keptAs || undo ? { keptAs, preRestoreBackup: undo } : null,
        {
          restored: chosen,
          schemaVersion: check.schemaVersion,
          counts: check.counts,
          carriedAuditEntries: carried,
          audioQuarantined: audio.quarantined,
          audioMissing: audio.missing,
        },
      )
      return {
        restored: chosen,
        keptAs,
        preRestoreBackup: undo,
        check,
        carriedAuditEntries: carried,
        audioQuarantined: audio.quarantined,
        audioMissing: audio.missing,
      }
    } finally {
      db.close()
    }
  } finally {
    lock.release()
  }
}

/** A verified pre-restore backup of the current database, or null when there is none or it is damaged. */
function preRestoreBackup(dataDir: string): string | null {
  const file = dbFile(dataDir)
  if (!fs.existsSync(file)) return null
  let db: ReturnType<typeof openDb> | null = null
  try {
    db = openDb(file, { readonly: true })
    return snapshotSync(db, dataDir, 'pre-restore').id
  } catch {
    return null // damaged: replaced/ keeps its copy
  } finally {
    db?.close()
  }
}

/** Whether the data folder's database is damaged (or unreadable): what set-aside is for. */
export function databaseDamaged(dataDir: string): boolean {
  const file = dbFile(dataDir)
  if (!fs.existsSync(file)) return false
  try {
    openDb(file, { readonly: true }).close() // runs the integrity check
    return false
  } catch {
    return true
  }
}

export class HealthyDatabaseError extends Error {
  constructor(dataDir: string) {
    super(
      `The database in ${dataDir} is not damaged (it passes its integrity check): set-aside is the way out of a ` +
        'damaged file and would start the workstation empty. Nothing was moved. To restore an older state use ' +
        '`iclas backup restore`; to move a healthy database aside anyway, add --force.',
    )
    this.name = 'HealthyDatabaseError'
  }
}

/**
 * Moves the damaged file aside; the new, empty database records where the old one went. A database that
 * passes its integrity check is refused unless `force` (the CLI's --force): a healthy ward is never emptied
 * by a slip.
 */
export function setAsideOffline(dataDir: string, who: Actor, opts: { force?: boolean } = {}): string | null {
  const lock = lockDataDir(dataDir, 'set-aside')
  try {
    if (!opts.force && fs.existsSync(dbFile(dataDir)) && !databaseDamaged(dataDir))
      throw new HealthyDatabaseError(dataDir)
    const keptAs = setDamagedAside(dataDir)
    const db = openDb(dbFile(dataDir))
    try {
      appendAudit(db, who, 'store.set_aside', 'database', null, null, { keptAs })
    } finally {
      db.close()
    }
    return keptAs
  } finally {
    lock.release()
  }
}
