// The way out of a damaged database, with no core running: restore the newest good backup, or move the
// damaged file aside and start empty. Shared by the CLI (`iclas backup restore|set-aside`), the browser-mode
// recovery page and the desktop app's start-up dialog. Holds the data-folder lock while it works; the file
// it replaces is always kept; the outcome is written to the audit log of the database that results.
import path from 'node:path'
import { appendAudit, type Actor } from '../store/audit'
import {
  carryOverAudit,
  DB_FILE,
  latestGoodBackup,
  readAuditRows,
  restoreBackupOffline,
  setDamagedAside,
  snapshotSync,
  type BackupCheck,
} from '../store/backup'
import { openDb } from '../store/db'
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
  check: BackupCheck
  carriedAuditEntries: number
  audioQuarantined: number
  audioMissing: number
}

/** Restores a backup (default: the newest good one) with the store closed. */
export function restoreOffline(dataDir: string, who: Actor, id?: string): OfflineRestoreReport {
  const chosen = id ?? latestGoodBackup(dataDir)?.id
  if (!chosen) throw new Error(`There is no good backup in ${path.join(dataDir, 'backups')}`)
  const lock = lockDataDir(dataDir, 'restore')
  try {
    // The audit entries written since the backup survive when the current file can still be read.
    const since = readAuditRows(path.join(dataDir, DB_FILE))
    const { check, keptAs } = restoreBackupOffline(dataDir, chosen)
    const db = openDb(path.join(dataDir, DB_FILE), {
      beforeMigrate: (d) => void snapshotSync(d, dataDir, 'pre-migration'),
    })
    try {
      const carried = carryOverAudit(db, since)
      const audio = recoverAudio(dataDir, allAudioPaths(db))
      appendAudit(db, who, 'store.restore', 'backup', chosen, keptAs ? { keptAs } : null, {
        restored: chosen,
        schemaVersion: check.schemaVersion,
        counts: check.counts,
        carriedAuditEntries: carried,
        audioQuarantined: audio.quarantined,
        audioMissing: audio.missing,
      })
      return {
        restored: chosen,
        keptAs,
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

/** Moves the damaged file aside; the new, empty database records where the old one went. */
export function setAsideOffline(dataDir: string, who: Actor): string | null {
  const lock = lockDataDir(dataDir, 'set-aside')
  try {
    const keptAs = setDamagedAside(dataDir)
    const db = openDb(path.join(dataDir, DB_FILE))
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
