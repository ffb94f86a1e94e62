// Administration: backups (create, list, restore), user accounts and PINs, the audit log (view, export).
// Every change is audited; PINs and their hashes never appear in an answer or in the audit log.
import type { AuditEntry, Backup } from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { appendAudit, queryAudit } from '../../store/audit'
import {
  backupFile,
  BackupDamagedError,
  createBackup,
  listBackups,
  restoreBackupOnline,
  verifyBackupFile,
} from '../../store/backup'
import {
  findUser,
  getAccount,
  hashPinAsync,
  insertUser,
  listAccounts,
  setUserPinHash,
} from '../../store/users'
import type { BackupScheduler } from '../backups'
import type { AudioRecoveryReport } from '../audio-recovery'
import type { Handlers, ServiceContext } from '../context'
import { actor } from './actor'
import fs from 'node:fs'

export interface AdminHooks {
  backups: BackupScheduler
  /** After a restore: sign every session out and reconcile the audio folder with the restored database. */
  afterRestore(): AudioRecoveryReport
}

/** The most rows one CSV export holds (about 50 MB of text); the answer says when it was cut. */
export const EXPORT_MAX_ROWS = 100_000

export function adminService(
  ctx: ServiceContext,
  hooks: AdminHooks,
): Pick<
  Handlers,
  | 'listBackups'
  | 'createBackup'
  | 'restoreBackup'
  | 'listAccounts'
  | 'createUser'
  | 'setUserPin'
  | 'listAudit'
  | 'exportAudit'
> {
  const { db, dataDir } = ctx
  let restoring = false
  return {
    listBackups: () => listBackups(dataDir) as Backup[],
    createBackup: async (_p, { user }) => {
      if (restoring) throw new IclasError('conflict', 'A restore is in progress')
      const b = await hooks.backups.run('manual')
      appendAudit(db, actor(user), 'store.backup', 'backup', b.id, null, { id: b.id, sizeBytes: b.sizeBytes })
      return b as Backup
    },
    restoreBackup: async ({ backupId }, { user }) => {
      if (restoring) throw new IclasError('conflict', 'A restore is already in progress')
      if (ctx.jobs.list().some((j) => j.state === 'running' || j.state === 'queued'))
        throw new IclasError(
          'conflict',
          'Wait for the running jobs to finish (or cancel them) before restoring',
        )
      const info = listBackups(dataDir).find((b) => b.id === backupId)
      if (!info || !fs.existsSync(backupFile(dataDir, backupId)))
        throw new IclasError('not_found', `No backup ${backupId}`)
      const check = verifyBackupFile(backupFile(dataDir, backupId))
      if (!check.ok)
        throw new IclasError(
          'refused',
          `Backup ${backupId} is damaged (${check.problems.slice(0, 3).join('; ')})`,
        )
      restoring = true
      try {
        return await hooks.backups.exclusive(async () => {
          // Undo: the state being replaced is itself kept as a backup.
          const pre = await createBackup(db, dataDir, 'pre-restore')
          let carried: number
          try {
            carried = (await restoreBackupOnline(db, dataDir, backupId)).carriedAudit
          } catch (err) {
            if (err instanceof BackupDamagedError) throw new IclasError('refused', err.message)
            throw err
          }
          const audio = hooks.afterRestore()
          appendAudit(
            db,
            actor(user),
            'store.restore',
            'backup',
            backupId,
            { preRestoreBackup: pre.id },
            {
              restored: backupId,
              schemaVersion: check.schemaVersion,
              counts: check.counts,
              carriedAuditEntries: carried,
              audioQuarantined: audio.quarantined,
              audioMissing: audio.missing,
            },
          )
          for (const entity of [
            'infants',
            'recordings',
            'cries',
            'models',
            'alerts',
            'settings',
            'reviews',
            'users',
          ] as const)
            ctx.emit('changed', { entity })
          return {
            restored: info as Backup,
            schemaVersion: check.schemaVersion,
            counts: check.counts,
            preRestoreBackup: pre.id,
            carriedAuditEntries: carried,
            audioQuarantined: audio.quarantined,
            audioMissing: audio.missing,
          }
        })
      } finally {
        restoring = false
      }
    },
    listAccounts: () => listAccounts(db),
    createUser: async ({ username, displayName, role, pin }, { user }) => {
      // The PIN is hashed off the core's thread, before the transaction.
      const pinHash = pin ? await hashPinAsync(pin) : null
      const account = db.transaction(() => {
        if (findUser(db, username)) throw new IclasError('conflict', `A user "${username}" already exists`)
        const u = insertUser(db, { username, displayName, role, pinHash })
        appendAudit(db, actor(user), 'user.create', 'user', u.id, null, {
          username,
          displayName,
          role,
          hasPin: pin !== undefined,
        })
        return getAccount(db, u.id)!
      })()
      ctx.emit('changed', { entity: 'users' })
      return account
    },
    setUserPin: async ({ userId, pin }, { user }) => {
      const pinHash = pin === null ? null : await hashPinAsync(pin)
      const account = db.transaction(() => {
        const before = getAccount(db, userId)
        if (!before) throw new IclasError('not_found', `No user with id ${userId}`)
        setUserPinHash(db, userId, pinHash)
        appendAudit(
          db,
          actor(user),
          pin === null ? 'user.clear_pin' : 'user.set_pin',
          'user',
          userId,
          { hasPin: before.hasPin },
          { hasPin: pin !== null },
        )
        return getAccount(db, userId)!
      })()
      ctx.emit('changed', { entity: 'users' })
      return account
    },
    listAudit: ({ filter, beforeId, limit }) => {
      const entries = queryAudit(db, filter, { beforeId, limit: limit + 1 })
      const more = entries.length > limit
      const page = entries.slice(0, limit)
      return { entries: page, nextBeforeId: more ? page[page.length - 1]!.id : null }
    },
    exportAudit: ({ filter }, { user }) => {
      const entries = queryAudit(db, filter, { limit: EXPORT_MAX_ROWS + 1 })
      const truncated = entries.length > EXPORT_MAX_ROWS
      const rows = entries.slice(0, EXPORT_MAX_ROWS)
      // Exports are explicit user actions, and leave a trace.
      appendAudit(db, actor(user), 'audit.export', 'audit_log', null, null, {
        filter,
        rows: rows.length,
        truncated,
      })
      return {
        fileName: `iclas-audit-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`,
        csv: auditCsv(rows),
        rows: rows.length,
        truncated,
      }
    },
  }
}

const CSV_COLUMNS = [
  'id',
  'at',
  'username',
  'role',
  'action',
  'entity',
  'entity_id',
  'before',
  'after',
] as const

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function auditCsv(entries: AuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const e of entries) {
    lines.push(
      [
        e.id,
        e.at,
        e.username,
        e.role,
        e.action,
        e.entity ?? '',
        e.entityId ?? '',
        e.before === null || e.before === undefined ? '' : JSON.stringify(e.before),
        e.after === null || e.after === undefined ? '' : JSON.stringify(e.after),
      ]
        .map((v) => csvCell(String(v)))
        .join(','),
    )
  }
  return lines.join('\r\n') + '\r\n'
}

function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
