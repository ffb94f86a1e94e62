// The built-in demo ward as one visible, cancellable, resumable job (kind 'demo'): the ward simulator writes the
// recordings into the data folder (spread over the worker pool), then the real import job imports them (stage 0,
// then stages 1–4 through the ward's analysis), so every screen shows what the pipeline really made of them.
// Demo infants are created first, labelled "(simulated)" with DEMO-… ids. Idempotent: a ward that is ready is
// not built again. The first start of a new data folder builds it (unless skipped); never again afterwards.
// DemoWard is what the core and its hosts drive (first start, recovery, `iclas demo`); demoService answers the
// contract's demo methods over it.
import fs from 'node:fs'
import path from 'node:path'
import type { DemoSource, DemoState, DemoStatus } from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { appendAudit, type Actor } from '../../store/audit'
import { countInfantsCries } from '../../store/cries'
import {
  findInfantByExternalId,
  hasInfants,
  insertInfant,
  listInfantIds,
  listInfants,
} from '../../store/infants'
import { listAlerts } from '../../store/alerts'
import { scoredCryFlags } from '../../store/cry-analysis'
import { GROUND_TRUTH_FILE } from '../../engine/sim'
import { demoOutcomes, type DemoInfantOutcome } from '../../evaluation/demo-report'
import { removeInfantsWithData } from '../../store/infant-removal'
import { unfinishedJobs } from '../../store/jobs'
import { ASIDE_DIRS, dataFile, demoSourceDir } from '../../store/layout'
import { getSetting, putSetting } from '../../store/settings'
import { DEMO_MODE_KEY, setDemoMode } from '../pin-policy'
import { service, type Service, type ServiceContext } from '../context'
import type { JobHandle } from '../jobs'
import { actor, SYSTEM } from './actor'
import {
  demoInfants,
  readGroundTruth,
  demoRecordingFiles,
  describeParams,
  simulatedDemoParams,
  simulateDemoWard,
  type DemoParams,
  type DemoWardShape,
} from './demo-sources'
import { runImport, type ImportJobItem } from './imports'

const SOURCES: readonly DemoSource[] = ['simulated', 'donateacry']
const recordKey = (s: DemoSource) => `demo.${s}`
/** Written once, at the first start of a data folder: the demo is offered then and never again by itself. */
const FIRST_START_KEY = 'demo.first-start'
/** Share of the job's progress bar for the simulation (measured: it costs about a third of the import). */
const SIMULATION_SHARE = 0.25
/** Data-folder entries that mean it has a history (a damaged or replaced database), so it is not new. */
const HISTORY = [ASIDE_DIRS.damaged, ASIDE_DIRS.replaced]

interface DemoRecord {
  state: 'building' | 'ready' | 'failed' | 'cancelled' | 'removed'
  jobId: string
  params: DemoParams
  infantIds: number[]
  by: string
  at: string
  error?: string
  result?: DemoResult
}

export interface DemoResult {
  infants: number
  imported: number
  duplicates: number
  refused: number
  cries: number
}

export class DemoWard {
  private closing = false

  constructor(
    private readonly ctx: ServiceContext,
    private readonly opts: { log?: (line: string) => void } = {},
  ) {}

  private record(source: DemoSource): DemoRecord | undefined {
    return getSetting<DemoRecord>(this.ctx.db, recordKey(source))
  }

  private save(source: DemoSource, next: DemoRecord, who: Actor, action: string): void {
    const { db } = this.ctx
    db.transaction(() => {
      const before = this.record(source)
      putSetting(db, recordKey(source), next, who.username)
      appendAudit(db, who, action, 'demo', source, before ? summary(before) : null, summary(next))
    })()
  }

  /** Ids of every demo infant (of either source) still in the store. */
  demoInfantIds(): Set<number> {
    const ids = new Set<number>()
    for (const s of SOURCES) for (const id of this.record(s)?.infantIds ?? []) ids.add(id)
    const existing = new Set(listInfantIds(this.ctx.db))
    return new Set([...ids].filter((id) => existing.has(id)))
  }

