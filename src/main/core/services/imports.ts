// Stage 0 as a job: preview chosen files, then import them one transaction per recording. Idempotent by
// content hash; bad files are refused with a plain reason and never stop the batch; cancellable; resumable.
import fs from 'node:fs'
import type { FileOutcome, ImportPreviewItem, InfantRule, TimeSource } from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { probeAudio } from '../../engine/audio/decode'
import { hashFile } from '../../engine/audio/hash'
import { chooseRecordingTime, parseFileName } from '../../engine/audio/recording-time'
import { AudioRefusal } from '../../engine/audio/refusal'
import { appendAudit, type Actor } from '../../store/audit'
import { insertCries } from '../../store/cries'
import { findInfantByExternalId, findInfantByLabel, getInfant, insertInfant } from '../../store/infants'
import {
  audioRelPath,
  audioShardDir,
  dataFile,
  highRateAudioRelPath,
  partialAudioFile,
} from '../../store/layout'
import { findRecordingByHash, insertRecording } from '../../store/recordings'
import { TaskError } from '../../workers/pool'
import { type Service, service, type ServiceContext } from '../context'
import type { JobHandle } from '../jobs'
import { mayCancelJob, mayReadJob } from '../job-access'
import { matchNames } from '../name-pattern'
import { actor } from './actor'

/** What a durable import job stores per file: enough to redo it after a crash. */
export interface ImportJobItem {
  path: string
  name: string
  relativePath: string | null
  infantId?: number
  newInfantLabel?: string
  recordedAt?: string
  ownedCopy: boolean
}

const HASH_IN_PREVIEW_MAX_BYTES = 256 * 1024 * 1024

