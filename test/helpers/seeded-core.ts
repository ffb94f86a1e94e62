// A core on a temporary data folder with a little of everything (infants, an imported recording with its
// audio, cries, a backup), and a signed-in session per role: the ground role and fuzz tests stand on.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { coreClient } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import type { Role } from '../../src/shared/contract'
import type { WireResult } from '../../src/shared/rpc'
import { writeToneWav } from './wav'

export const ROLES: readonly Role[] = ['nurse', 'clinician', 'researcher', 'admin']

export interface Seeded {
  core: Core
  dir: string
  dataDir: string
  /** A fresh session signed in as this role (or signed out with null). */
  session(role: Role | null): string
  /** A call by name, as the wire carries it (the role and fuzz tests go over the whole contract table). */
  call(sid: string, method: string, params?: unknown): Promise<WireResult>
  close(): Promise<void>
}

export async function seededCore(prefix: string): Promise<Seeded> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iclas-${prefix}-`))
  const dataDir = path.join(dir, 'data')
  const core = new Core({ dataDir, mode: 'test', workers: 1, log: () => undefined })
  const session = (role: Role | null) => {
    const sid = core.openSession()
    if (role) core.signInDirect(sid, role)
    return sid
  }
  // By name, as a client on the wire sends it: the role and fuzz tests go over every method of the contract table
  // and send what no typed client would. The seed itself calls through the typed client.
  const call = (sid: string, method: string, params: unknown = {}) => core.dispatch(sid, method, params)
  const nurse = session('nurse')
  const admin = session('admin')
  await coreClient(core, nurse).createInfant({ label: 'Bed 2', bed: '2' })
  const wav = writeToneWav(path.join(dir, 'seed.wav'), { seconds: 3, rate: 16000, freq: 420 })
  const [g] = core.grantFiles(nurse, [{ path: wav }])
  await coreClient(core, nurse).startImport({ items: [{ grantId: g!.id, newInfantLabel: 'Bed 1' }] })
  await core.ctx.jobs.idle()
  const rec = core.db.prepare('SELECT id, infant_id, recorded_at FROM recordings').get() as {
    id: number
    infant_id: number
    recorded_at: string
  }
  const cry = core.db.prepare(
    'INSERT INTO cries (recording_id, infant_id, start_s, end_s, at, duration_s) VALUES (?, ?, ?, ?, ?, ?)',
  )
  for (const s of [0.2, 1.1, 2.0])
    cry.run(
      rec.id,
      rec.infant_id,
      s,
      s + 0.6,
      new Date(Date.parse(rec.recorded_at) + s * 1000).toISOString(),
      0.6,
    )
  await coreClient(core, admin).createBackup({})
  return {
    core,
    dir,
    dataDir,
    session,
    call,
    async close() {
      await core.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The roles a method admits ('public' and 'any' admit everyone signed in). */
export function admits(access: 'public' | 'any' | readonly Role[], role: Role): boolean {
  return access === 'public' || access === 'any' || access.includes(role)
}
