// `iclas simulate --out DIR …`: a simulated ward (recordings + ground-truth.json) the importer can read.
// Recordings are independent, so --jobs N forks N copies of this command, each writing every N-th recording
// (hidden option --part k/N) and sending back its ground truth; the bytes do not depend on N.
import { fork } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import type { CliCommand } from '../command'
import { UsageError } from '../command'
import {
  directorySink,
  planWard,
  simulateRecording,
  simulateWard,
  wardGroundTruth,
  type RecordingTruth,
  type WardConfig,
  type WardGroundTruth,
} from '../../engine/sim'

const USAGE = `usage: iclas simulate --out DIR [--infants 6] [--days 7] [--hours-per-day 2] [--sessions-per-day 1]
                      [--deviating 2] [--seed 1] [--rate 16000] [--start 2025-01-06T00:00:00]
                      [--ramp-hours 12] [--severity 1] [--cry-rate 1] [--no-distant-infants]
                      [--jobs 2] [--force]

  --out DIR            output folder: DIR/<infant>/<infant>_<YYYY-MM-DD_HH-MM-SS>.wav and DIR/ground-truth.json
  --hours-per-day H    hours recorded per infant per day, split into --sessions-per-day recordings
  --deviating N        infants whose cries deviate from a time drawn from the seed (between 35 % and 60 %
                       of the ward's span); the others never change
  --rate HZ            sample rate of the WAV files (16000 or 48000; 16-bit mono)
  --start TIME         local time of the ward's first day (no zone, like the file names)
  --ramp-hours H       hours over which a deviation ramps in; --severity 0…1 its full strength
  --cry-rate X         scales how often infants cry
  --jobs N             processes generating recordings in parallel (default: up to 2 cores)
  --force              write into a folder that is not empty

The same options and seed give byte-identical files, whatever --jobs. Import with: iclas import DIR --by-folder`

