// The desktop app's events and media (issue 17, item 6): before, the core's utilityProcess posted every event to
// main, which sent it to every window, signed in or not, and served any recording's audio to any page. Now
// each window gets only what its own session may see (the rule browser mode follows, by the same core
// functions), and audio only goes to a window whose session is signed in. Electron itself cannot run here:
// this drives the routing functions the app uses (src/main/app/session-routing.ts) with a real core.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventsForWindows, MediaKeys, parseMediaUrl } from '../../src/main/app/session-routing'
import { coreClient } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { setUserPin } from '../../src/main/store/users'
import type { Job } from '../../src/shared/contract'
import { writeToneWav } from '../helpers/wav'

let dir: string
let core: Core
let recordingId: number
/** webContents id → core session, as core-host.ts keeps them. */
const windows = new Map<number, string>()

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-desktop-routing-'))
  core = new Core({ dataDir: path.join(dir, 'data'), mode: 'test', workers: 1, log: () => undefined })
  const importer = core.openSession()
  core.signInDirect(importer, 'nurse')
  const wav = writeToneWav(path.join(dir, 'a.wav'), { seconds: 2, rate: 16000, freq: 400 })
  const [g] = core.grantFiles(importer, [{ path: wav }])
  await coreClient(core, importer).startImport({ items: [{ grantId: g!.id, newInfantLabel: 'Bed 1' }] })
  await core.ctx.jobs.idle()
  recordingId = (core.db.prepare('SELECT id FROM recordings').get() as { id: number }).id
  const id = (u: string) =>
    (core.db.prepare('SELECT id FROM users WHERE username = ?').get(u) as { id: number }).id
  setUserPin(core.db, id('nurse'), '1111')
  setUserPin(core.db, id('researcher'), '3333')
  // Window 1 never signed in; 2 a nurse and 3 a researcher, both with their PINs; 4 an admin without a PIN
  // (the first start: it may only set PINs).
  for (const [wc, who] of [
    [1, null],
    [2, ['nurse', '1111']],
    [3, ['researcher', '3333']],
    [4, ['admin', undefined]],
  ] as const) {
    const sid = core.openSession()
    windows.set(wc, sid)
    if (who) await coreClient(core, sid).signIn({ username: who[0], ...(who[1] ? { pin: who[1] } : {}) })
  }
})
afterAll(async () => {
  await core.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const job = (kind: Job['kind']): Job =>
  ({ id: 'j1', kind, title: 'Bed-Smith_0301.wav', state: 'running', progress: 0.5 }) as Job

describe('desktop events', () => {
  it('go only to signed-in windows, filtered by role, each with its own view', () => {
    const changed = eventsForWindows(core, windows, 'changed', { entity: 'infants' })
    expect(changed.map((w) => w.webContentsId)).toEqual([2, 3])
    // An import's job (file names in its title) to both; an evaluation's report only to the researcher.
    expect(eventsForWindows(core, windows, 'job', job('import')).map((w) => w.webContentsId)).toEqual([2, 3])
    expect(eventsForWindows(core, windows, 'job', job('eval')).map((w) => w.webContentsId)).toEqual([3])
  })

  it('stop when the window signs out', async () => {
    const sid = windows.get(2)!
    await coreClient(core, sid).signOut({})
    expect(
      eventsForWindows(core, windows, 'changed', { entity: 'infants' }).map((w) => w.webContentsId),
    ).toEqual([3])
    await coreClient(core, sid).signIn({ username: 'nurse', pin: '1111' })
  })
})

describe('desktop media', () => {
  it('is served only to a window whose session may hear recordings', () => {
    expect(core.mediaFor(windows.get(1)!, recordingId)).toBe('forbidden')
    expect(core.mediaFor(windows.get(4)!, recordingId)).toBe('forbidden')
    expect(core.mediaFor(windows.get(2)!, recordingId)).toMatch(/\.wav$/)
    expect(core.mediaFor(windows.get(2)!, recordingId + 1000)).toBeUndefined()
  })

  it('names the asking window by its random key in the URL', () => {
    const keys = new MediaKeys()
    const k2 = keys.keyFor(2)
    expect(keys.keyFor(2)).toBe(k2) // a reload keeps it
    expect(keys.keyFor(3)).not.toBe(k2)
    expect(k2.length).toBeGreaterThanOrEqual(32)
    const parsed = parseMediaUrl(`iclas-media://recordings/${recordingId}.wav?k=${encodeURIComponent(k2)}`)
    expect(parsed).toEqual({ recordingId, key: k2 })
    expect(keys.windowOf(parsed!.key)).toBe(2)
    keys.forget(2)
    expect(keys.windowOf(k2)).toBeUndefined()
    for (const bad of [
      `iclas-media://recordings/${recordingId}.wav`, // no key: refused, not served to "some window"
      `iclas-media://recordings/../iclas.db?k=${k2}`,
      `iclas-media://other/${recordingId}.wav?k=${k2}`,
      `file:///recordings/${recordingId}.wav?k=${k2}`,
      'iclas-media://recordings/99999999999999999999.wav?k=x',
      'not a url',
    ])
      expect(parseMediaUrl(bad), bad).toBeNull()
  })
})