export function importService(
  ctx: ServiceContext,
): Service<'previewImport' | 'startImport' | 'cancelJob' | 'getJob' | 'listJobs'> {
  const { db, grants, jobs } = ctx
  return service({
    previewImport: async ({ grantIds, rule, infantId, namePattern }, { session }) => {
      if (infantId !== undefined && !getInfant(db, infantId))
        throw new IclasError('not_found', `No infant with id ${infantId}`)
      const chosen = grantIds.map((id) => {
        const g = grants.resolve(id, session.id)
        if (!g) throw new IclasError('not_found', `Unknown or expired file ${id}: choose the files again`)
        return g
      })
      // A user's pattern runs off the core's thread with a time bound (name-pattern.ts), never here.
      const keys =
        rule === 'filename' && namePattern
          ? await matchNames(
              namePattern,
              chosen.map((g) => g.name),
            )
          : null
      const out: ImportPreviewItem[] = []
      for (let i = 0; i < chosen.length; i++)
        out.push(await previewOne(chosen[i]!, rule, infantId, keys ? { key: keys[i] ?? null } : null))
      return out
    },
    startImport: ({ items }, { session, user }) => {
      const jobItems: ImportJobItem[] = items.map((it) => {
        const g = grants.resolve(it.grantId, session.id)
        if (!g)
          throw new IclasError('not_found', `Unknown or expired file ${it.grantId}: choose the files again`)
        if (it.infantId !== undefined && !getInfant(db, it.infantId))
          throw new IclasError('not_found', `No infant with id ${it.infantId}`)
        return {
          path: g.path,
          name: g.name,
          relativePath: g.relativePath,
          infantId: it.infantId,
          newInfantLabel: it.newInfantLabel,
          recordedAt: it.recordedAt,
          ownedCopy: g.ownedCopy,
        }
      })
      // One import job per file set: the same files again while they are being imported (a re-run after a
      // crash, whose job was resumed at start) join that job instead of racing it; a set that overlaps a
      // running import is refused, naming it. (Copies with other paths meet in importOne by content hash.)
      const paths = new Set(jobItems.map((it) => it.path))
      for (const run of jobs.running('import')) {
        const theirs = new Set(
          ((run.params as { items?: ImportJobItem[] })?.items ?? []).map((it) => it.path),
        )
        const overlap = [...paths].filter((p) => theirs.has(p)).length
        if (overlap === 0) continue
        if (overlap === paths.size && overlap === theirs.size) return { jobId: run.id }
        throw new IclasError(
          'conflict',
          `${overlap} of these files are being imported by job ${run.id}: wait for it to finish, then import the rest`,
        )
      }
      const title = `Import ${jobItems.length} file${jobItems.length === 1 ? '' : 's'}`
      const jobId = jobs.start('import', title, { items: jobItems }, user.username, (h) =>
        runImport(ctx, jobItems, actor(user), h),
      )
      return { jobId }
    },
    // Who may cancel or read a job depends on its kind (job-access.ts); every cancel is audited.
    cancelJob: ({ jobId }, { user }) => {
      const j = jobs.get(jobId)
      if (!j || !mayReadJob(j.kind, user.role)) throw new IclasError('not_found', `No job ${jobId}`)
      if (!mayCancelJob(j.kind, user))
        throw new IclasError('forbidden', `A ${user.role} may not cancel a job of kind ${j.kind}`)
      const ok = jobs.cancel(jobId)
      if (ok)
        appendAudit(db, actor(user), 'job.cancel', 'job', jobId, { state: j.state }, { state: 'cancelled' })
      return { ok }
    },
    getJob: ({ jobId }, { user }) => {
      const j = jobs.get(jobId)
      if (!j || !mayReadJob(j.kind, user.role)) throw new IclasError('not_found', `No job ${jobId}`)
      return j
    },
    listJobs: (_p, { user }) => jobs.list().filter((j) => mayReadJob(j.kind, user.role)),
  })

  async function previewOne(
    g: { id: string; name: string; relativePath: string | null; path: string; size: number },
    rule: InfantRule,
    infantId: number | undefined,
    pattern: { key: string | null } | null,
  ): Promise<ImportPreviewItem> {
    const item: ImportPreviewItem = {
      grantId: g.id,
      name: g.name,
      relativePath: g.relativePath,
      format: null,
      durationS: null,
      nativeSampleRate: null,
      channels: null,
      recordedAt: null,
      timeSource: null,
      infantId: null,
      newInfantLabel: null,
      duplicateOfRecordingId: null,
      problem: null,
    }
    try {
      const probe = await probeAudio(g.path)
      Object.assign(item, {
        format: probe.format,
        durationS: probe.durationS,
        nativeSampleRate: probe.sampleRate,
        channels: probe.channels,
      })
      const t = chooseRecordingTime(g.name, probe, fs.statSync(g.path).mtime)
      item.recordedAt = t.recordedAt.toISOString()
      item.timeSource = t.source
      if (g.size <= HASH_IN_PREVIEW_MAX_BYTES) {
        const dup = findRecordingByHash(db, await hashFile(g.path))
        if (dup) item.duplicateOfRecordingId = dup.id
      }
    } catch (err) {
      item.problem =
        err instanceof AudioRefusal ? err.message : `cannot read the file (${(err as Error).message})`
    }
    Object.assign(item, assignInfant(g, rule, infantId, pattern))
    if (!item.problem && item.infantId === null && item.newInfantLabel === null) {
      item.problem =
        rule === 'dialog'
          ? 'choose the infant for this file'
          : `the ${rule} rule found no infant for this file`
    }
    return item
  }

  function assignInfant(
    g: { name: string; relativePath: string | null },
    rule: InfantRule,
    infantId: number | undefined,
    pattern: { key: string | null } | null,
  ): { infantId: number | null; newInfantLabel: string | null } {
    let key: string | null = null
    if (rule === 'folder') {
      const parts = (g.relativePath ?? '').split('/').filter(Boolean)
      // "Ward/Baby A/rec.wav" chosen as folder "Ward": the infant folder is the one holding the file.
      key = parts.length >= 2 ? parts[parts.length - 2]! : null
    } else if (rule === 'filename') {
      key = pattern ? pattern.key : parseFileName(g.name).dacInfantId
    }
    if (key) {
      const existing = findInfantByExternalId(db, key) ?? findInfantByLabel(db, key)
      return existing
        ? { infantId: existing.id, newInfantLabel: null }
        : { infantId: null, newInfantLabel: key }
    }
    return { infantId: infantId ?? null, newInfantLabel: null }
  }
}

