// The core: one transport-agnostic object implementing the contract. Hosts (Electron utilityProcess, the
// browser-mode server, the CLI, tests) create it, open sessions, and pass raw requests to dispatch(), which
// validates them against the contract, checks the caller's role, and answers a WireResult.
import { EventEmitter } from 'node:events'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import {
  contract,
  type EventName,
  type EventPayload,
  type FileGrant,
  type Job,
  type MethodName,
  type SystemInfo,
} from '../../shared/contract'
import { IclasError, type WireResult } from '../../shared/rpc'
import { snapshotSync } from '../store/backup'
import { openDb, type Db } from '../store/db'
import { dataFile, dbFile, incomingDir, incomingFile } from '../store/layout'
import { lockDataDir, type DataDirLock } from '../store/lock'
import { allAudioPaths, getRecordingAudioPath } from '../store/recordings'
import { unfinishedJobs } from '../store/jobs'
import { ensureDefaultUsers, findUser } from '../store/users'
import { WorkerPool } from '../workers/pool'
import { recoverAudio, type AudioRecoveryReport } from './audio-recovery'
import { BackupScheduler, DEFAULT_BACKUP_EVERY_MS } from './backups'
import type { Handlers, Service, ServiceContext, Session } from './context'
import { FileGrants } from './grants'
import { mayReadJob } from './job-access'
import { PinPolicy } from './pin-policy'
import { SessionTickets } from './session-tickets'
import { JobRunner } from './jobs'
import { errorForLog, redactPaths } from './log-redact'
import { describeValue, plainJsonCopy } from './plain-json'
import { SYSTEM } from './services/actor'
import { adminService } from './services/admin'
import { WardAnalysis } from './services/analysis'
import { analysisService } from './services/analysis-handlers'
import { checkoutModelsDir } from '../engine/embed/registry'
import { cryService } from './services/cries'
import { cryCorrectionService } from './services/cry-corrections'
import { DemoWard, demoService } from './services/demo'
import type { DemoWardShape } from './services/demo-sources'
import { evaluationService } from './services/evaluation'
import { handoverService } from './services/handover'
import { importService, runImport, type ImportJobItem } from './services/imports'
import { infantService } from './services/infants'
import { recordingService } from './services/recordings'
import { reportService } from './services/reports'
import { sessionService } from './services/session'

export const VERSION = '0.1.0'

export interface CoreOptions {
  dataDir: string
  mode: ServiceContext['mode']
  /** better-sqlite3 binding built for Electron's ABI (desktop only). */
  nativeBinding?: string
  workers?: number
  log?: (line: string) => void
  /** Scheduled backups (ms between them); default every 6 h in the desktop app and browser mode, off otherwise. */
  backupEveryMs?: number | null
  /** Backbones and the cry classifier (default: the checkout's models/ folder). */
  modelsDir?: string
  /** Debounce of background refits (ms). */
  refitDebounceMs?: number
  /** Shape of the demo ward built from the UI or at first start (ICLAS_DEMO_CONFIG; default: 6 infants × 7 days). */
  demoShape?: DemoWardShape
  /** Delay of a backup due soon (after start; a new ward's first recordings); default a minute. */
  backupSoonMs?: number
  /** Clock of the sign-in rate limit (tests). */
  now?: () => number
}

export class Core {
  readonly events = new EventEmitter()
  readonly db: Db
  readonly ctx: ServiceContext
  private readonly handlers: Handlers
  private readonly sessions = new Map<string, Session>()
  private readonly log: (line: string) => void
  private closed = false
  private readonly lock: DataDirLock
  readonly backups: BackupScheduler
  /** The ward's stages 1–4 (the import job, the analysis, cries and correction services use it). */
  readonly analysis: WardAnalysis
  /** The demo ward (hosts start it at first start; the demo service answers the contract over it). */
  readonly demo: DemoWard
  /** Every service, in the order they are closed. */
  private readonly services: Pick<Service<MethodName>, 'close'>[]

