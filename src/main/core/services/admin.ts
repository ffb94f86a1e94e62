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
import { type Service, service, type ServiceContext } from '../context'
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
): Service<
  | 'listBackups'
  | 'createBackup'
  | 'restoreBackup'
  | 'listAccounts'
  | 'createUser'
  | 'setUserPin'
  | 'setUpPins'
  | 'listAudit'
  | 'exportAudit'
> {
  const { db, dataDir } = ctx
  let restoring = false
  return service({
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
      if (!pin && ctx.pins.required())
        throw new IclasError(
          'refused',
          'PINs are mandatory on this workstation: give the new account its PIN',
        )
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
      if (pin === null && ctx.pins.required())
        throw new IclasError(
          'refused',
          'PINs are mandatory on this workstation (it is not in demo mode): a PIN can be changed, not cleared',
        )
      const pinHash = pin === null ? null : await hashPinAsync(pin)
      const account = db.transaction(() => {
        const before = getAccount(db, userId)
        if (!before) throw new IclasError('not_found', `No user with id ${userId}`)
        setUserPinHash(db, userId, pinHash)
        // A changed PIN ends the tickets that would sign this user's tabs back in after a reload.
        ctx.tickets.revokeUser(userId)
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
    // The first start: every account without a PIN gets one at once, the caller's own included, so no account
    // is left that could be signed in to without a PIN. Accounts that have a PIN keep it (setUserPin changes it).
    setUpPins: async ({ pins }, { user }) => {
      const ids = pins.map((p) => p.userId)
      if (new Set(ids).size !== ids.length)
        throw new IclasError('invalid_request', 'Each account may be named once')
      const check = () => {
        const without = ctx.pins.accountsWithoutPin()
        const known = new Set(listAccounts(db).map((a) => a.id))
        const unknown = ids.filter((id) => !known.has(id))
        if (unknown.length) throw new IclasError('not_found', `No user with id ${unknown.join(', ')}`)
        const already = listAccounts(db).filter((a) => a.hasPin && ids.includes(a.id))
        if (already.length)
          throw new IclasError(
            'conflict',
            `${already.map((a) => a.username).join(', ')} already ha${already.length > 1 ? 've' : 's'} a PIN (change it under Users and PINs)`,
          )
        const missing = without.filter((a) => !ids.includes(a.id))
        if (missing.length)
          throw new IclasError(
            'invalid_request',
            `Set a PIN for every account without one: ${missing.map((a) => a.username).join(', ')} ${missing.length > 1 ? 'have' : 'has'} none`,
            { missing: missing.map((a) => a.id) },
          )
      }
      check()
      // Hashed off the core's thread, one after another, then stored together (checked again: the accounts may
      // have changed meanwhile).
      const hashes = new Map<number, string>()
      for (const p of pins) hashes.set(p.userId, await hashPinAsync(p.pin))
      const accounts = db.transaction(() => {
        check()
        for (const [userId, hash] of hashes) {
          setUserPinHash(db, userId, hash)
          appendAudit(
            db,
            actor(user),
            'user.set_pin',
            'user',
            userId,
            { hasPin: false },
            { hasPin: true, firstStart: true },
          )
        }
        return listAccounts(db)
      })()
      ctx.emit('changed', { entity: 'users' })
      return accounts
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
  })
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