/** Runs (or resumes) an import job. Exported for start-up recovery. */
export async function runImport(
  ctx: ServiceContext,
  items: ImportJobItem[],
  who: Actor,
  h: JobHandle,
): Promise<{ imported: number; duplicates: number; refused: number }> {
  const files: FileOutcome[] = items.map((it) => ({
    name: it.relativePath ?? it.name,
    status: 'pending',
    recordingId: null,
    cries: null,
    reason: null,
  }))
  h.setFiles(files)
  const weights = items.map((it) => Math.max(1, fs.statSync(it.path, { throwIfNoEntry: false })?.size ?? 1))
  const total = weights.reduce((a, b) => a + b, 0)
  let doneWeight = 0
  const counts = { imported: 0, duplicates: 0, refused: 0 }
  for (let i = 0; i < items.length; i++) {
    if (h.signal.aborted) {
      for (let j = i; j < items.length; j++) h.updateFile(j, { status: 'cancelled' })
      break
    }
    const it = items[i]!
    h.progress(doneWeight / total, `Importing ${it.name}`)
    try {
      const r = await importOne(ctx, it, who, h.signal, (f) =>
        h.progress((doneWeight + f * weights[i]!) / total),
      )
      h.updateFile(i, r)
      if (r.status === 'imported') counts.imported++
      else counts.duplicates++
      if (it.ownedCopy) fs.rmSync(it.path, { force: true })
      if (r.status === 'imported' && r.recordingId) {
        // Stages 1–4 run after the recording committed: a failure here leaves its cries pending (analysed again
        // at the next start), never a half-imported recording.
        h.progress((doneWeight + weights[i]!) / total, `Analysing ${it.name}`)
        try {
          const a = await ctx.analyseRecording(r.recordingId, h.signal)
          if (a.flagged)
            h.updateFile(i, { reason: `${a.flagged} cr${a.flagged === 1 ? 'y' : 'ies'} flagged for review` })
        } catch (err) {
          const why = h.signal.aborted ? 'cancelled' : (err as Error).message
          h.updateFile(i, { reason: `imported; analysis will resume at the next start (${why})` })
        }
      }
    } catch (err) {
      const e = err as Error
      if (e.name === 'AbortError' || h.signal.aborted) {
        h.updateFile(i, { status: 'cancelled', reason: 'cancelled by the user' })
        continue
      }
      counts.refused++
      h.updateFile(i, { status: 'refused', reason: plainReason(e) })
      if (it.ownedCopy) fs.rmSync(it.path, { force: true })
    }
    doneWeight += weights[i]!
  }
  h.progress(
    1,
    `${counts.imported} imported, ${counts.duplicates} already present, ${counts.refused} refused`,
  )
  if (counts.imported) {
    ctx.emit('changed', { entity: 'recordings' })
    ctx.emit('changed', { entity: 'infants' })
  }
  return counts
}

function plainReason(e: Error): string {
  if (e instanceof AudioRefusal) return e.message
  if (e instanceof TaskError && e.kind && e.kind !== 'worker-crash') return e.message
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'the file is no longer there'
  return `could not be imported: ${e.message}`
}

async function importOne(
  ctx: ServiceContext,
  it: ImportJobItem,
  who: Actor,
  signal: AbortSignal,
  onProgress: (f: number) => void,
): Promise<Partial<FileOutcome>> {
  const { db } = ctx
  if (!fs.existsSync(it.path)) throw Object.assign(new Error('gone'), { code: 'ENOENT' })
  const hash = await hashFile(it.path)
  // One import per content at a time, whichever job it is in: a second waits for the first and is then a
  // duplicate (before, both decoded it and the second failed on the unique content hash).
  const flights = inFlight.get(db) ?? new Map<string, Promise<void>>()
  inFlight.set(db, flights)
  for (let other = flights.get(hash); other; other = flights.get(hash)) await other
  const duplicate = (): Partial<FileOutcome> | null => {
    const dup = findRecordingByHash(db, hash)
    return dup
      ? { status: 'duplicate', recordingId: dup.id, reason: `already imported as recording ${dup.id}` }
      : null
  }
  const known = duplicate()
  if (known) return known
  let landed!: () => void
  flights.set(hash, new Promise<void>((resolve) => (landed = resolve)))
  try {
    return await importNew(ctx, it, who, signal, onProgress, hash)
  } catch (err) {
    // Another writer (an older process, the demo) stored the same content meanwhile: a duplicate, not a refusal.
    const e = err as { code?: unknown }
    if (typeof e.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT')) {
      const dup = duplicate()
      if (dup) return dup
    }
    throw err
  } finally {
    flights.delete(hash)
    landed()
  }
}