  constructor(readonly options: CoreOptions) {
    this.log = options.log ?? ((l) => console.log(`[core] ${l}`))
    fs.mkdirSync(options.dataDir, { recursive: true })
    // One writer per data folder (src/main/store/lock.ts); a second core is refused with a clear message.
    this.lock = lockDataDir(options.dataDir, options.mode)
    try {
      this.db = openDb(dbFile(options.dataDir), {
        nativeBinding: options.nativeBinding,
        beforeMigrate: (db, from, to) => {
          const b = snapshotSync(db, options.dataDir, 'pre-migration')
          this.log(`backed up the database before migrating it from schema ${from} to ${to}: ${b.id}`)
        },
      })
    } catch (err) {
      this.lock.release()
      throw err
    }
    this.backups = new BackupScheduler(this.db, options.dataDir, this.log, options.backupSoonMs)
    // A new ward's first recordings are backed up soon after they land, not at the next 6-hourly tick.
    this.events.on('event', (event: string, payload: unknown) => {
      const job = payload as { kind?: string; state?: string }
      if (event === 'job' && job.state === 'done' && (job.kind === 'import' || job.kind === 'demo'))
        this.backups.recordingsAdded()
    })
    ensureDefaultUsers(this.db)
    const pool = new WorkerPool(options.workers)
    const emit = <E extends EventName>(event: E, payload: EventPayload<E>) =>
      this.events.emit('event', event, payload)
    this.ctx = {
      db: this.db,
      dataDir: options.dataDir,
      pool,
      jobs: new JobRunner(this.db, (job) => emit('job', job)),
      grants: new FileGrants(),
      emit,
      mode: options.mode,
      version: VERSION,
      pins: new PinPolicy(this.db, () => this.demo.hasPatients()),
      tickets: new SessionTickets(options.now),
      // The import job analyses what it imported through the ward's analysis built just below (the context is
      // its constructor's argument, so the call goes through the core).
      analyseRecording: (id, signal) => this.analysis.analyseRecording(id, signal),
    }
    this.analysis = new WardAnalysis(this.ctx, {
      modelsDir: options.modelsDir ?? checkoutModelsDir(),
      log: this.log,
      refitDebounceMs: options.refitDebounceMs,
    })
    this.demo = new DemoWard(this.ctx, { log: this.log })
    this.demo.adoptDemoMode()
    // Every service is built here, once, with what it needs of the others; nothing is patched in later.
    const ctx = this.ctx
    const session = sessionService(ctx, { info: () => this.systemInfoExtras(), now: options.now })
    const infants = infantService(ctx)
    const recordings = recordingService(ctx)
    const imports = importService(ctx)
    // A clinician's verdict overrides the gate (stage 3).
    const cries = cryService(ctx, { onVerdict: this.analysis.onVerdict })
    const analysis = analysisService(ctx, this.analysis)
    // Stage 0 corrected by hand: the cry goes through stages 1–4 again (cry-corrections.ts).
    const corrections = cryCorrectionService(ctx, this.analysis)
    const reports = reportService(ctx)
    const handover = handoverService(ctx)
    const evaluation = evaluationService(ctx, { modelsDir: options.modelsDir })
    const admin = adminService(ctx, { backups: this.backups, afterRestore: () => this.afterRestore() })
    const demo = demoService(ctx, { demo: this.demo, shape: () => options.demoShape ?? {} })
    this.services = [
      session,
      infants,
      recordings,
      imports,
      cries,
      analysis,
      corrections,
      reports,
      handover,
      evaluation,
      admin,
      demo,
    ]
    // An object literal, so the compiler checks that every method of the contract has its handler.
    this.handlers = {
      ...session.handlers,
      ...infants.handlers,
      ...recordings.handlers,
      ...imports.handlers,
      ...cries.handlers,
      ...analysis.handlers,
      ...corrections.handlers,
      ...reports.handlers,
      ...handover.handlers,
      ...evaluation.handlers,
      ...admin.handlers,
      ...demo.handlers,
    }
    const every =
      options.backupEveryMs !== undefined
        ? options.backupEveryMs
        : options.mode === 'desktop' || options.mode === 'browser'
          ? DEFAULT_BACKUP_EVERY_MS
          : null
    if (every) this.backups.start(every)
  }

  /** After an admin restored a backup: everyone signs in again; audio is reconciled with the restored rows. */
  private afterRestore(): AudioRecoveryReport {
    for (const s of this.sessions.values()) s.user = null
    this.ctx.tickets.clear()
    this.analysis.resetCaches()
    return this.recoverAudioFolder()
  }

  private recoverAudioFolder(): AudioRecoveryReport {
    const r = recoverAudio(this.options.dataDir, allAudioPaths(this.db))
    if (r.partialRemoved)
      this.log(`removed ${r.partialRemoved} partial audio file(s) of an interrupted import`)
    if (r.quarantined)
      this.log(
        `moved ${r.quarantined} audio file(s) no recording references to audio-quarantine/ (kept, not deleted)`,
      )
    if (r.restored)
      this.log(`moved ${r.restored} quarantined audio file(s) back: their recordings are known again`)
    if (r.missing) this.log(`${r.missing} recording(s) have no audio file`)
    return r
  }