  /**
   * The demo ward's analysis against the simulator's truth (per infant: first alert after the onset, false
   * alerts, flags per day before and after), or null without a simulated ward's ground truth.
   */
  truthReport(): DemoInfantOutcome[] | null {
    const truth = readGroundTruth(path.join(demoSourceDir(this.ctx.dataDir), GROUND_TRUTH_FILE))
    if (!truth) return null
    const onsetOf = new Map(truth.infants.map((i) => [i.label, i.deviationStart]))
    const criesOf = new Map<string, { t: number; severity: number }[]>()
    for (const r of truth.recordings)
      for (const c of r.cries)
        criesOf.set(r.infant, [
          ...(criesOf.get(r.infant) ?? []),
          { t: Date.parse(c.time), severity: c.severity },
        ])
    const rows = listInfants(this.ctx.db)
      .filter((i) => i.externalId && onsetOf.has(i.externalId))
      .map((i) => {
        const onset = onsetOf.get(i.externalId!)
        return {
          id: i.externalId!,
          onsetT: onset ? Date.parse(onset) : null,
          cries: scoredCryFlags(this.ctx.db, i.id),
          alerts: listAlerts(this.ctx.db, { infantId: i.id }).map((a) => Date.parse(a.at)),
          truthCries: criesOf.get(i.externalId!) ?? [],
        }
      })
    return demoOutcomes(rows)
  }

  /** Whether any infant or recording is not the demo's: then no demo is built (never mixed with patients). */
  hasPatients(): boolean {
    const demo = this.demoInfantIds()
    return listInfantIds(this.ctx.db).some((id) => !demo.has(id))
  }

  private liveJob(source: DemoSource): string | null {
    const rec = this.record(source)
    if (!rec || rec.state !== 'building') return null
    return this.ctx.jobs.get(rec.jobId)?.state === 'running' ? rec.jobId : null
  }

  status(): DemoStatus {
    const source = SOURCES.find((s) => this.liveJob(s)) ?? SOURCES.find((s) => this.record(s)) ?? null
    const rec = source ? this.record(source) : undefined
    const infants = this.demoInfantIds().size
    const canBuild = !this.hasPatients()
    if (!source || !rec)
      return { state: 'absent', source: null, jobId: null, infants, message: null, canBuild }
    let state: DemoState = 'absent'
    let message: string | null = null
    if (rec.state === 'building') {
      state = 'building'
      message = `${cap(describeParams(rec.params))}, imported through the real pipeline.`
    } else if (rec.state === 'ready' && infants) {
      state = 'ready'
      message =
        `${cap(describeParams(rec.params))}, labelled as such: not patients. ` +
        'Their recordings went through the same import and analysis as real ones.'
    } else if (rec.state === 'failed') {
      state = 'failed'
      message = `The demo ward could not be built: ${rec.error ?? 'unknown error'}`
    } else if (rec.state === 'cancelled') {
      message = 'The demo ward was stopped before it was complete; building it again carries on.'
    }
    return { state, source, jobId: rec.jobId, infants, message, canBuild }
  }

  /**
   * Starts (or joins) the build. A ward that is ready is left as it is; a running build is joined; a
   * workstation with patients' infants refuses, so simulated infants never sit among patients.
   */
  build(params: DemoParams, who: Actor): { jobId: string | null; state: DemoState } {
    const live = this.liveJob(params.source)
    if (live) return { jobId: live, state: 'building' }
    const rec = this.record(params.source)
    if (rec?.state === 'ready' && this.demoInfantIds().size) return { jobId: null, state: 'ready' }
    if (this.hasPatients())
      throw new IclasError(
        'conflict',
        'This workstation already holds infants that are not part of the demo; the demo ward is built only on an ' +
          'empty workstation, so simulated infants never sit among patients.',
      )
    if (this.closing) throw new IclasError('unavailable', 'The workstation core is shutting down')
    // After a cancellation the same ward carries on (simulated files and imported recordings are kept).
    const p = rec && rec.state !== 'removed' && rec.params.source === params.source ? rec.params : params
    return { jobId: this.startJob(p, who), state: 'building' }
  }

  private startJob(params: DemoParams, who: Actor, existingId?: string): string {
    const title = `Demo ward: ${describeParams(params)}`
    return this.ctx.jobs.start(
      'demo',
      title,
      params,
      who.username,
      (h) => this.run(params, who, h),
      existingId,
    )
  }

  /**
   * A data folder whose demo ward was built before PINs were mandatory (no demo-mode setting yet) keeps the
   * newcomer's path: demo mode is switched on once, audited, while that demo ward is there. Called at start.
   */
  adoptDemoMode(): void {
    const { db } = this.ctx
    if (getSetting(db, DEMO_MODE_KEY) !== undefined) return
    if (!SOURCES.some((s) => (this.record(s)?.state ?? 'removed') !== 'removed')) return
    setDemoMode(db, true, SYSTEM, 'a demo ward built before PINs were mandatory')
  }

