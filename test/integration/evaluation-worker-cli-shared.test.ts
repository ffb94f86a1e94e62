// The Evaluation screen's path (runEvaluation: dataset ids → the service's typed request → the evaluation
// worker's job) and `iclas eval <protocol> --json` give the same JSON, timings aside, for protocols A, C, D and E
// on real cries: two Donate-a-Cry infants of ../shared (one platform, ≥ 6 cry recordings each, every one with
// hand-marked cries, so protocol E's real scenario and protocol D's anomalies have what they need), registered
// as a dataset of their own so it runs in under a minute. Protocol B (its autocorrelation method) and A's energy
// method are compared on the project's own tiny dataset in evaluation-service.test.ts.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sharedDatasetsDir } from '../../src/main/cli/data-dir'
import { datasetsCommand } from '../../src/main/cli/commands/datasets'
import { anomalyProtocol } from '../../src/main/cli/commands/eval-anomaly'
import { driftProtocol } from '../../src/main/cli/commands/eval-drift'
import { segmentationProtocol } from '../../src/main/cli/commands/eval-segmentation'
import { verificationProtocol } from '../../src/main/cli/commands/eval-verification'
import { coreClient } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { parseCsv } from '../../src/main/evaluation/datasets'
import type { EvalOptions, EvaluationRun } from '../../src/shared/contract'
import { scaled } from '../helpers/time-scale'

const DAC = path.join(sharedDatasetsDir(), 'donateacry')
const hasShared = fs.existsSync(path.join(DAC, 'manifest.csv'))
if (!hasShared)
  console.warn(
    `evaluation-worker-cli-shared: skipped, ${DAC} is absent (../shared is not beside the checkout)`,
  )

const INFANTS = ['DAC-549a46d8-m', 'DAC-aaa57dbd-f']
/** Keys that time the run, not what it found. */
const TIMING = new Set(['fit_seconds', 'segment_x_realtime', 'x_realtime'])

let dir: string
let core: Core
let researcher: string
let small: string

/** The report without its timings. */
function figures(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(figures)
  if (x && typeof x === 'object')
    return Object.fromEntries(
      Object.entries(x)
        .filter(([k]) => !TIMING.has(k))
        .map(([k, v]) => [k, figures(v)]),
    )
  return x
}

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

/** Runs a protocol as the Evaluation screen does and returns the finished run. */
async function screenRun(options: EvalOptions): Promise<EvaluationRun> {
  const api = coreClient(core, researcher)
  const { jobId } = await api.runEvaluation({ datasetIds: ['registered:dac-two'], options })
  await core.ctx.jobs.idle()
  const run = (await api.listEvaluations({})).find((r) => r.jobId === jobId)!
  expect(run.state, run.error ?? '').toBe('done')
  return run
}

describe.skipIf(!hasShared)('the evaluation worker and iclas eval on ../shared cries', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-eval-shared-'))
    // The two infants' rows of the manifest, their audio read where it lies.
    small = path.join(dir, 'dac-two')
    fs.mkdirSync(small)
    fs.symlinkSync(path.join(DAC, 'audio'), path.join(small, 'audio'))
    fs.symlinkSync(path.join(DAC, '..', 'cry-segments'), path.join(small, 'cry-segments'))
    const text = fs.readFileSync(path.join(DAC, 'manifest.csv'), 'utf8')
    const lines = text.split(/\r?\n/).filter((l) => l.trim())
    const infantCol = parseCsv(lines[0]!)[0]!.indexOf('infant_id')
    const kept = lines.slice(1).filter((l) => INFANTS.includes(parseCsv(l)[0]![infantCol]!))
    expect(kept.length).toBe(13)
    fs.writeFileSync(path.join(small, 'manifest.csv'), [lines[0], ...kept, ''].join('\n'))
    const quiet = console.log
    console.log = () => undefined
    try {
      expect(
        await datasetsCommand.run(['add', small, '--name', 'DAC two', '--data-dir', path.join(dir, 'data')]),
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
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it(
    'protocol A (segmentation, the learned detector): the same JSON',
    async () => {
      const run = await screenRun({ protocol: 'segmentation', method: 'cry', negatives: true })
      const cli = await cliJson((a) => segmentationProtocol.run(a), ['--data', small])
      expect(cli).toMatchObject({ clips: 13 })
      expect(figures(run.report)).toEqual(figures(cli))
    },
    scaled(60_000),
  )

  it(
    'protocol C (verification): the same JSON',
    async () => {
      const run = await screenRun({
        protocol: 'verification',
        backbones: ['acoustic'],
        segments: 'project',
        scoreNorm: 'none',
      })
      const cli = await cliJson(
        (a) => verificationProtocol.run(a),
        ['--data', small, '--backbone', 'acoustic'],
      )
      expect(cli).toMatchObject({ backbone: 'acoustic', infant_ids: INFANTS, recordings: 13 })
      expect(figures(run.report)).toEqual(figures(cli))
    },
    scaled(60_000),
  )

  it(
    'protocol D (anomaly): the same JSON',
    async () => {
      const run = await screenRun({
        protocol: 'anomaly',
        models: ['gmm'],
        backbones: ['acoustic'],
        percentile: 95,
        seed: 1,
      })
      const cli = await cliJson(
        (a) => anomalyProtocol.run(a),
        ['--data', small, '--model', 'gmm', '--backbone', 'acoustic'],
      )
      expect(cli).toMatchObject({ protocol: 'D', model: 'gmm', backbone: 'acoustic' })
      expect(figures(run.report)).toEqual(figures(cli))
    },
    scaled(60_000),
  )

  it(
    'protocol E (drift, real-cry scenario): the same JSON',
    async () => {
      const run = await screenRun({ protocol: 'drift', model: 'gmm', backbone: 'acoustic', seed: 1 })
      const cli = await cliJson(
        (a) => driftProtocol.run(a),
        ['--scenario', 'real', '--data', small, '--backbone', 'acoustic', '--model', 'gmm'],
      )
      expect(cli).toMatchObject({ scenario: 'real' })
      expect(Object.keys((cli as { policies: object }).policies).length).toBeGreaterThan(0)
      expect(figures(run.report)).toEqual(figures(cli))
    },
    scaled(60_000),
  )
})
