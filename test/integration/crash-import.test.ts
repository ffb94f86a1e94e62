// Crash safety: a child process runs the core through a scenario (an import of generated WAV files, some
// large) and is SIGKILLed at seeded random points, again and again, restarting each time. After every kill:
// the file passes `PRAGMA integrity_check`, no recording is partial (audio complete, all its cries), no cry
// is orphaned; after every restart's recovery no audio file lacks its recording; and the interrupted work
// completes on a restart, every file imported exactly once. Seed: ICLAS_CRASH_SEED; kills: ICLAS_CRASH_KILLS.
import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Core } from '../../src/main/core/core'
import {
  referenceOf,
  storeProblems,
  type AudioFolderState,
  type Reference,
} from '../helpers/crash-invariants'
import { scenarios, type CrashInputs } from '../helpers/crash-scenarios'
import { scaled } from '../helpers/time-scale'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const CHILD = path.join(root, 'test/helpers/crash-child.ts')
const TSX = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href
const SEED = Number(process.env.ICLAS_CRASH_SEED ?? 20261125)
const MIN_KILLS = Number(process.env.ICLAS_CRASH_KILLS ?? 50)
/** A kill lands in the first this-many ms of the work; the window widens while a round makes no progress. */
const WORK_WINDOW_MS = 1000
/** Share of kills aimed at start-up (migrations, recovery) instead of the work. */
const STARTUP_KILLS = 0.2

/** mulberry32: a tiny seeded generator, so a failing run can be replayed with its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Run {
  killed: boolean
  done: boolean
  recovered: AudioFolderState | null
  output: string
}

type KillPlan = { afterSpawnMs: number } | { afterRecoveredMs: number } | null

function runChild(
  dataDir: string,
  scenario: string,
  inputs: string,
  mode: 'work' | 'check',
  plan: KillPlan,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', TSX, CHILD, dataDir, scenario, inputs, mode],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Own process group: the kill takes any helper process (ffmpeg) with it.
        detached: true,
      },
    )
    let output = ''
    let killed = false
    let timer: NodeJS.Timeout | null = null
    const arm = (ms: number) => {
      timer = setTimeout(() => {
        killed = true
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {
          /* already gone */
        }
      }, ms)
    }
    if (plan && 'afterSpawnMs' in plan) arm(plan.afterSpawnMs)
    child.stdout!.on('data', (d) => {
      output += d
      if (plan && 'afterRecoveredMs' in plan && !timer && /^recovered /m.test(output))
        arm(plan.afterRecoveredMs)
    })
    child.stderr!.on('data', (d) => (output += d))
    const hang = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL')
      reject(new Error(`child hung:\n${output.slice(-2000)}`))
    }, scaled(60_000))
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer)
      clearTimeout(hang)
      const m = /^recovered (.*)$/m.exec(output)
      const run = {
        killed: killed && signal === 'SIGKILL',
        done: /^done$/m.test(output),
        recovered: m ? JSON.parse(m[1]!) : null,
        output,
      }
      if (!run.killed && code !== 0)
        reject(new Error(`child exited ${code ?? signal}:\n${output.slice(-3000)}`))
      else resolve(run)
    })
  })
}

function countRecordings(dataDir: string): number {
  if (!fs.existsSync(path.join(dataDir, 'iclas.db'))) return 0
  const db = new Database(path.join(dataDir, 'iclas.db'), { readonly: true })
  try {
    const t = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'recordings'").get()
    return t ? (db.prepare('SELECT COUNT(*) AS n FROM recordings').get() as { n: number }).n : 0
  } finally {
    db.close()
  }
}

let dir: string
let inputsFile: string
let inputs: CrashInputs
let reference: Reference

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-crash-'))
  inputs = await scenarios.import!.prepare(path.join(dir, 'inputs'))
  inputsFile = path.join(dir, 'inputs.json')
  fs.writeFileSync(inputsFile, JSON.stringify(inputs))
  // What a clean import gives, per file: the yardstick for "no partial recording".
  const refDir = path.join(dir, 'reference')
  const core = new Core({ dataDir: refDir, mode: 'test', workers: 1, log: () => undefined })
  await scenarios.import!.start(core, inputs)
  await core.ctx.jobs.idle()
  reference = referenceOf(core.db)
  await core.close()
  expect(reference.size).toBe(inputs.files.length)
}, scaled(120_000))

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('crash safety', () => {
  it(
    `survives ≥ ${MIN_KILLS} SIGKILLs during import and finishes the work exactly once (seed ${SEED})`,
    async () => {
      const random = rng(SEED)
      const scenario = scenarios.import!
      let kills = 0
      let restarts = 0
      let rounds = 0
      const phases = { startup: 0, work: 0 }
      const t0 = Date.now()
      while (kills < MIN_KILLS) {
        rounds++
        const dataDir = path.join(dir, `round-${rounds}`)
        let window = WORK_WINDOW_MS
        let progress = -1
        for (let attempt = 1; ; attempt++) {
          expect(attempt, `round ${rounds} makes no progress`).toBeLessThan(80)
          const plan: KillPlan =
            random() < STARTUP_KILLS
              ? { afterSpawnMs: Math.round(random() * 1500) }
              : { afterRecoveredMs: Math.round(random() * window) }
          const delay = JSON.stringify(plan)
          const run = await runChild(dataDir, scenario.name, inputsFile, 'work', plan)
          restarts++
          if (run.recovered) {
            // Recovery left a clean audio folder before the resumed work began.
            expect(run.recovered.unreferenced, run.output).toEqual([])
            expect(run.recovered.partial).toEqual([])
            expect(run.recovered.missing).toEqual([])
          }
          // Logs carry no patient names: neither infant labels nor file names appear in the core's log lines.
          const logLines = run.output.split('\n').filter((l) => l.startsWith('log '))
          expect(logLines.filter((l) => /Crash infant|crash-\d\d/.test(l))).toEqual([])
          if (run.killed) {
            kills++
            phases[run.recovered ? 'work' : 'startup']++
          }
          if (fs.existsSync(path.join(dataDir, 'iclas.db'))) {
            const problems = storeProblems(dataDir, reference)
            expect(
              problems,
              `after kill ${kills} (round ${rounds}, ${delay}):\n${run.output.slice(-1500)}`,
            ).toEqual([])
          }
          if (run.done && !run.killed) break
          // Each file commits as a whole: if a run imports nothing new, the next one gets longer (slow machines).
          const now = countRecordings(dataDir)
          window = now > progress ? WORK_WINDOW_MS : window * 1.5
          progress = Math.max(progress, now)
        }
        // One more restart: recovery finds nothing to do, and the work was done exactly once.
        const final = await runChild(dataDir, scenario.name, inputsFile, 'check', null)
        expect(final.recovered).toEqual({ unreferenced: [], partial: [], quarantined: [], missing: [] })
        const db = new Database(path.join(dataDir, 'iclas.db'), { readonly: true })
        try {
          expect(scenario.complete(db, inputs)).toBe(true)
          scenario.checkDone(db, inputs)
        } finally {
          db.close()
        }
      }
      const s = ((Date.now() - t0) / 1000).toFixed(0)
      console.log(
        `[crash] survived ${kills} SIGKILLs (${phases.startup} during start-up/recovery, ${phases.work} during the import) ` +
          `over ${rounds} rounds, ${restarts} starts, ${s} s; seed ${SEED}; every round's import completed exactly once`,
      )
      expect(kills).toBeGreaterThanOrEqual(MIN_KILLS)
    },
    scaled(400_000),
  )
})