  /** The first start of a new data folder builds the default demo ward; later starts never do. */
  startOnFirstRun(options: { skip?: boolean; shape?: DemoWardShape } = {}): string | null {
    const { db } = this.ctx
    if (getSetting(db, FIRST_START_KEY)) return null
    if (options.skip) {
      this.opts.log?.('demo ward skipped for this start (--no-demo / ICLAS_NO_DEMO)')
      return null
    }
    const hasData =
      hasInfants(db) ||
      SOURCES.some((s) => this.record(s)) ||
      HISTORY.some((d) => fs.existsSync(dataFile(this.ctx.dataDir, d)))
    const decision = hasData ? 'existing data: no demo' : 'new data folder: demo ward'
    db.transaction(() => {
      putSetting(db, FIRST_START_KEY, { decision, at: new Date().toISOString() }, SYSTEM.username)
      appendAudit(db, SYSTEM, 'demo.first_start', 'demo', null, null, { decision })
      // The newcomer's workstation opens straight to sign-in: its accounts need no PINs while it holds only
      // the demo ward (src/main/core/pin-policy.ts).
      if (!hasData) setDemoMode(db, true, SYSTEM, 'the first start of a new data folder built the demo ward')
    })()
    if (hasData) return null
    this.opts.log?.('new data folder: building the demo ward in the background')
    try {
      return this.build(simulatedDemoParams(options.shape), SYSTEM).jobId
    } catch (err) {
      // A bad ICLAS_DEMO_CONFIG must not keep the workstation from starting; the ward screen still offers it.
      this.opts.log?.(`the demo ward was not built: ${(err as Error).message}`)
      return null
    }
  }

  /** Start-up: a build interrupted by a crash resumes as the same job; one stopped by a shutdown starts again. */
  recover(): void {
    const resumed = new Set<string>()
    for (const job of unfinishedJobs(this.ctx.db)) {
      if (job.kind !== 'demo') continue
      this.opts.log?.(`resuming the interrupted demo ward build ${job.id}`)
      this.startJob(job.params as DemoParams, SYSTEM, job.id)
      resumed.add((job.params as DemoParams).source)
    }
    for (const s of SOURCES) {
      const rec = this.record(s)
      if (rec?.state !== 'building' || resumed.has(s)) continue
      this.opts.log?.('carrying on with the demo ward build stopped by the last shutdown')
      this.startJob(rec.params, SYSTEM)
    }
  }

  private async run(params: DemoParams, who: Actor, h: JobHandle): Promise<DemoResult> {
    const source = params.source
    const t0 = Date.now()
    const prev = this.record(source)
    this.save(
      source,
      {
        state: 'building',
        jobId: h.id,
        params,
        infantIds: prev?.infantIds ?? [],
        by: who.username,
        at: new Date().toISOString(),
      },
      who,
      'demo.build',
    )
    try {
      const infantIds = this.createInfants(params, who)
      const sourceDir = demoSourceDir(this.ctx.dataDir)
      let importStart = 0
      if (params.source === 'simulated') {
        importStart = SIMULATION_SHARE
        await simulateDemoWard(this.ctx, params.ward, sourceDir, h.signal, (f, m) =>
          h.progress(f * SIMULATION_SHARE, m),
        )
      }
      if (h.signal.aborted) throw new DOMException('cancelled', 'AbortError')
      const items: ImportJobItem[] = demoRecordingFiles(params, sourceDir).map((f) => ({
        path: f.path,
        name: path.basename(f.path),
        relativePath: f.relativePath,
        // The 'folder' rule: the folder holding the file names the infant (by its external id).
        infantId: findInfantByExternalId(this.ctx.db, f.externalId)!.id,
        ownedCopy: f.owned,
      }))
      const counts = await runImport(this.ctx, items, who, scaled(h, importStart, 1))
      if (h.signal.aborted) throw new DOMException('cancelled', 'AbortError')
      const cries = countInfantsCries(this.ctx.db, infantIds)
      const result: DemoResult = { infants: infantIds.length, ...counts, cries }
      this.save(
        source,
        { ...this.record(source)!, state: 'ready', result, at: new Date().toISOString() },
        who,
        'demo.ready',
      )
      this.ctx.emit('changed', { entity: 'infants' })
      this.opts.log?.(
        `demo ward ready in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${result.infants} infants, ` +
          `${result.imported + result.duplicates} recordings, ${result.cries} cries`,
      )
      return result
    } catch (err) {
      const e = err as Error
      const aborted = h.signal.aborted || e.name === 'AbortError'
      // A shutdown leaves the record 'building': the next start carries on.
      if (!(aborted && this.closing)) {
        this.save(
          source,
          {
            ...this.record(source)!,
            state: aborted ? 'cancelled' : 'failed',
            error: aborted ? undefined : e.message,
            at: new Date().toISOString(),
          },
          who,
          aborted ? 'demo.cancel' : 'demo.fail',
        )
        this.ctx.emit('changed', { entity: 'infants' })
      }
      throw err
    }
  }

