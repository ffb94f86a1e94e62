// Work the crash test kills the core in the middle of. A scenario prepares its inputs once, starts its work in
// the child (unless start-up recovery already resumed it), says when it is complete, and checks its own
// invariants. Adding one (e.g. model fitting, once its service exists) is one entry in `scenarios`:
//   fit: { name: 'fit', prepare: …, start: (core) => signedIn(core, 'researcher').api.refitModel({…}), … }
import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { coreClient } from '../../src/main/core/client'
import type { Core } from '../../src/main/core/core'
import { hashFile } from '../../src/main/engine/audio/hash'
import type { IclasApi } from '../../src/shared/contract'
import { writeToneWav } from './wav'

export interface CrashInputs {
  files: string[]
  hashes: string[]
}

export interface CrashScenario {
  name: string
  /** Parent, once: make the inputs. */
  prepare(dir: string): Promise<CrashInputs>
  /** Child, after core.recover(): start the work unless it already started (recovery resumes it). */
  start(core: Core, inputs: CrashInputs): Promise<void>
  /** Parent, store closed: is the work done? */
  complete(db: Database.Database, inputs: CrashInputs): boolean
  /** Parent, store closed, after the work is done: it was done exactly once. */
  checkDone(db: Database.Database, inputs: CrashInputs): void
}

/** A session of its own signed in as `username`, and the contract in it (coreClient: typed, refusals thrown). */
export function signedIn(core: Core, username: string): { sid: string; api: IclasApi } {
  const sid = core.openSession()
  core.signInDirect(sid, username)
  return { sid, api: coreClient(core, sid) }
}

const importScenario: CrashScenario = {
  name: 'import',
  async prepare(dir) {
    fs.mkdirSync(dir, { recursive: true })
    const specs = [
      // Large enough to take a while (decode, resample to 16 kHz, write the working copy, hash).
      { seconds: 12, rate: 48000, channels: 2 },
      { seconds: 10, rate: 44100, channels: 2 },
      { seconds: 8, rate: 22050, channels: 1 },
      // Small ones: many short transactions.
      ...Array.from({ length: 7 }, (_, i) => ({ seconds: 1 + (i % 3), rate: 16000, channels: 1 })),
    ]
    const files = specs.map((s, i) =>
      writeToneWav(path.join(dir, `crash-${String(i).padStart(2, '0')}.wav`), { ...s, freq: 230 + 37 * i }),
    )
    return { files, hashes: await Promise.all(files.map((f) => hashFile(f))) }
  },
  async start(core, inputs) {
    const started = (
      core.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'import'").get() as { n: number }
    ).n
    if (started) return // resumed by recover(), or already done
    const { sid, api } = signedIn(core, 'nurse')
    const grants = core.grantFiles(
      sid,
      inputs.files.map((p) => ({ path: p })),
    )
    // Two files per new infant: infant creation races with the recordings that need it.
    await api.startImport({
      items: grants.map((g, i) => ({ grantId: g.id, newInfantLabel: `Crash infant ${i % 4}` })),
    })
  },
  complete(db, inputs) {
    const jobs = db.prepare("SELECT state FROM jobs WHERE kind = 'import'").all() as { state: string }[]
    const n = (db.prepare('SELECT COUNT(*) AS n FROM recordings').get() as { n: number }).n
    return jobs.length > 0 && jobs.every((j) => j.state === 'done') && n === inputs.files.length
  },
  checkDone(db, inputs) {
    const hashes = (db.prepare('SELECT content_hash AS h FROM recordings').all() as { h: string }[]).map(
      (r) => r.h,
    )
    if (hashes.length !== inputs.hashes.length || new Set(hashes).size !== hashes.length)
      throw new Error(`expected ${inputs.hashes.length} recordings once each, found ${hashes.length}`)
    for (const h of inputs.hashes)
      if (!hashes.includes(h)) throw new Error(`file ${h.slice(0, 8)} never imported`)
    const jobs = db.prepare("SELECT state FROM jobs WHERE kind = 'import'").all() as { state: string }[]
    if (jobs.length !== 1 || jobs[0]!.state !== 'done')
      throw new Error(`expected one import job, done; found ${JSON.stringify(jobs)}`)
    const infants = (
      db.prepare("SELECT COUNT(*) AS n FROM infants WHERE label LIKE 'Crash infant %'").get() as {
        n: number
      }
    ).n
    if (infants !== 4) throw new Error(`expected 4 infants, found ${infants}`)
  },
}

export const scenarios: Record<string, CrashScenario> = {
  import: importScenario,
  // fit: fitScenario, — model fitting (stage 2) plugs in here once its service exists.
}
