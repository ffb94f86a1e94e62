// Evaluations from the workstation: datasets by id (shared, registered with `iclas datasets add`, the simulated
// ward), options turned into the command's arguments (never a path from the caller), and a protocol run as a job
// whose report is exactly the JSON `iclas eval <protocol> --json` writes for the same data, with ROC points.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasetsCommand } from '../../src/main/cli/commands/datasets'
import { gateProtocol } from '../../src/main/cli/commands/eval-gate'
import { segmentationProtocol } from '../../src/main/cli/commands/eval-segmentation'
import { coreClient, coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { evalRequest } from '../../src/main/core/services/evaluation'
import { evaluate } from '../../src/main/workers/evaluate'
import type { KnownDataset } from '../../src/main/core/services/evaluation-datasets'
import type { EvaluationRun, EvalOptions } from '../../src/shared/contract'
import { writeTinyDataset } from '../helpers/tiny-dataset'

let dir: string
let core: Core
let researcher: string
let tiny: string
const api = (sid: string) => coreClient(core, sid)

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-evaluation-'))
  tiny = writeTinyDataset(path.join(dir, 'tiny'))
  const quiet = console.log
  console.log = () => undefined
  try {
    expect(
      await datasetsCommand.run(['add', tiny, '--name', 'Tiny set', '--data-dir', path.join(dir, 'data')]),
    ).toBe(0)
  } finally {
    console.log = quiet
  }
  core = new Core({ dataDir: path.join(dir, 'data'), mode: 'test', workers: 1, log: () => undefined })
  researcher = core.openSession()
  core.signInDirect(researcher, 'researcher')
})
afterAll(async () => {
  await core?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Runs a protocol's command in this process with --json, as a user would, and returns its JSON. */
async function cliJson(run: (argv: string[]) => Promise<number | void>, argv: string[]): Promise<unknown> {
  const file = path.join(dir, `cli-${Math.random()}.json`)
  const saved = { log: console.log, error: console.error }
  console.log = console.error = () => undefined
  try {
    await run([...argv, '--json', file])
  } finally {
    Object.assign(console, saved)
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

async function finished(jobId: string): Promise<EvaluationRun> {
  await core.ctx.jobs.idle()
  const runs = await api(researcher).listEvaluations({})
  return runs.find((r) => r.jobId === jobId)!
}

describe('evaluation datasets', () => {
  it('lists the registered folder, the simulated ward and (where present) ../shared/datasets, by id', async () => {
    const c = await api(researcher).evaluationChoices({})
    const mine = c.datasets.find((d) => d.id === 'registered:tiny-set')!
    expect(mine).toMatchObject({
      name: 'Tiny set',
      origin: 'registered',
      schema: 'clips',
      clips: 10,
      withSegments: 6,
    })
    expect(mine.labels).toEqual(['cry', 'icu-alarm', 'room-silence'])
    expect(JSON.stringify(c)).not.toContain(dir) // no folder leaves the core
    expect(c.datasets.some((d) => d.id === 'builtin:simulated-ward')).toBe(true)
    expect(c.defaults.drift).toContain('builtin:simulated-ward')
    const shared = c.datasets.filter((d) => d.origin === 'shared')
    if (!shared.length) console.log('[evaluation] ../shared/datasets absent: shared datasets not checked')
    else expect(c.defaults.gate.every((id) => id.startsWith('shared:'))).toBe(true)
  })

  it('turns options into the protocol’s options, as the command would, and refuses datasets a protocol cannot use', () => {
    const ds = (id: string, schema: KnownDataset['schema'], d: string | null): KnownDataset => ({
      id,
      name: id,
      origin: 'shared',
      schema,
      clips: 1,
      withSegments: 0,
      labels: [],
      problem: null,
      dir: d,
    })
    const dac = ds('shared:donateacry', 'donateacry', '/d/donateacry')
    const neg = ds('shared:negatives', 'clips', '/d/negatives')
    const sim = ds('builtin:simulated-ward', 'simulated', null)
    const o = (x: Record<string, unknown>) => x as EvalOptions
    expect(evalRequest(o({ protocol: 'gate', method: 'autocorr' }), [dac, neg])).toEqual({
      protocol: 'gate',
      options: { data: ['/d/donateacry', '/d/negatives'], method: 'autocorr' },
    })
    expect(evalRequest(o({ protocol: 'segmentation', method: 'cry', negatives: false }), [dac])).toEqual({
      protocol: 'segmentation',
      options: { data: ['/d/donateacry'], method: 'cry', negatives: false, gainDb: 0 },
    })
    expect(
      evalRequest(
        o({ protocol: 'anomaly', models: ['ae', 'gmm'], backbones: ['acoustic'], percentile: 95, seed: 2 }),
        [dac],
      ),
    ).toEqual({
      protocol: 'anomaly',
      options: {
        data: ['/d/donateacry'],
        models: ['ae', 'gmm'],
        backbones: ['acoustic'],
        percentile: 95,
        threshold: 'calibrated',
        cryScore: 'percentile',
        seed: 2,
        pool: 'same-platform',
        provider: 'cpu',
      },
    })
    expect(
      evalRequest(o({ protocol: 'drift', model: 'gmm', backbone: 'default', seed: 1 }), [sim]),
    ).toMatchObject({
      protocol: 'drift',
      options: { scenarios: ['sim'], data: undefined },
    })
    expect(
      evalRequest(o({ protocol: 'drift', model: 'gmm', backbone: 'default', seed: 1 }), [sim, dac]),
    ).toMatchObject({ protocol: 'drift', options: { scenarios: ['sim', 'real'], data: '/d/donateacry' } })
    expect(() => evalRequest(o({ protocol: 'gate', method: 'autocorr' }), [sim])).toThrow(/protocol E only/)
    expect(() =>
      evalRequest(o({ protocol: 'anomaly', models: ['gmm'], backbones: [], percentile: 95, seed: 1 }), [neg]),
    ).toThrow(/Donate-a-Cry-like/)
  })

  it('refuses unknown dataset ids and path-like ones', async () => {
    expect(
      await coreWire(core, researcher).runEvaluation({
        datasetIds: ['registered:nope'],
        options: { protocol: 'gate' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(
      await coreWire(core, researcher).runEvaluation({ datasetIds: [tiny], options: { protocol: 'gate' } }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    const nurse = core.openSession()
    core.signInDirect(nurse, 'nurse')
    expect(await coreWire(core, nurse).evaluationChoices({})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
  })
})

describe('runEvaluation', () => {
  it('runs protocol B as a job whose report is the command’s own JSON, with ROC points, and audits the run', async () => {
    const { jobId } = await api(researcher).runEvaluation({
      datasetIds: ['registered:tiny-set'],
      options: { protocol: 'gate', method: 'autocorr' },
    })
    const run = await finished(jobId)
    expect(run.state, run.error ?? '').toBe('done')
    expect(run.protocol).toBe('gate')
    const report = run.report as {
      auc: number
      positives: number
      negatives: number
      roc: { fpr: number; tpr: number }[]
    }
    expect(report).toMatchObject({ positives: 6, negatives: 4 })
    expect(report.roc[0]).toEqual({ fpr: 0, tpr: 0 })
    expect(report.roc[report.roc.length - 1]).toEqual({ fpr: 1, tpr: 1 })
    expect(run.text).toContain('Protocol B')
    expect(report).toEqual(
      await cliJson((a) => gateProtocol.run(a), ['--data', tiny, '--method', 'autocorr']),
    )
    const audit = core.db
      .prepare("SELECT username, after_json FROM audit_log WHERE action = 'evaluation.run' ORDER BY id DESC")
      .get() as { username: string; after_json: string }
    expect(audit.username).toBe('researcher')
    expect(JSON.parse(audit.after_json)).toMatchObject({
      protocol: 'gate',
      datasetIds: ['registered:tiny-set'],
    })
  })

  it('runs protocol A on the TextGrids of a registered folder, as the command does', async () => {
    const { jobId } = await api(researcher).runEvaluation({
      datasetIds: ['registered:tiny-set'],
      options: { protocol: 'segmentation', method: 'energy', negatives: false },
    })
    const run = await finished(jobId)
    expect(run.state, run.error ?? '').toBe('done')
    const report = run.report as { clips: number; frame_f1: number; segment_x_realtime: number }
    expect(report.clips).toBe(6)
    expect(report.frame_f1).toBeGreaterThan(0.3)
    const cli = (await cliJson(
      (a) => segmentationProtocol.run(a),
      ['--data', tiny, '--method', 'energy', '--no-negatives'],
    )) as typeof report
    // Speed differs between runs; every figure does not.
    expect({ ...report, segment_x_realtime: 0 }).toEqual({ ...cli, segment_x_realtime: 0 })
  })

  it('forwards the protocol’s progress as it works (not parsed from printed lines) and stops when cancelled', async () => {
    const request = evalRequest({ protocol: 'segmentation', method: 'energy', negatives: false }, [
      {
        id: 'registered:tiny-set',
        name: 'Tiny set',
        origin: 'registered',
        schema: 'clips',
        clips: 10,
        withSegments: 6,
        labels: [],
        problem: null,
        dir: tiny,
      },
    ])
    const seen: { fraction: number; message?: string }[] = []
    const result = await evaluate(request, {
      signal: new AbortController().signal,
      progress: (fraction, message) => seen.push({ fraction, message }),
    })
    // One step per clip scored, in order, each a share of the whole run.
    const clips = seen.filter((p) => /clips$/.test(p.message ?? ''))
    expect(clips.map((p) => p.message)).toEqual([1, 2, 3, 4, 5, 6].map((k) => `${k}/6 clips`))
    expect(clips.map((p) => p.fraction)).toEqual([1, 2, 3, 4, 5].map((k) => k / 6).concat(0.99))
    expect(result.text).toContain('Protocol A')
    const cli = (await cliJson(
      (a) => segmentationProtocol.run(a),
      ['--data', tiny, '--method', 'energy', '--no-negatives'],
    )) as { segment_x_realtime: number }
    expect({ ...(result.report as typeof cli), segment_x_realtime: 0 }).toEqual({
      ...cli,
      segment_x_realtime: 0,
    })

    const ac = new AbortController()
    await expect(evaluate(request, { signal: ac.signal, progress: () => ac.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    })
  })
})
