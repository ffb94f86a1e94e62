// Administration: backups of the store, user accounts and PINs, and the audit log (view and export).
// Backups are named by id (a timestamp and a reason), never by path; PINs never leave the core.
import { z } from 'zod'
import { Empty, Id, IsoTime, method, Role, type Role as RoleT } from './define'
import { User } from './session'

const ADMIN: readonly RoleT[] = ['admin']
/** Who may read and export the audit log. Nurses see their own actions in the UI, not the whole log. */
export const AUDIT_READERS: readonly RoleT[] = ['clinician', 'researcher', 'admin']

export const BackupReason = z.enum(['manual', 'scheduled', 'pre-migration', 'pre-restore'])
export const BackupId = z
  .string()
  .regex(/^\d{8}T\d{9}Z-(manual|scheduled|pre-migration|pre-restore)$/, 'not a backup id')
export const Backup = z.object({
  id: BackupId,
  reason: BackupReason,
  createdAt: IsoTime,
  sizeBytes: z.number().int().nonnegative(),
})
export type Backup = z.infer<typeof Backup>

export const RestoreReport = z.object({
  restored: Backup,
  schemaVersion: z.number().int(),
  counts: z.object({
    infants: z.number().int(),
    recordings: z.number().int(),
    cries: z.number().int(),
    auditEntries: z.number().int(),
  }),
  /** The backup made of the current state just before restoring (undo). */
  preRestoreBackup: BackupId,
  /** Audit entries written after the backup was taken, appended again to the restored log. */
  carriedAuditEntries: z.number().int(),
  /** Audio of recordings the restored database does not know, kept in audio-quarantine/. */
  audioQuarantined: z.number().int(),
  audioMissing: z.number().int(),
})
export type RestoreReport = z.infer<typeof RestoreReport>

export const Account = User.extend({ hasPin: z.boolean(), createdAt: IsoTime })
export type Account = z.infer<typeof Account>

/** A PIN is 4–12 digits. */
export const Pin = z.string().regex(/^\d{4,12}$/, 'a PIN is 4 to 12 digits')

export const AuditEntry = z.object({
  id: Id,
  at: z.string(),
  userId: z.number().int().nullable(),
  username: z.string(),
  role: z.string(),
  action: z.string(),
  entity: z.string().nullable(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
})
export type AuditEntry = z.infer<typeof AuditEntry>

export const AuditFilter = z
  .object({
    action: z.string().max(80).optional(),
    /** Matches actions starting with this ("recording." → every recording action). */
    actionPrefix: z.string().max(80).optional(),
    entity: z.string().max(40).optional(),
    entityId: z.string().max(40).optional(),
    username: z.string().max(64).optional(),
    since: IsoTime.optional(),
    until: IsoTime.optional(),
  })
  .strict()
export type AuditFilter = z.infer<typeof AuditFilter>

export const adminMethods = {
  listBackups: method({
    summary: 'List backups of the database',
    access: ADMIN,
    request: Empty,
    response: z.array(Backup),
  }),
  createBackup: method({
    summary: 'Back up the database now',
    access: ADMIN,
    request: Empty,
    response: Backup,
  }),
  restoreBackup: method({
    summary: 'Restore the database from a backup (everyone is signed out)',
    access: ADMIN,
    request: z.object({ backupId: BackupId }).strict(),
    response: RestoreReport,
  }),
  listAccounts: method({
    summary: 'List user accounts',
    access: ADMIN,
    beforePins: true,
    request: Empty,
    response: z.array(Account),
  }),
  createUser: method({
    summary: 'Create a user account (a PIN is required outside demo mode)',
    access: ADMIN,
    request: z
      .object({
        username: z
          .string()
          .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, '2–32 lower-case letters, digits, dot, dash, underscore'),
        displayName: z.string().trim().min(1).max(80),
        role: Role,
        pin: Pin.optional(),
      })
      .strict(),
    response: Account,
  }),
  setUserPin: method({
    summary: "Set a user's PIN, or clear it (demo mode only)",
    access: ADMIN,
    request: z.object({ userId: Id, pin: Pin.nullable() }).strict(),
    response: Account,
  }),
  setUpPins: method({
    summary: 'Set the PINs of every account without one, your own included (the first start)',
    access: ADMIN,
    beforePins: true,
    request: z
      .object({
        pins: z
          .array(z.object({ userId: Id, pin: Pin }).strict())
          .min(1)
          .max(200),
      })
      .strict(),
    response: z.array(Account),
  }),
  listAudit: method({
    summary: 'Read the audit log, newest first',
    access: AUDIT_READERS,
    request: z
      .object({
        filter: AuditFilter.default({}),
        /** Page backwards: entries with an id below this. */
        beforeId: Id.optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    response: z.object({ entries: z.array(AuditEntry), nextBeforeId: Id.nullable() }),
  }),
  exportAudit: method({
    summary: 'Export the audit log as CSV',
    access: AUDIT_READERS,
    request: z.object({ filter: AuditFilter.default({}) }).strict(),
    response: z.object({
      fileName: z.string(),
      csv: z.string(),
      rows: z.number().int(),
      truncated: z.boolean(),
    }),
  }),
}
