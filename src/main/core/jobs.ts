// Background jobs (import, fit, evaluation, demo): in-memory state for progress events, persisted in the
// jobs table so an interrupted job resumes at the next start.
import crypto from 'node:crypto'
import type { FileOutcome, Job } from '../../shared/contract'
import type { Db } from '../store/db'
import { getJobRow, insertJob, recentJobs, updateJob } from '../store/jobs'
import { redactPaths } from './log-redact'

export interface JobHandle {
  readonly id: string
  readonly signal: AbortSignal
  progress(fraction: number, message?: string | null): void
  setFiles(files: FileOutcome[]): void
  updateFile(index: number, outcome: Partial<FileOutcome>): void
}

type JobKind = Job['kind']

export class JobRunner {
  private readonly live = new Map<
    string,
    { job: Job; ac: AbortController; lastEmit: number; t0: number; params: unknown }
  >()

  constructor(
    private readonly db: Db,
    private readonly emit: (job: Job) => void,
  ) {}

  start(
    kind: JobKind,
    title: string,
    params: unknown,
    createdBy: string,
    work: (h: JobHandle) => Promise<unknown>,
    existingId?: string,
  ): string {
    const id = existingId ?? `${kind}_${crypto.randomBytes(6).toString('hex')}`
    if (!existingId) insertJob(this.db, { id, kind, title, params, createdBy })
    updateJob(this.db, id, { state: 'running' })
    const ac = new AbortController()
    const job: Job = {
      id,
      kind,
      state: 'running',
      title,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      progress: 0,
      message: null,
      etaS: null,
      files: [],
      error: null,
    }
    const entry = { job, ac, lastEmit: 0, t0: Date.now(), params }
    this.live.set(id, entry)
    const emitSoon = (force = false) => {
      const now = Date.now()
      if (!force && now - entry.lastEmit < 200) return
      entry.lastEmit = now
      this.emit({ ...job, files: [...job.files] })
    }
    const handle: JobHandle = {
      id,
      signal: ac.signal,
      progress(fraction, message) {
        job.progress = Math.max(0, Math.min(1, fraction))
        if (message !== undefined) job.message = message === null ? null : redactPaths(message)
        const elapsed = (Date.now() - entry.t0) / 1000
        job.etaS = job.progress > 0.02 && elapsed > 1 ? (elapsed * (1 - job.progress)) / job.progress : null
        emitSoon()
      },
      setFiles(files) {
        job.files = files
        emitSoon(true)
      },
      updateFile(index, outcome) {
        if (typeof outcome.reason === 'string') outcome = { ...outcome, reason: redactPaths(outcome.reason) }
        const f = job.files[index]
        if (f) job.files[index] = { ...f, ...outcome }
        emitSoon(outcome.status !== undefined && outcome.status !== 'pending')
      },
    }
    void (async () => {
      try {
        const result = await work(handle)
        job.state = ac.signal.aborted ? 'cancelled' : 'done'
        job.result = result
        job.progress = 1
      } catch (err) {
        const e = err as Error
        job.state = ac.signal.aborted || e.name === 'AbortError' ? 'cancelled' : 'failed'
        job.error = job.state === 'failed' ? redactPaths(String(e?.message ?? e)) : null
      }
      job.finishedAt = new Date().toISOString()
      job.etaS = null
      try {
        updateJob(this.db, id, {
          state: job.state,
          report: { files: job.files, result: job.result ?? null },
          error: job.error,
        })
      } catch {
        /* store closed during shutdown: the job resumes next start */
      }
      emitSoon(true)
    })()
    return id
  }

  /** Running jobs of a kind with the params they were started (or resumed) with. */
  running(kind: JobKind): { id: string; params: unknown }[] {
    return [...this.live.entries()]
      .filter(([, e]) => e.job.kind === kind && e.job.state === 'running')
      .map(([id, e]) => ({ id, params: e.params }))
  }

  /** The kind and creator of a live job (for access checks), or undefined. */
  liveInfo(id: string): { kind: JobKind; state: Job['state'] } | undefined {
    const e = this.live.get(id)
    return e && { kind: e.job.kind, state: e.job.state }
  }

  cancel(id: string): boolean {
    const e = this.live.get(id)
    if (!e || e.job.state !== 'running') return false
    e.ac.abort()
    return true
  }

  get(id: string): Job | undefined {
    const e = this.live.get(id)
    if (e) return { ...e.job, files: [...e.job.files] }
    const row = getJobRow(this.db, id)
    return row ? rowToJob(row) : undefined
  }

  list(): Job[] {
    return recentJobs(this.db).map((r) => this.get(r.id) ?? rowToJob(r))
  }

  /** Resolves when every running job has settled (shutdown, tests). */
  async idle(): Promise<void> {
    while ([...this.live.values()].some((e) => e.job.state === 'running'))
      await new Promise((r) => setTimeout(r, 20))
  }

  abortAll(): void {
    for (const e of this.live.values()) e.ac.abort()
  }
}

function rowToJob(r: ReturnType<typeof getJobRow> & object): Job {
  const report = (r.report ?? {}) as { files?: FileOutcome[]; result?: unknown }
  return {
    id: r.id,
    kind: r.kind as JobKind,
    state: r.state as Job['state'],
    title: r.title,
    startedAt: r.createdAt,
    finishedAt: r.finishedAt,
    progress: r.state === 'done' ? 1 : 0,
    message: null,
    etaS: null,
    files: (report.files ?? []).map((f) => (f.reason ? { ...f, reason: redactPaths(f.reason) } : f)),
    error: r.error === null ? null : redactPaths(r.error),
    result: report.result ?? undefined,
  }
}
