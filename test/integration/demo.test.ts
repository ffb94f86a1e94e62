// The demo ward through a real Core on temporary data folders, with a tiny ward (2 infants × 2 days × two 3-minute
// sessions): one job (simulation, then the real import with analysis) with progress events; labelled infants,
// recordings and cries in the store and the ground truth beside them; a second build does nothing; patients'
// workstations refuse it; cancel, shutdown and SIGKILL in the middle all end in the same complete ward; the first
// start builds it once and never again; an admin removes it.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { sharedDatasetsDir } from '../../src/main/cli/data-dir'
import { coreClient, coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import type { DemoWardShape } from '../../src/main/core/services/demo-sources'
import { readDataset } from '../../src/main/evaluation/datasets'
import { planWard } from '../../src/main/engine/sim'
import type { Job } from '../../src/shared/contract'
import { changedTables, fingerprint } from '../helpers/store-fingerprint'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-demo-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const SHAPE: DemoWardShape = {
  infants: 2,
  days: 2,
  deviating: 1,
  seed: 3,
  hoursPerDay: 0.1,
  sessionsPerDay: 2,
  cryRate: 3,
  start: '2026-03-02T00:00:00',
}
const PLANNED = planWard({ ...SHAPE, labelPrefix: 'DEMO' }).recordings.length

let dirs = 0
function newCore(dataDir = path.join(tmp, `data-${++dirs}`)): Core {
  return new Core({
    dataDir,
    mode: 'test',
    workers: 1,
    log: () => undefined,
    demoShape: SHAPE,
    refitDebounceMs: 50,
  })
}

function sessionOf(core: Core, role: string) {
  const sid = core.openSession()
  core.signInDirect(sid, role)
  return coreClient(core, sid)
}

/** Every event of the demo job until it settles. */
function jobEvents(core: Core, until: (j: Job) => boolean = (j) => j.state !== 'running') {
  const events: Job[] = []
  const settled = new Promise<Job>((resolve) => {
    const on = (name: string, job: Job) => {
      if (name !== 'job' || job.kind !== 'demo') return
      events.push(job)
      if (until(job)) {
        core.events.off('event', on)
        resolve(job)
      }
    }
    core.events.on('event', on)
  })
  return { events, settled }
}

const count = (core: Core, sql: string) => (core.db.prepare(sql).get() as { n: number }).n

describe('demo ward', () => {
  const first = newCore()
  afterAll(() => first.close())

  it('first start builds it as one job: simulation then import, progress events, labelled infants, cries, truth', async () => {
    const { events, settled } = jobEvents(first)
    const jobId = first.demo.startOnFirstRun({ shape: SHAPE })
    expect(jobId).toMatch(/^demo_/)
    const nurse = sessionOf(first, 'nurse')
    expect(await nurse.demoStatus({})).toMatchObject({
      state: 'building',
      jobId,
      source: 'simulated',
    })
    expect((await nurse.systemInfo({})).demo).toMatchObject({ state: 'building' })

    const job = await settled
    expect(job).toMatchObject({ id: jobId, kind: 'demo', state: 'done', progress: 1 })
    const progress = events.map((e) => e.progress)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    const messages = events.map((e) => e.message ?? '')
    const lastSim = messages.findLastIndex((m) => m.startsWith('Simulating recordings'))
    const firstImport = messages.findIndex((m) => m.startsWith('Importing'))
    expect(lastSim).toBeGreaterThanOrEqual(0)
    expect(firstImport).toBeGreaterThan(lastSim)
    expect(job.files).toHaveLength(PLANNED)
    expect(job.files.every((f) => f.status === 'imported')).toBe(true)

    const infants = await nurse.listInfants({})
    expect(infants.map((i) => [i.label, i.externalId, i.recordingCount])).toEqual([
      ['Demo 1 (simulated)', 'DEMO-01', PLANNED / 2],
      ['Demo 2 (simulated)', 'DEMO-02', PLANNED / 2],
    ])
    expect(infants.every((i) => /not a patient/.test(i.notes ?? ''))).toBe(true)
    const cries = count(first, 'SELECT COUNT(*) AS n FROM cries')
    expect(cries).toBeGreaterThan(10)
    // The import's analysis ran: every cry embedded and gated.
    expect(count(first, "SELECT COUNT(*) AS n FROM cries WHERE decision = 'pending'")).toBe(0)
    // (one embedding per cry and backbone: the default one, plus those the cry classifier also reads)
    expect(count(first, 'SELECT COUNT(DISTINCT cry_id) AS n FROM cry_embeddings')).toBe(cries)
    // Recording times come from the simulator's file names (local time, as the truth writes them).
    const truth = JSON.parse(
      fs.readFileSync(path.join(first.options.dataDir, 'demo-source', 'ground-truth.json'), 'utf8'),
    ) as { recordings: { file: string; start: string }[]; infants: { deviationStart: string | null }[] }
    expect(truth.recordings).toHaveLength(PLANNED)
    expect(truth.infants.filter((i) => i.deviationStart)).toHaveLength(1)
    const times = first.db.prepare('SELECT file_name AS f, recorded_at AS t FROM recordings').all() as {
      f: string
      t: string
    }[]
    for (const r of truth.recordings) {
      const [y, mo, d, h, mi, s] = r.start.split(/[-T:]/).map(Number) as number[]
      const rec = times.find((x) => x.f === path.basename(r.file))!
      expect(Date.parse(rec.t)).toBe(new Date(y!, mo! - 1, d, h, mi, s).getTime())
    }
    // Imported sources are removed (their working copies are in audio/); the ground truth stays.
    const left = fs.readdirSync(path.join(first.options.dataDir, 'demo-source'), { recursive: true })
    expect(left.filter((f) => String(f).endsWith('.wav'))).toEqual([])
    const status = await nurse.demoStatus({})
    expect(status).toMatchObject({ state: 'ready', infants: 2, canBuild: true })
    expect(status.message).toMatch(/not patients/)
    const actions = (
      first.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'demo.%'").all() as {
        action: string
      }[]
    ).map((r) => r.action)
    expect(actions).toEqual(['demo.first_start', 'demo.build', 'demo.ready'])
  })

  it('building again does nothing, and the first start never builds again', async () => {
    const before = fingerprint(first.db, first.options.dataDir)
    const nurse = sessionOf(first, 'nurse')
    expect(await nurse.buildDemoWard({})).toEqual({ jobId: null, state: 'ready' })
    expect(first.demo.startOnFirstRun({ shape: SHAPE })).toBeNull()
    await first.ctx.jobs.idle()
    const after = fingerprint(first.db, first.options.dataDir)
    expect(changedTables(before, after)).toEqual([])
    expect(after.jobCount).toBe(before.jobCount)
    expect(after.files).toBe(before.files)
  })

  it('an admin removes it: infants, recordings, cries and their audio go; patients are never touched', async () => {
    const nurse = sessionOf(first, 'nurse')
    const admin = sessionOf(first, 'admin')
    const patient = await nurse.createInfant({ label: 'Bed 4' })
    expect(await coreWire(first, first.openSession()).removeDemoWard({})).toMatchObject({ ok: false })
    const audio = first.db.prepare('SELECT audio_path AS p FROM recordings').all() as { p: string }[]
    expect(await admin.removeDemoWard({})).toEqual({ infants: 2, recordings: PLANNED })
    expect((await nurse.listInfants({})).map((i) => i.id)).toEqual([patient.id])
    expect(count(first, 'SELECT COUNT(*) AS n FROM cries')).toBe(0)
    expect(count(first, 'SELECT COUNT(*) AS n FROM anomaly_models')).toBe(0)
    expect(audio.some((a) => fs.existsSync(path.join(first.options.dataDir, a.p)))).toBe(false)
    expect(fs.existsSync(path.join(first.options.dataDir, 'demo-source'))).toBe(false)
    expect(await nurse.demoStatus({})).toMatchObject({ state: 'absent', canBuild: false })
    // A workstation with patients refuses a new demo, and writes nothing.
    const before = fingerprint(first.db, first.options.dataDir)
    await expect(nurse.buildDemoWard({})).rejects.toMatchObject({ code: 'conflict' })
    expect(changedTables(before, fingerprint(first.db, first.options.dataDir))).toEqual([])
  })

  it('a data folder with infants, or started with --no-demo, gets no demo at first start', async () => {
    const withData = newCore()
    try {
      await sessionOf(withData, 'nurse').createInfant({ label: 'Bed 1' })
      expect(withData.demo.startOnFirstRun({ shape: SHAPE })).toBeNull()
      expect(withData.demo.status()).toMatchObject({ state: 'absent', canBuild: false })
    } finally {
      await withData.close()
    }
    const skipped = newCore()
    try {
      expect(skipped.demo.startOnFirstRun({ skip: true, shape: SHAPE })).toBeNull()
      // Skipping is for this start only: nothing recorded, the next start still offers it.
      expect(count(skipped, "SELECT COUNT(*) AS n FROM settings WHERE key LIKE 'demo.%'")).toBe(0)
      expect(skipped.demo.status()).toMatchObject({ state: 'absent', canBuild: true })
      // A shape the simulator refuses is logged, and the workstation starts without the demo.
      expect(skipped.demo.startOnFirstRun({ shape: { ...SHAPE, days: 0 } })).toBeNull()
      expect(skipped.demo.status()).toMatchObject({ state: 'absent', canBuild: true })
    } finally {
      await skipped.close()
    }
  })

  it('cancelled, it stops with nothing half-imported; building again carries on to the same ward', async () => {
    const core = newCore()
    try {
      const researcher = sessionOf(core, 'researcher')
      // Cancel once the import phase has imported a file.
      const { settled } = jobEvents(core, (j) => j.files.some((f) => f.status === 'imported'))
      const { jobId } = await researcher.buildDemoWard({})
      await settled
      const end = jobEvents(core)
      expect(await researcher.cancelJob({ jobId: jobId! })).toEqual({ ok: true })
      expect((await end.settled).state).toBe('cancelled')
      const partial = count(core, 'SELECT COUNT(*) AS n FROM recordings')
      expect(partial).toBeGreaterThan(0)
      expect(partial).toBeLessThan(PLANNED)
      const status = await researcher.demoStatus({})
      expect(status).toMatchObject({ state: 'absent', canBuild: true, infants: 2 })
      expect(status.message).toMatch(/stopped/)

      const again = jobEvents(core)
      const second = await researcher.buildDemoWard({})
      expect(second.jobId).not.toBe(jobId)
      expect((await again.settled).state).toBe('done')
      expect(count(core, 'SELECT COUNT(*) AS n FROM recordings')).toBe(PLANNED)
      expect(count(core, 'SELECT COUNT(*) AS n FROM infants')).toBe(2)
      expect(core.demo.status().state).toBe('ready')
    } finally {
      await core.close()
    }
  })

  it('stopped by a shutdown, it carries on at the next start', async () => {
    const dataDir = path.join(tmp, 'shutdown')
    const a = newCore(dataDir)
    const { settled } = jobEvents(a, (j) => j.files.some((f) => f.status === 'imported'))
    a.demo.startOnFirstRun({ shape: SHAPE })
    await settled
    await a.close()
    const b = newCore(dataDir)
    try {
      expect(b.demo.status().state).toBe('building')
      const { settled: done } = jobEvents(b)
      b.recover()
      expect((await done).state).toBe('done')
      expect(count(b, 'SELECT COUNT(*) AS n FROM recordings')).toBe(PLANNED)
      expect(b.demo.status().state).toBe('ready')
      expect(b.demo.startOnFirstRun({ shape: SHAPE })).toBeNull()
    } finally {
      await b.close()
    }
  })

  it('killed (SIGKILL) in the middle of its import, the same job finishes at the next start', async () => {
    const dataDir = path.join(tmp, 'killed')
    // The CLI itself (bin/iclas.mjs would put a wrapper process between the kill and the core).
    const cli = ['--import', TSX, path.join(ROOT, 'src/main/cli/index.ts'), 'demo', '--data-dir', dataDir]
    const child = spawn(process.execPath, cli, {
      cwd: ROOT,
      env: { ...process.env, ICLAS_DEMO_CONFIG: JSON.stringify(SHAPE) },
      stdio: 'pipe',
    })
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const look = (d: Buffer) => {
        output += d
        // Killed as soon as the import phase has started.
        if (/Importing|Analysing/.test(output)) {
          child.kill('SIGKILL')
          resolve()
        }
      }
      child.stdout.on('data', look)
      child.stderr.on('data', look)
      child.on('exit', () => reject(new Error(`iclas demo ended before its import: ${output}`)))
    })
    await new Promise((r) => child.once('exit', r))
    const core = newCore(dataDir)
    try {
      const interrupted = core.db
        .prepare("SELECT id FROM jobs WHERE kind = 'demo' AND state = 'running'")
        .all()
      expect(interrupted).toHaveLength(1)
      const { settled } = jobEvents(core)
      core.recover()
      const job = await settled
      expect(job).toMatchObject({ id: (interrupted[0] as { id: string }).id, state: 'done' })
      // The recording committed just before the kill is analysed by start-up recovery (the job skips it).
      await core.analysis.recoverPending()
      expect(count(core, 'SELECT COUNT(*) AS n FROM recordings')).toBe(PLANNED)
      expect(count(core, 'SELECT COUNT(DISTINCT content_hash) AS n FROM recordings')).toBe(PLANNED)
      expect(count(core, "SELECT COUNT(*) AS n FROM cries WHERE decision = 'pending'")).toBe(0)
      expect(core.demo.status()).toMatchObject({ state: 'ready', infants: 2 })
    } finally {
      await core.close()
    }
  })
})

