// Where the demo ward's recordings come from: the ward simulator (the default; recordings written into the data
// folder's demo-source/, one folder per infant, with the ground truth beside them) or real Donate-a-Cry cries
// (the command line's --real: infants with enough cry recordings, their files as they are, with their real times).
import fs from 'node:fs'
import path from 'node:path'
import { readDataset } from '../../evaluation/datasets'
import {
  GROUND_TRUTH_FILE,
  GROUND_TRUTH_FORMAT,
  planWard,
  resolveWardConfig,
  wardGroundTruth,
  type RecordingTruth,
  type WardConfig,
  type WardGroundTruth,
} from '../../engine/sim'
import type { DemoWardOptions } from '../../../shared/contract'
import type { ServiceContext } from '../context'

/** Every demo infant's external id starts with this, so no one takes one for a patient's hospital number. */
export const DEMO_ID_PREFIX = 'DEMO-'

/**
 * The default demo ward: 6 infants over 7 days, two of them developing a deviation, each recorded in two
 * 7.5-minute sessions a day around care times (crying 4× the simulator's average: 10.5 h of audio, about
 * 2,600 cries, 1.2 GB of working copies). Sized so that simulation, import, embedding and the personal models
 * finish in about a minute and a half on two busy cores (README), with enough cries after each change to track,
 * while the baseline period (30 cries from 3 recordings) ends before any deviation starts (50–65 % into the week).
 */
export const DEMO_WARD_DEFAULTS = {
  infants: 6,
  days: 7,
  deviating: 2,
  seed: 1,
  hoursPerDay: 0.25,
  sessionsPerDay: 2,
  cryRate: 4,
} as const

/** What a build needs to redo itself after a crash: stored as the demo job's params. */
export type DemoParams =
  | { source: 'simulated'; ward: WardConfig }
  | { source: 'donateacry'; datasetDir: string; minRecordings: number }

/** The size knobs tests and `ICLAS_DEMO_CONFIG` may set beyond the contract's options. */
export type DemoWardShape = DemoWardOptions &
  Partial<Pick<WardConfig, 'hoursPerDay' | 'sessionsPerDay' | 'cryRate' | 'start'>>

/** The simulated ward for these options; it ends at the last midnight, so the ward looks recent. */
export function simulatedDemoParams(options: DemoWardShape = {}, now = new Date()): DemoParams {
  const days = options.days ?? DEMO_WARD_DEFAULTS.days
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days)
  const p2 = (n: number) => String(n).padStart(2, '0')
  const local = `${start.getFullYear()}-${p2(start.getMonth() + 1)}-${p2(start.getDate())}T00:00:00`
  const infants = options.infants ?? DEMO_WARD_DEFAULTS.infants
  const ward = resolveWardConfig({
    seed: options.seed ?? DEMO_WARD_DEFAULTS.seed,
    infants,
    days,
    // Two deviating infants in the default ward; a third of a smaller one.
    deviating: options.deviating ?? Math.min(DEMO_WARD_DEFAULTS.deviating, Math.floor(infants / 3)),
    hoursPerDay: options.hoursPerDay ?? DEMO_WARD_DEFAULTS.hoursPerDay,
    sessionsPerDay: options.sessionsPerDay ?? DEMO_WARD_DEFAULTS.sessionsPerDay,
    cryRate: options.cryRate ?? DEMO_WARD_DEFAULTS.cryRate,
    start: options.start ?? local,
    labelPrefix: 'DEMO',
  })
  // The simulator starts deviations 35–60 % into the ward; the demo's short sessions need the second half, so
  // each deviating infant has its baseline period behind it (the same seeded draw, mapped onto 50–65 %).
  const spanH = days * 24
  const deviations = planWard(ward)
    .infants.filter((i) => i.deviation)
    .map((i) => ({
      infant: i.index,
      startHour: Math.round(spanH * (0.5 + ((i.deviation!.startS / 3600 / spanH - 0.35) * 0.15) / 0.25)),
    }))
  return { source: 'simulated', ward: { ...ward, deviations } }
}

export interface DemoInfantSpec {
  externalId: string
  label: string
  bed: string
  notes: string
}

/** One file to import, with the external id of the infant whose folder holds it. */
export interface DemoRecordingFile {
  path: string
  relativePath: string
  externalId: string
  /** Owned files are removed once imported (the simulated sources; never the shared datasets). */
  owned: boolean
}

export function describeParams(p: DemoParams): string {
  if (p.source === 'donateacry') return 'real Donate-a-Cry cries'
  const w = p.ward
  return `${w.infants} simulated infant${w.infants === 1 ? '' : 's'} over ${w.days} day${w.days === 1 ? '' : 's'}`
}