  /** Start-up recovery: clean unreferenced audio, resume interrupted jobs. */
  recover(): void {
    this.recoverAudioFolder()
    this.cleanIncoming()
    for (const job of unfinishedJobs(this.db)) {
      if (job.kind === 'import') {
        const { items } = job.params as { items: ImportJobItem[] }
        this.log(`resuming interrupted import ${job.id} (${items.length} files)`)
        this.ctx.jobs.start(
          'import',
          job.title,
          job.params,
          job.createdBy,
          (h) => runImport(this.ctx, items, SYSTEM, h),
          job.id,
        )
      }
    }
    this.demo.recover()
    // Recordings committed but not yet analysed (a crash between the two) are analysed now.
    void this.analysis.recoverPending()
  }

  protected systemInfoExtras(): Pick<SystemInfo, 'computeProvider' | 'backbone' | 'demo'> {
    const { provider, backbone } = this.analysis.status
    const demo = this.demo.status()
    return {
      computeProvider: provider,
      backbone,
      demo: { state: demo.state, ...(demo.message ? { message: demo.message } : {}) },
    }
  }

  openSession(): string {
    const id = crypto.randomBytes(16).toString('hex')
    this.sessions.set(id, { id, user: null })
    return id
  }

  closeSession(id: string): void {
    this.sessions.delete(id)
    // Its uploads go with it, unless a running import still reads them.
    const inUse = new Set(
      this.ctx.jobs
        .running('import')
        .flatMap((j) => ((j.params as { items?: ImportJobItem[] })?.items ?? []).map((it) => it.path)),
    )
    this.ctx.grants.releaseSession(id, (p) => inUse.has(p))
  }

  /**
   * For browser mode's uploads: a new file to write one into, in the folder where uploads wait until an import
   * reads them (made if need be). The core owns them: the server grants the file to its session, a session's
   * uploads are deleted when it closes (closeSession), and those of an earlier run at start (cleanIncoming).
   */
  newUploadFile(name: string): string {
    fs.mkdirSync(incomingDir(this.options.dataDir), { recursive: true })
    return incomingFile(this.options.dataDir, name)
  }

  /** Bytes of the uploads waiting to be imported (browser mode's quota). */
  uploadBytesWaiting(): number {
    const dir = incomingDir(this.options.dataDir)
    let total = 0
    if (!fs.existsSync(dir)) return 0
    for (const e of fs.readdirSync(dir, { withFileTypes: true }))
      if (e.isFile()) total += fs.statSync(path.join(dir, e.name), { throwIfNoEntry: false })?.size ?? 0
    return total
  }

  /** Uploads left by sessions of an earlier run that no unfinished import will read: deleted at start. */
  private cleanIncoming(): void {
    const dir = incomingDir(this.options.dataDir)
    if (!fs.existsSync(dir)) return
    const needed = new Set(
      unfinishedJobs(this.db)
        .filter((j) => j.kind === 'import')
        .flatMap((j) =>
          ((j.params as { items?: ImportJobItem[] })?.items ?? []).map((it) => path.resolve(it.path)),
        ),
    )
    let removed = 0
    for (const name of fs.readdirSync(dir)) {
      const p = path.resolve(dir, name)
      if (needed.has(p)) continue
      fs.rmSync(p, { recursive: true, force: true })
      removed++
    }
    if (removed) this.log(`removed ${removed} upload(s) of an earlier run that no import needs`)
  }

  /** The signed-in user of a session, or null (signed out or unknown). */
  sessionUser(sessionId: string): Session['user'] {
    return this.sessions.get(sessionId)?.user ?? null
  }

  /**
   * The user of a session who may see the ward's data, or null: signed out, unknown, or an account that must
   * set its PIN first (a first-start session sees nothing but the setup).
   */
  sessionReader(sessionId: string): Session['user'] {
    const s = this.sessions.get(sessionId)
    if (!s?.user) return null
    return !s.vouched && this.ctx.pins.setupPending(s.user.id) ? null : s.user
  }

  /**
   * What a session may see of an event, or null: events go to signed-in sessions only (their PIN rule met),
   * and only what the methods would show that role (an evaluation job only to those who may read
   * evaluations, an alert only to those who may list alerts). Browser mode and the desktop app both send
   * through this.
   */
  eventFor(sessionId: string, event: string, payload: unknown): unknown {
    const user = this.sessionReader(sessionId)
    if (!user) return null
    if (event === 'job') return mayReadJob((payload as Job).kind, user.role) ? payload : null
    if (event === 'alert') {
      const access = contract.listAlerts.access
      return access === 'any' || access === 'public' || access.includes(user.role) ? payload : null
    }
    return payload
  }

  /** Signs a session in without the contract (CLI, tests): the caller vouches for the user. */
  signInDirect(sessionId: string, username: string): void {
    const s = this.sessions.get(sessionId)
    const found = findUser(this.db, username)
    const u: Session['user'] | undefined = found && {
      id: found.id,
      username: found.username,
      displayName: found.displayName,
      role: found.role,
    }
    if (!s || !u) throw new IclasError('unauthenticated', `Unknown user ${username}`)
    s.user = u
    s.vouched = true
  }