const DAC = path.join(sharedDatasetsDir(), 'donateacry')
const haveDac = fs.existsSync(path.join(DAC, 'manifest.csv'))
if (!haveDac) console.log(`[demo] ${DAC} is absent: the demo ward of real cries is not tested here`)

describe.skipIf(!haveDac)('demo ward of real Donate-a-Cry cries (iclas demo --real)', () => {
  it('imports the cry recordings of infants with at least six, as they are, with their real times', async () => {
    const clips = readDataset(DAC).clips.filter(
      (c) => c.infantId && (c.curation === 'cry' || c.curation === 'unreviewed'),
    )
    const perInfant = new Map<string, typeof clips>()
    for (const c of clips) perInfant.set(c.infantId!, [...(perInfant.get(c.infantId!) ?? []), c])
    const chosen = [...perInfant].filter(([, cs]) => cs.length >= 6)
    const core = newCore()
    try {
      const { settled } = jobEvents(core)
      const who = { userId: null, username: 'test', role: 'admin' }
      core.demo.build({ source: 'donateacry', datasetDir: DAC, minRecordings: 6 }, who)
      expect((await settled).state).toBe('done')
      const list = await sessionOf(core, 'nurse').listInfants({})
      expect(list).toHaveLength(chosen.length)
      expect(list.every((i) => /^Demo \d+ \(Donate-a-Cry\)$/.test(i.label))).toBe(true)
      for (const [dacId, cs] of chosen) {
        const infant = list.find((i) => i.externalId === `DEMO-${dacId}`)!
        expect(infant.recordingCount, dacId).toBe(cs.length)
        const times = (
          core.db.prepare('SELECT recorded_at AS t FROM recordings WHERE infant_id = ?').all(infant.id) as {
            t: string
          }[]
        ).map((r) => Date.parse(r.t))
        for (const c of cs)
          expect(times.some((t) => Math.abs(t - Date.parse(c.recordedAt!)) < 1000)).toBe(true)
      }
      // The shared dataset is read, never moved or removed.
      expect(clips.every((c) => fs.existsSync(c.file))).toBe(true)
      expect(core.demo.status()).toMatchObject({ state: 'ready', source: 'donateacry' })
    } finally {
      await core.close()
    }
  })
})