export function demoInfants(p: DemoParams): DemoInfantSpec[] {
  if (p.source === 'simulated') {
    const infants = planWard(p.ward).infants
    return infants.map((i, k) => ({
      externalId: i.label, // "DEMO-01": the folder name, as the 'folder' import rule reads it
      label: `Demo ${k + 1} (simulated)`,
      bed: bed('D', k, infants.length),
      notes:
        `Simulated infant of the built-in demo ward (ICLAS ward simulator, seed ${p.ward.seed}): not a patient. ` +
        'Its ground truth is in the data folder, demo-source/ground-truth.json.',
    }))
  }
  const infants = realInfants(p)
  return infants.map(([dacId], k) => ({
    externalId: `${DEMO_ID_PREFIX}${dacId}`,
    label: `Demo ${k + 1} (Donate-a-Cry)`,
    bed: bed('R', k, infants.length),
    notes: `Real cries of Donate-a-Cry infant ${dacId} (ODbL), as a demo: not a patient of this ward.`,
  }))
}

/** Bed names that sort in order on the ward screen (D01…D12 once there are more than nine). */
function bed(prefix: string, k: number, count: number): string {
  return `${prefix}${String(k + 1).padStart(String(count).length, '0')}`
}

/** Donate-a-Cry infants with at least `minRecordings` cry or unreviewed recordings, each with its files in time order. */
function realInfants(p: Extract<DemoParams, { source: 'donateacry' }>): [string, string[]][] {
  const byInfant = new Map<string, { file: string; t: string }[]>()
  for (const c of readDataset(p.datasetDir).clips) {
    if (!c.infantId || (c.curation !== 'cry' && c.curation !== 'unreviewed')) continue
    const list = byInfant.get(c.infantId) ?? byInfant.set(c.infantId, []).get(c.infantId)!
    list.push({ file: c.file, t: c.recordedAt ?? '' })
  }
  return [...byInfant]
    .filter(([, files]) => files.length >= p.minRecordings)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, files]) => [id, files.sort((a, b) => a.t.localeCompare(b.t)).map((f) => f.file)])
}

/** The files still to import, in recording-time order (a personal baseline is the infant's first cries). */
export function demoRecordingFiles(p: DemoParams, sourceDir: string): DemoRecordingFile[] {
  if (p.source === 'donateacry') {
    return realInfants(p).flatMap(([dacId, files]) =>
      files.map((file) => ({
        path: file,
        relativePath: `${DEMO_ID_PREFIX}${dacId}/${path.basename(file)}`,
        externalId: `${DEMO_ID_PREFIX}${dacId}`,
        owned: false,
      })),
    )
  }
  return planWard(p.ward)
    .recordings.map((r) => ({
      path: path.join(sourceDir, ...r.file.split('/')),
      relativePath: r.file,
      externalId: r.infant,
      owned: true,
    }))
    .filter((f) => fs.existsSync(f.path)) // imported ones were removed: a resumed build skips them
}

/**
 * Simulates the ward into `dir`, spreading recordings over the worker pool (at most one per worker, so the
 * pool stays responsive to other work), and writes ground-truth.json last. Resumable: recordings whose file and
 * truth are complete are kept; once ground-truth.json exists the simulation is done.
 */
export async function simulateDemoWard(
  ctx: ServiceContext,
  ward: WardConfig,
  dir: string,
  signal: AbortSignal,
  onProgress: (fraction: number, message: string) => void,
): Promise<WardGroundTruth> {
  const gtFile = path.join(dir, GROUND_TRUTH_FILE)
  const existing = readGroundTruth(gtFile)
  if (existing) return existing
  const plan = planWard(ward)
  const truthDir = path.join(dir, '.truth')
  fs.mkdirSync(truthDir, { recursive: true })
  const total = plan.recordings.reduce((s, r) => s + r.durationS, 0)
  const done = new Map<string, number>()
  const truths: RecordingTruth[] = []
  let finished = 0
  const report = () =>
    onProgress(
      [...done.values()].reduce((a, b) => a + b, 0) / total,
      `Simulating recordings: ${finished} of ${plan.recordings.length}`,
    )
  const queue = [...plan.recordings]
  const runner = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      const truthFile = path.join(truthDir, `${r.file.replace(/\//g, '__')}.json`)
      let truth = readJson<RecordingTruth>(truthFile)
      if (!truth || !fs.existsSync(path.join(dir, ...r.file.split('/')))) {
        const rec = r
        truth = await ctx.pool.run(
          'simulateWardRecording',
          { dir, config: ward, file: rec.file },
          {
            signal,
            onProgress: (f) => {
              done.set(rec.file, f * rec.durationS)
              report()
            },
          },
        )
        writeAtomically(truthFile, JSON.stringify(truth))
      }
      truths.push(truth)
      done.set(r.file, r.durationS)
      finished++
      report()
    }
  }
  const results = await Promise.allSettled(Array.from({ length: ctx.pool.size }, runner))
  const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected')
  if (failed) throw failed.reason
  const truth = wardGroundTruth(plan, truths)
  writeAtomically(gtFile, JSON.stringify(truth, null, 1) + '\n')
  fs.rmSync(truthDir, { recursive: true, force: true })
  return truth
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T
  } catch {
    return null // absent, or cut short by a crash: simulated again
  }
}

export function readGroundTruth(file: string): WardGroundTruth | null {
  const t = readJson<WardGroundTruth>(file)
  return t && t.format === GROUND_TRUTH_FORMAT ? t : null
}

function writeAtomically(file: string, text: string): void {
  fs.writeFileSync(`${file}.part`, text)
  fs.renameSync(`${file}.part`, file)
}