  async dispatch(sessionId: string, method: string, params: unknown): Promise<WireResult> {
    try {
      if (this.closed) throw new IclasError('unavailable', 'The workstation core is shutting down')
      if (typeof method !== 'string' || !Object.prototype.hasOwnProperty.call(contract, method)) {
        throw new IclasError('unknown_method', `Unknown method ${describeValue(method)}`)
      }
      const name = method as MethodName
      const spec = contract[name]
      const session = this.sessions.get(sessionId)
      if (!session) throw new IclasError('unauthenticated', 'No session: reconnect to the workstation')
      if (spec.access !== 'public') {
        if (!session.user) throw new IclasError('unauthenticated', 'Sign in first')
        if (spec.access !== 'any' && !spec.access.includes(session.user.role)) {
          throw new IclasError('forbidden', `A ${session.user.role} may not ${spec.summary.toLowerCase()}`)
        }
        // PINs are mandatory outside demo mode: an account without one sees nothing but the setup.
        if (!(spec as { beforePins?: boolean }).beforePins && !session.vouched) {
          if (this.ctx.pins.setupPending(session.user.id))
            throw new IclasError(
              'pin_required',
              'PINs are mandatory on this workstation and this account has none yet: set the PINs first',
            )
        }
      }
      // Params are copied into plain JSON before the validator or anything else reads them.
      let plain: unknown
      try {
        plain = plainJsonCopy(params)
      } catch (err) {
        throw new IclasError('invalid_request', `Invalid request for ${name}: ${(err as Error).message}`)
      }
      const parsed = spec.request.safeParse(plain ?? {})
      if (!parsed.success) {
        throw new IclasError(
          'invalid_request',
          `Invalid request for ${name}: ${z.prettifyError(parsed.error)}`,
          parsed.error.issues,
        )
      }
      const handler = this.handlers[name] as (p: unknown, c: unknown) => unknown
      const result = await handler(parsed.data, { session, user: session.user! })
      return { ok: true, result }
    } catch (err) {
      return this.failure(err, method)
    }
  }

  /** Every failure of a call becomes an answer; nothing here may throw, whatever was thrown. */
  private failure(err: unknown, method: unknown): WireResult {
    try {
      if (err instanceof IclasError) return { ok: false, error: err.toWire() }
      const e = err as Error & { code?: unknown }
      // A constraint the request broke (e.g. an id another infant has) is the caller's conflict, not a crash.
      if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT'))
        return {
          ok: false,
          error: { code: 'conflict', message: `This conflicts with a record already stored (${e.message})` },
        }
      // Messages can quote file names or labels: the log gets them redacted (no patient names in logs).
      this.log(`internal error in ${describeValue(method)}: ${errorForLog(e)}`)
      // The caller gets the message without this machine's paths (an ENOENT quotes the data folder).
      return {
        ok: false,
        error: { code: 'internal', message: redactPaths(String(e?.message || 'Internal error')) },
      }
    } catch {
      return { ok: false, error: { code: 'internal', message: 'Internal error' } }
    }
  }

  /** For hosts: register files the user chose (dialog, upload, CLI). */
  grantFiles(
    sessionId: string | null,
    files: { path: string; relativePath?: string | null; ownedCopy?: boolean; name?: string }[],
  ): FileGrant[] {
    return this.ctx.grants.grant(files, sessionId)
  }

  /** The working-copy WAV of a recording (no access check: CLI and tests; hosts use mediaFor). */
  recordingAudioFile(recordingId: number): string | undefined {
    const rel = getRecordingAudioPath(this.db, recordingId)
    return rel ? dataFile(this.options.dataDir, rel) : undefined
  }

  /**
   * For hosts serving media (browser mode's /media, the desktop's iclas-media:): a recording's audio for this
   * session, by the rule its methods follow (signed in, PIN rule met, a role that may read recordings).
   * 'forbidden' when the session may not hear recordings; undefined when there is no such audio.
   */
  mediaFor(sessionId: string, recordingId: number): string | 'forbidden' | undefined {
    const user = this.sessionReader(sessionId)
    const access = contract.getRecording.access
    if (!user || !(access === 'any' || access === 'public' || access.includes(user.role))) return 'forbidden'
    return this.recordingAudioFile(recordingId)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.backups.stop()
    this.demo.close()
    this.ctx.jobs.abortAll()
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all([this.ctx.jobs.idle(), this.backups.idle()]),
      new Promise((r) => (timer = setTimeout(r, 5000))),
    ])
    clearTimeout(timer)
    await this.analysis.close()
    for (const service of this.services) await service.close?.()
    await this.ctx.pool.close()
    this.db.close()
    this.lock.release()
  }
}
