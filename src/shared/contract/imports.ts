import { z } from 'zod'
import { Id, IMPORTERS, IsoTime, method, STAFF } from './define'
import { TimeSource } from './recordings'

/** A file the user chose (desktop file dialog or browser upload). The renderer never names a path itself. */
export const FileGrant = z.object({
  id: z.string().regex(/^g_[A-Za-z0-9_-]{8,64}$/),
  name: z.string(),
  size: z.number().int().nonnegative(),
  /** Path relative to the folder the user chose, when a folder was chosen ("Baby A/rec1.wav"). */
  relativePath: z.string().nullable(),
})
export type FileGrant = z.infer<typeof FileGrant>

export const InfantRule = z.enum(['dialog', 'folder', 'filename'])
export type InfantRule = z.infer<typeof InfantRule>

export const ImportPreviewItem = z.object({
  grantId: FileGrant.shape.id,
  name: z.string(),
  relativePath: z.string().nullable(),
  format: z.string().nullable(),
  durationS: z.number().nullable(),
  nativeSampleRate: z.number().nullable(),
  channels: z.number().nullable(),
  recordedAt: IsoTime.nullable(),
  timeSource: TimeSource.nullable(),
  /** Existing infant the rule picked, or a label for a new one. */
  infantId: Id.nullable(),
  newInfantLabel: z.string().nullable(),
  duplicateOfRecordingId: Id.nullable(),
  problem: z.string().nullable(),
})
export type ImportPreviewItem = z.infer<typeof ImportPreviewItem>

export const ImportItem = z
  .object({
    grantId: FileGrant.shape.id,
    infantId: Id.optional(),
    newInfantLabel: z.string().trim().min(1).max(120).optional(),
    recordedAt: IsoTime.optional(),
  })
  .strict()
  .refine((v) => (v.infantId === undefined) !== (v.newInfantLabel === undefined), {
    message: 'each file needs exactly one of infantId or newInfantLabel',
  })
export type ImportItem = z.infer<typeof ImportItem>

export const FileOutcome = z.object({
  name: z.string(),
  status: z.enum(['imported', 'duplicate', 'refused', 'cancelled', 'pending']),
  recordingId: Id.nullable(),
  cries: z.number().int().nonnegative().nullable(),
  reason: z.string().nullable(),
})
export type FileOutcome = z.infer<typeof FileOutcome>

export const JobKind = z.enum(['import', 'fit', 'eval', 'demo', 'rescore', 'backup'])
export const JobState = z.enum(['queued', 'running', 'done', 'failed', 'cancelled'])

export const Job = z.object({
  id: z.string(),
  kind: JobKind,
  state: JobState,
  title: z.string(),
  startedAt: IsoTime,
  finishedAt: IsoTime.nullable(),
  progress: z.number().min(0).max(1),
  message: z.string().nullable(),
  etaS: z.number().nullable(),
  files: z.array(FileOutcome),
  error: z.string().nullable(),
  result: z.unknown().optional(),
})
export type Job = z.infer<typeof Job>

export const importMethods = {
  previewImport: method({
    summary:
      'Probe chosen files: format, duration, time and its source, infant by rule, duplicates, problems',
    access: IMPORTERS,
    request: z
      .object({
        grantIds: z.array(FileGrant.shape.id).min(1).max(10_000),
        rule: InfantRule.default('dialog'),
        infantId: Id.optional(),
        /** Regex with one capture group applied to the file name, for rule 'filename'. */
        namePattern: z.string().max(200).optional(),
      })
      .strict(),
    response: z.array(ImportPreviewItem),
  }),
  startImport: method({
    summary: 'Import files as a background job',
    access: IMPORTERS,
    request: z.object({ items: z.array(ImportItem).min(1).max(10_000) }).strict(),
    response: z.object({ jobId: z.string() }),
  }),
  cancelJob: method({
    summary: 'Cancel a running job',
    access: STAFF,
    request: z.object({ jobId: z.string().max(64) }).strict(),
    response: z.object({ ok: z.boolean() }),
  }),
  getJob: method({
    summary: 'A job and its report',
    access: STAFF,
    request: z.object({ jobId: z.string().max(64) }).strict(),
    response: Job,
  }),
  listJobs: method({
    summary: 'Recent jobs',
    access: STAFF,
    request: z.object({}).strict(),
    response: z.array(Job),
  }),
}