const inFlight = new WeakMap<object, Map<string, Promise<void>>>()

async function importNew(
  ctx: ServiceContext,
  it: ImportJobItem,
  who: Actor,
  signal: AbortSignal,
  onProgress: (f: number) => void,
  hash: string,
): Promise<Partial<FileOutcome>> {
  const { db } = ctx
  fs.mkdirSync(audioShardDir(ctx.dataDir, hash), { recursive: true })
  const tmp = partialAudioFile(ctx.dataDir)
  const tmpHigh = partialAudioFile(ctx.dataDir)
  const finalRel = audioRelPath(hash)
  const highRel = highRateAudioRelPath(hash)
  try {
    const result = await ctx.pool.run(
      'processRecording',
      { sourcePath: it.path, workingCopyPath: tmp, highRateCopyPath: tmpHigh },
      { signal, onProgress },
    )
    let recordedAt: string
    let timeSource: TimeSource
    if (it.recordedAt) {
      recordedAt = it.recordedAt
      timeSource = 'user'
    } else {
      const t = chooseRecordingTime(it.name, result.probe, fs.statSync(it.path).mtime)
      recordedAt = t.recordedAt.toISOString()
      timeSource = t.source
    }
    if (signal.aborted) throw new DOMException('cancelled', 'AbortError')
    // The working copy (and the high-rate copy) is moved into place before the transaction; a crash in between
    // leaves an unreferenced file that start-up recovery quarantines, never a recording without its audio.
    fs.renameSync(tmp, dataFile(ctx.dataDir, finalRel))
    if (result.highRateHz) fs.renameSync(tmpHigh, dataFile(ctx.dataDir, highRel))
    const recordingId = db.transaction(() => {
      const infantId = it.infantId ?? resolveNewInfant(ctx, it.newInfantLabel!, who)
      const id = insertRecording(db, {
        infantId,
        fileName: it.name,
        contentHash: hash,
        format: result.probe.format,
        nativeSampleRate: result.probe.sampleRate,
        channels: result.probe.channels,
        durationS: result.durationS,
        recordedAt,
        timeSource,
        audioPath: finalRel,
        peaks: Buffer.from(result.peaks.buffer, result.peaks.byteOffset, result.peaks.byteLength),
        clippedFraction: result.clippedFraction,
        highRate: result.highRateHz ? { path: highRel, hz: result.highRateHz } : null,
      })
      // The cries commit with their recording: a recording is never visible without them.
      insertCries(db, id, infantId, recordedAt, result.cries)
      appendAudit(db, who, 'recording.import', 'recording', id, null, {
        fileName: it.name,
        infantId,
        hash,
        recordedAt,
        timeSource,
        cries: result.cries.length,
      })
      return id
    })()
    // A recording without cries is kept (the nurse may know better), with the reason none was found.
    return {
      status: 'imported',
      recordingId,
      cries: result.cries.length,
      reason: result.noCry?.message ?? null,
    }
  } finally {
    fs.rmSync(tmp, { force: true })
    fs.rmSync(tmpHigh, { force: true })
  }
}

function resolveNewInfant(ctx: ServiceContext, label: string, who: Actor): number {
  const existing = findInfantByExternalId(ctx.db, label) ?? findInfantByLabel(ctx.db, label)
  if (existing) return existing.id
  const externalId = /^DAC-[0-9a-f]{8}-[mf]$/.test(label) ? label : null
  const created = insertInfant(ctx.db, { label, externalId })
  appendAudit(ctx.db, who, 'infant.create', 'infant', created.id, null, { label, externalId, via: 'import' })
  return created.id
}