  /** The demo's infants, created once (found again by their DEMO-… id when a build resumes). */
  private createInfants(params: DemoParams, who: Actor): number[] {
    const { db } = this.ctx
    const ids = db.transaction(() => {
      const out: number[] = []
      for (const spec of demoInfants(params)) {
        const found = findInfantByExternalId(db, spec.externalId)
        if (found) {
          out.push(found.id)
          continue
        }
        const created = insertInfant(db, spec)
        appendAudit(db, who, 'infant.create', 'infant', created.id, null, { ...spec, via: 'demo' })
        out.push(created.id)
      }
      const rec = this.record(params.source)!
      putSetting(db, recordKey(params.source), { ...rec, infantIds: out }, who.username)
      return out
    })()
    this.ctx.emit('changed', { entity: 'infants' })
    return ids
  }

  /** Removes every demo infant with its data and the demo's files; patients are never touched. */
  remove(who: Actor): { infants: number; recordings: number } {
    const { db } = this.ctx
    if (SOURCES.some((s) => this.liveJob(s)))
      throw new IclasError('conflict', 'The demo ward is being built: cancel its job first')
    const ids = [...this.demoInfantIds()]
    const present = SOURCES.filter((s) => this.record(s) && this.record(s)!.state !== 'removed')
    if (!present.length) return { infants: 0, recordings: 0 }
    const removed = db.transaction(() => {
      const r = removeInfantsWithData(db, ids)
      for (const s of present)
        this.save(
          s,
          { ...this.record(s)!, state: 'removed', infantIds: [], at: new Date().toISOString() },
          who,
          'demo.remove',
        )
      // Without the demo ward the workstation is a real ward: PINs become mandatory.
      setDemoMode(db, false, who, 'the demo ward was removed')
      return r
    })()
    // Demo audio is simulated or public: removed, not quarantined like patients' audio.
    for (const rel of removed.audioPaths) fs.rmSync(dataFile(this.ctx.dataDir, rel), { force: true })
    fs.rmSync(demoSourceDir(this.ctx.dataDir), { recursive: true, force: true })
    for (const entity of ['infants', 'recordings', 'cries', 'alerts', 'models'] as const)
      this.ctx.emit('changed', { entity })
    return { infants: removed.infants, recordings: removed.recordings }
  }

  /** Before the core aborts its jobs on shutdown: a demo build stopped now carries on at the next start. */
  close(): void {
    this.closing = true
  }
}

export interface DemoDeps {
  /** The core's demo ward. */
  demo: DemoWard
  /** Shape of a ward built from the UI (ICLAS_DEMO_CONFIG; default 6 infants × 7 days). */
  shape?: () => DemoWardShape
}

export function demoService(
  _ctx: ServiceContext,
  { demo, shape = () => ({}) }: DemoDeps,
): Service<'demoStatus' | 'buildDemoWard' | 'removeDemoWard'> {
  return service({
    demoStatus: () => demo.status(),
    buildDemoWard: (options, { user }) =>
      demo.build(simulatedDemoParams({ ...shape(), ...options }), actor(user)),
    removeDemoWard: (_p, { user }) => demo.remove(actor(user)),
  })
}

/** ICLAS_DEMO_CONFIG: a JSON object shrinking or reshaping the demo ward (tests, slow machines). */
export function demoShapeFromEnv(env: NodeJS.ProcessEnv = process.env): DemoWardShape {
  if (!env.ICLAS_DEMO_CONFIG) return {}
  let shape: unknown
  try {
    shape = JSON.parse(env.ICLAS_DEMO_CONFIG)
  } catch (err) {
    throw new Error(`ICLAS_DEMO_CONFIG is not JSON: ${(err as Error).message}`)
  }
  if (!shape || typeof shape !== 'object' || Array.isArray(shape))
    throw new Error('ICLAS_DEMO_CONFIG must be a JSON object, e.g. {"infants":2,"days":2}')
  return shape as DemoWardShape
}

/** A job handle whose progress fills [from, to] of the outer job's bar (the import phase of the demo). */
function scaled(h: JobHandle, from: number, to: number): JobHandle {
  return {
    id: h.id,
    signal: h.signal,
    progress: (f, m) => h.progress(from + f * (to - from), m),
    setFiles: (files) => h.setFiles(files),
    updateFile: (i, o) => h.updateFile(i, o),
  }
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

function summary(r: DemoRecord): Record<string, unknown> {
  return {
    state: r.state,
    jobId: r.jobId,
    source: r.params.source,
    ward: r.params.source === 'simulated' ? { ...r.params.ward } : { minRecordings: r.params.minRecordings },
    infants: r.infantIds.length,
    ...(r.error ? { error: r.error } : {}),
    ...(r.result ? { result: r.result } : {}),
  }
}