type PartMessage =
  { type: 'progress'; file: string; seconds: number } | { type: 'done'; truths: RecordingTruth[] }

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'Generate a simulated ward: long recordings with ward noise, cries and known deviations',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        infants: { type: 'string' },
        days: { type: 'string' },
        'hours-per-day': { type: 'string' },
        'sessions-per-day': { type: 'string' },
        deviating: { type: 'string' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        start: { type: 'string' },
        'ramp-hours': { type: 'string' },
        severity: { type: 'string' },
        'cry-rate': { type: 'string' },
        'no-distant-infants': { type: 'boolean' },
        jobs: { type: 'string' },
        force: { type: 'boolean' },
        part: { type: 'string' },
      },
    })
    if (!values.out) throw new UsageError('--out DIR is required')
    const num = (name: keyof typeof values): number | undefined => {
      const v = values[name]
      if (v === undefined || typeof v !== 'string') return undefined
      const n = Number(v)
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`)
      return n
    }
    const config: Partial<WardConfig> = {
      seed: values.seed === undefined ? 1 : /^-?\d+$/.test(values.seed) ? Number(values.seed) : values.seed,
    }
    const set = <K extends keyof WardConfig>(key: K, value: WardConfig[K] | undefined) => {
      if (value !== undefined) config[key] = value
    }
    set('infants', num('infants'))
    set('days', num('days'))
    set('hoursPerDay', num('hours-per-day'))
    set('sessionsPerDay', num('sessions-per-day'))
    set('deviating', num('deviating'))
    set('sampleRate', num('rate'))
    set('start', values.start)
    set('rampHours', num('ramp-hours'))
    set('severity', num('severity'))
    set('cryRate', num('cry-rate'))
    if (values['no-distant-infants']) config.distantInfants = false
    const out = path.resolve(values.out)
    if (values.part) return runPart(config, out, values.part)

    let plan
    try {
      plan = planWard(config)
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message)
      throw err
    }
    if (fs.existsSync(out) && fs.readdirSync(out).length && !values.force) {
      throw new UsageError(`${out} is not empty (use --force to write into it anyway)`)
    }
    fs.mkdirSync(out, { recursive: true })
    const jobs = Math.min(plan.recordings.length, num('jobs') ?? Math.min(2, os.availableParallelism()))
    if (!(jobs >= 1 && Number.isInteger(jobs))) throw new UsageError('--jobs must be a positive integer')

    const total = plan.recordings.reduce((s, r) => s + r.durationS, 0)
    const progress = progressPrinter(total, plan.recordings.length, jobs)
    const t0 = performance.now()
    const abort = new AbortController()
    process.on('SIGINT', () => abort.abort())
    let truth: WardGroundTruth
    try {
      if (jobs === 1) {
        truth = await simulateWard(config, directorySink(out), {
          signal: abort.signal,
          onProgress: (p) => progress(p.recording.file, p.audioSecondsDone, p.index),
        })
      } else {
        const truths = await runParts(argv, jobs, abort.signal, progress)
        truth = wardGroundTruth(plan, truths)
        await directorySink(out).finish(truth)
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') {
        console.error(
          '\nsimulation cancelled; complete recordings are kept, ground-truth.json was not written',
        )
        return 1
      }
      throw err
    }
    if (process.stderr.isTTY) process.stderr.write('\n')
    const seconds = (performance.now() - t0) / 1000
    const cries = truth.recordings.reduce((s, r) => s + r.cries.length, 0)
    console.log(
      `${truth.recordings.length} recordings, ${(total / 3600).toFixed(1)} h of audio, ${cries} cries, ` +
        `in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)}× realtime, ${jobs} job${jobs > 1 ? 's' : ''}) → ${out}`,
    )
    for (const infant of truth.infants) {
      const n = truth.recordings
        .filter((r) => r.infant === infant.label)
        .reduce((s, r) => s + r.cries.length, 0)
      const change = infant.deviation
        ? `deviates from ${infant.deviation.start} (ramp ${infant.deviation.rampHours} h, severity ${infant.deviation.severity})`
        : 'never changes'
      console.log(`  ${infant.label}: ${String(n).padStart(5)} cries, ${change}`)
    }
    return 0
  },
}

/** Prints overall progress: one updating line on a terminal, a line per finished recording otherwise. */
function progressPrinter(totalS: number, recordings: number, jobs: number) {
  let lastLine = ''
  let lastIndex = -1
  return (file: string, doneS: number, index: number) => {
    const pct = ((100 * doneS) / totalS).toFixed(0).padStart(3)
    const line = `  ${pct}%  ${index + 1}/${recordings}${jobs > 1 ? ` (${jobs} jobs)` : ''}  ${file}`
    if (process.stderr.isTTY) {
      if (line !== lastLine) process.stderr.write(`\r${line.padEnd(90)}`)
    } else if (index !== lastIndex) {
      process.stderr.write(`${line}\n`)
    }
    lastLine = line
    lastIndex = index
  }
}

/** The parent side of --jobs: forks the parts, sums their progress, collects their ground truth. */
async function runParts(
  argv: string[],
  jobs: number,
  signal: AbortSignal,
  progress: (file: string, doneS: number, index: number) => void,
): Promise<RecordingTruth[]> {
  const here = fileURLToPath(import.meta.url)
  const fromSource = here.endsWith('.ts')
  const entry = path.resolve(path.dirname(here), '..', fromSource ? 'index.ts' : 'index.js')
  const tsx = pathToFileURL(
    path.resolve(path.dirname(here), '../../../../node_modules/tsx/dist/loader.mjs'),
  ).href
  const doneByFile = new Map<string, number>()
  const truths: RecordingTruth[] = []
  let started = 0
  const children = Array.from({ length: jobs }, (_, k) =>
    fork(entry, ['simulate', ...argv, '--force', '--part', `${k}/${jobs}`], {
      execArgv: fromSource ? ['--import', tsx] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  )
  const stop = () => children.forEach((c) => c.kill('SIGTERM'))
  signal.addEventListener('abort', stop)
  try {
    await Promise.all(
      children.map(
        (child, k) =>
          new Promise<void>((resolve, reject) => {
            child.on('message', (m: PartMessage) => {
              if (m.type === 'done') truths.push(...m.truths)
              if (m.type !== 'progress') return
              if (!doneByFile.has(m.file)) started++
              doneByFile.set(m.file, m.seconds)
              progress(
                m.file,
                [...doneByFile.values()].reduce((a, b) => a + b, 0),
                started - 1,
              )
            })
            child.on('error', reject)
            child.on('exit', (code, sig) => {
              if (signal.aborted) reject(new DOMException('simulation cancelled', 'AbortError'))
              else if (code === 0) resolve()
              else reject(new Error(`simulation part ${k + 1}/${jobs} failed (${sig ?? `exit ${code}`})`))
            })
          }),
      ),
    )
  } catch (err) {
    stop()
    throw err
  } finally {
    signal.removeEventListener('abort', stop)
  }
  return truths
}

/** The child side of --jobs: simulates every N-th recording and reports to the parent over IPC. */
async function runPart(config: Partial<WardConfig>, out: string, part: string): Promise<number> {
  const m = /^(\d+)\/(\d+)$/.exec(part)
  if (!m || !process.send) throw new UsageError('--part k/N is for the parent simulate process only')
  const [k, n] = [Number(m[1]), Number(m[2])]
  const send = (msg: PartMessage) => new Promise<void>((resolve) => process.send!(msg, () => resolve()))
  const abort = new AbortController()
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => abort.abort())
  const plan = planWard(config)
  const sink = directorySink(out)
  const truths: RecordingTruth[] = []
  for (const [i, recording] of plan.recordings.entries()) {
    if (i % n !== k) continue
    let chunks = 0
    const writer = await sink.openRecording(recording)
    try {
      const truth = await simulateRecording(plan, recording, writer, {
        signal: abort.signal,
        // A message a minute of audio is plenty for a progress line.
        onProgress: (seconds) => {
          if (chunks++ % 6 === 0 || seconds >= recording.durationS) {
            void send({ type: 'progress', file: recording.file, seconds })
          }
        },
      })
      truths.push(truth)
    } catch (err) {
      // The parent reports the cancellation.
      if ((err as Error).name === 'AbortError') return 1
      throw err
    }
  }
  await send({ type: 'done', truths })
  return 0
}
