// Mandatory PINs (issue 17, item 3): a ward that is not the demo starts with four accounts without PINs, and
// before this change any of them signed in without one. Now a session of an account without a PIN can do
// nothing but the first-start setup (the admin sets its own PIN and every other account's), the core answers
// 'pin_required' to anything else, events and audio do not reach it, and the other accounts cannot sign in
// until they have a PIN. The demo ward's demo mode keeps accounts without PINs while it holds only the demo.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { coreClient, coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { demoModeSetting, setDemoMode } from '../../src/main/core/pin-policy'
import { SYSTEM } from '../../src/main/core/services/actor'
import { simulatedDemoParams } from '../../src/main/core/services/demo-sources'
import { putSetting } from '../../src/main/store/settings'
import { insertInfant } from '../../src/main/store/infants'
import { unwrap, type WireResult } from '../../src/shared/rpc'
import { writeToneWav } from '../helpers/wav'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-pins-'))
let n = 0
const cores: Core[] = []
function newCore(): Core {
  const core = new Core({
    dataDir: path.join(tmp, `data-${++n}`),
    mode: 'test',
    workers: 1,
    log: () => undefined,
    demoShape: { infants: 1, days: 1, hoursPerDay: 0.02, sessionsPerDay: 1 },
  })
  cores.push(core)
  return core
}
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** A session of its own, signed out, and the contract's calls in it answering the WireResult (coreWire). */
function client(core: Core) {
  const sid = core.openSession()
  return { sid, ...coreWire(core, sid) }
}
const code = (r: WireResult) => (r.ok ? 'ok' : r.error.code)
const accounts = (core: Core) =>
  core.db.prepare('SELECT id, username FROM users').all() as { id: number; username: string }[]
const idOf = (core: Core, username: string) => accounts(core).find((a) => a.username === username)!.id

/** A recording imported by a vouched session (the CLI's way), for the media checks. */
async function importOne(core: Core): Promise<number> {
  const sid = core.openSession()
  core.signInDirect(sid, 'nurse')
  const wav = writeToneWav(path.join(tmp, `tone-${n}.wav`), { seconds: 2, rate: 16000, freq: 400 })
  const [g] = core.grantFiles(sid, [{ path: wav }])
  await coreClient(core, sid).startImport({ items: [{ grantId: g!.id, newInfantLabel: 'Bed 1' }] })
  await core.ctx.jobs.idle()
  return (core.db.prepare('SELECT id FROM recordings').get() as { id: number }).id
}

describe('a ward that is not the demo', () => {
  it('refuses accounts without PINs everything but the first-start setup, which the admin completes', async () => {
    const core = newCore()
    const recordingId = await importOne(core)

    // A nurse without a PIN cannot sign in at all: an admin sets its PIN first.
    const nurse = client(core)
    const refused = await nurse.signIn({ username: 'nurse' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'pin_required' } })
    expect(!refused.ok && refused.error.message).toMatch(/administrator sets it/)
    expect(unwrap(await nurse.whoAmI({}))).toBeNull()

    // The admin without a PIN signs in to a session that can only set the PINs.
    const admin = client(core)
    expect(code(await admin.signIn({ username: 'admin' }))).toBe('ok')
    const info = unwrap(await admin.systemInfo({}))
    expect(info).toMatchObject({ demoMode: false, pinSetupRequired: true, dataDir: '' })
    for (const [method, params] of [
      ['listInfants', {}],
      ['getRecording', { recordingId }],
      ['listAudit', {}],
      ['createBackup', {}],
      ['setUserPin', { userId: idOf(core, 'nurse'), pin: '1111' }],
      ['createUser', { username: 'x.y', displayName: 'X', role: 'admin', pin: '1234' }],
    ] as const) {
      // By name, as a client sends it: the PIN rule answers before the params are even read.
      const r = await core.dispatch(admin.sid, method, params)
      expect(code(r), method).toBe('pin_required')
    }
    // Nothing of the ward reaches it: no events, no audio.
    expect(core.eventFor(admin.sid, 'changed', { entity: 'infants' })).toBeNull()
    expect(core.mediaFor(admin.sid, recordingId)).toBe('forbidden')
    expect(core.sessionReader(admin.sid)).toBeNull()

    // The setup lists the accounts, and must give every account without a PIN its PIN, its own included.
    const list = unwrap(await admin.listAccounts({}))
    expect(list.map((a) => [a.username, a.hasPin])).toEqual(
      expect.arrayContaining([
        ['admin', false],
        ['nurse', false],
        ['clinician', false],
        ['researcher', false],
      ]),
    )
    const partial = await admin.setUpPins({
      pins: [
        { userId: idOf(core, 'admin'), pin: '4444' },
        { userId: idOf(core, 'nurse'), pin: '1111' },
      ],
    })
    expect(partial).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    expect(!partial.ok && partial.error.message).toMatch(/clinician/)
    expect(list.every((a) => !a.hasPin)).toBe(true)
    expect(code(await admin.setUpPins({ pins: [{ userId: 999, pin: '1234' }] }))).toBe('not_found')
    expect(
      (core.db.prepare('SELECT COUNT(*) AS n FROM users WHERE pin_hash IS NOT NULL').get() as { n: number })
        .n,
    ).toBe(0)

    const pins = { admin: '4444', nurse: '1111', clinician: '2222', researcher: '3333' }
    const done = unwrap(
      await admin.setUpPins({
        pins: Object.entries(pins).map(([u, pin]) => ({ userId: idOf(core, u), pin })),
      }),
    )
    expect(done.every((a) => a.hasPin)).toBe(true)
    expect(JSON.stringify(done)).not.toMatch(/4444|1111|2222|3333/)
    const audit = core.db
      .prepare("SELECT entity_id, after_json FROM audit_log WHERE action = 'user.set_pin'")
      .all() as { entity_id: string; after_json: string }[]
    expect(audit).toHaveLength(4)
    expect(audit.every((e) => JSON.parse(e.after_json).firstStart === true)).toBe(true)

    // The same session now works, and sees the ward.
    expect(unwrap(await admin.systemInfo({}))).toMatchObject({ pinSetupRequired: false })
    expect(code(await admin.listInfants({}))).toBe('ok')
    expect(core.mediaFor(admin.sid, recordingId)).toMatch(/\.wav$/)
    expect(core.eventFor(admin.sid, 'changed', { entity: 'infants' })).not.toBeNull()
    // Done once: an account that has a PIN is changed under Users and PINs, not by the setup.
    expect(code(await admin.setUpPins({ pins: [{ userId: idOf(core, 'nurse'), pin: '9999' }] }))).toBe(
      'conflict',
    )

    // The nurse signs in with its PIN only; PINs cannot be cleared, new accounts need one.
    expect(code(await nurse.signIn({ username: 'nurse' }))).toBe('unauthenticated')
    expect(code(await nurse.signIn({ username: 'nurse', pin: '1111' }))).toBe('ok')
    expect(code(await nurse.listInfants({}))).toBe('ok')
    expect(code(await admin.setUserPin({ userId: idOf(core, 'nurse'), pin: null }))).toBe('refused')
    expect(
      code(await admin.createUser({ username: 'n.jones', displayName: 'Nurse Jones', role: 'nurse' })),
    ).toBe('refused')
    expect(
      code(
        await admin.createUser({
          username: 'n.jones',
          displayName: 'Nurse Jones',
          role: 'nurse',
          pin: '482913',
        }),
      ),
    ).toBe('ok')
  })

  it('keeps hosts that vouch for their user (the command line, tests) working without PINs', async () => {
    const core = newCore()
    const sid = core.openSession()
    core.signInDirect(sid, 'clinician')
    expect(code(await coreWire(core, sid).listInfants({}))).toBe('ok')
    expect(core.eventFor(sid, 'changed', { entity: 'infants' })).not.toBeNull()
    // The same account signed in through the contract is held to the rule.
    const c = client(core)
    expect(code(await c.signIn({ username: 'clinician' }))).toBe('pin_required')
  })
})

describe('a reloaded tab', () => {
  it('signs back in once with its ticket, without the PIN; sign-out or a new PIN end tickets', async () => {
    const core = newCore()
    const admin = core.openSession()
    core.signInDirect(admin, 'admin')
    const nurseId = idOf(core, 'nurse')
    await coreClient(core, admin).setUserPin({ userId: nurseId, pin: '1357' })

    const tab = client(core)
    unwrap(await tab.signIn({ username: 'nurse', pin: '1357' }))
    const { ticket } = unwrap(await tab.sessionTicket({}))
    expect(ticket).toMatch(/^[\w-]{43}$/)
    core.closeSession(tab.sid) // the reload: the socket closes, a new one opens signed out

    const reloaded = client(core)
    const resumed = unwrap(await reloaded.resumeSession({ ticket }))
    expect(resumed.user.username).toBe('nurse')
    expect(code(await reloaded.listInfants({}))).toBe('ok')
    // Used up: the same ticket signs nobody in again; the next one does, once.
    expect(code(await client(core).resumeSession({ ticket }))).toBe('unauthenticated')
    expect(code(await client(core).resumeSession({ ticket: resumed.ticket }))).toBe('ok')

    // Sign-out ends the session's ticket.
    const out = client(core)
    unwrap(await out.signIn({ username: 'nurse', pin: '1357' }))
    const t2 = unwrap(await out.sessionTicket({})).ticket
    unwrap(await out.signOut({}))
    expect(code(await client(core).resumeSession({ ticket: t2 }))).toBe('unauthenticated')

    // A new PIN ends every ticket of that user.
    const other = client(core)
    unwrap(await other.signIn({ username: 'nurse', pin: '1357' }))
    const t3 = unwrap(await other.sessionTicket({})).ticket
    await coreClient(core, admin).setUserPin({ userId: nurseId, pin: '8642' })
    expect(code(await client(core).resumeSession({ ticket: t3 }))).toBe('unauthenticated')

    // A session that must set PINs first gets no ticket.
    const setup = client(core)
    unwrap(await setup.signIn({ username: 'admin' }))
    expect(code(await setup.sessionTicket({}))).toBe('pin_required')
  })

  it('tickets expire after a shift (12 h)', async () => {
    const { SessionTickets, TICKET_TTL_MS } = await import('../../src/main/core/session-tickets')
    let now = 0
    const tickets = new SessionTickets(() => now)
    const a = tickets.issue(1)
    const b = tickets.issue(1)
    now = TICKET_TTL_MS - 1
    expect(tickets.redeem(a)).toBe(1)
    now = TICKET_TTL_MS
    expect(tickets.redeem(b)).toBeNull()
  })
})

describe('demo mode', () => {
  /** A workstation whose only infant is the demo ward's, in demo mode. */
  function demoWard(core: Core): number {
    const { id } = insertInfant(core.db, { label: 'Demo 1 (simulated)', externalId: 'DEMO-1' })
    putSetting(
      core.db,
      'demo.simulated',
      {
        state: 'ready',
        jobId: 'job-demo',
        params: simulatedDemoParams({}),
        infantIds: [id],
        by: 'system',
        at: new Date().toISOString(),
      },
      'system',
    )
    setDemoMode(core.db, true, SYSTEM, 'test')
    return id
  }

  it('lets accounts without PINs in while the workstation holds only the demo ward', async () => {
    const core = newCore()
    demoWard(core)
    const nurse = client(core)
    expect(code(await nurse.signIn({ username: 'nurse' }))).toBe('ok')
    expect(unwrap(await nurse.systemInfo({}))).toMatchObject({ demoMode: true, pinSetupRequired: false })
    expect(code(await nurse.listInfants({}))).toBe('ok')
    expect(core.eventFor(nurse.sid, 'changed', { entity: 'infants' })).not.toBeNull()
    // In demo mode a PIN may be cleared again, and an account made without one.
    const admin = client(core)
    expect(code(await admin.signIn({ username: 'admin' }))).toBe('ok')
    const researcher = idOf(core, 'researcher')
    expect(code(await admin.setUserPin({ userId: researcher, pin: '3333' }))).toBe('ok')
    expect(code(await admin.setUserPin({ userId: researcher, pin: null }))).toBe('ok')
    expect(code(await admin.createUser({ username: 'demo.nurse', displayName: 'Demo', role: 'nurse' }))).toBe(
      'ok',
    )

    // The first patient ends it: the same session is held to the PIN rule at its next call.
    const vouched = core.openSession()
    core.signInDirect(vouched, 'nurse')
    await coreClient(core, vouched).createInfant({ label: 'Bed 4' })
    expect(code(await nurse.listInfants({}))).toBe('pin_required')
    expect(unwrap(await nurse.systemInfo({}))).toMatchObject({ demoMode: false })
  })

  it('ends when the demo ward is removed, audited', async () => {
    const core = newCore()
    demoWard(core)
    const admin = client(core)
    expect(code(await admin.signIn({ username: 'admin' }))).toBe('ok')
    expect(code(await admin.listInfants({}))).toBe('ok')
    unwrap(await admin.removeDemoWard({}))
    expect(demoModeSetting(core.db)).toBe(false)
    expect(unwrap(await admin.systemInfo({}))).toMatchObject({ demoMode: false, pinSetupRequired: true })
    expect(code(await admin.listInfants({}))).toBe('pin_required')
    const entries = core.db
      .prepare("SELECT after_json FROM audit_log WHERE action = 'accounts.demo_mode' ORDER BY id")
      .all() as { after_json: string }[]
    expect(entries.map((e) => JSON.parse(e.after_json).on)).toEqual([true, false])
  })

  it('carries over to a demo ward built before PINs were mandatory, once', async () => {
    const core = newCore()
    const id = demoWard(core)
    core.db.prepare('DELETE FROM settings WHERE key = ?').run('accounts.demo-mode') // as before this change
    await core.close()
    cores.splice(cores.indexOf(core), 1)
    const again = new Core({ dataDir: core.options.dataDir, mode: 'test', workers: 1, log: () => undefined })
    cores.push(again)
    expect(demoModeSetting(again.db)).toBe(true)
    expect(again.ctx.pins.demoMode()).toBe(true)
    expect(id).toBeGreaterThan(0)
    // Once: a later removal is not undone at the next start.
    again.demo.remove(SYSTEM)
    again.demo.adoptDemoMode()
    expect(demoModeSetting(again.db)).toBe(false)
  })

  it('is switched on by the first start of a new data folder (the demo ward), never on one with data', async () => {
    const fresh = newCore()
    expect(demoModeSetting(fresh.db)).toBe(false)
    const jobId = fresh.demo.startOnFirstRun({ shape: { infants: 1, days: 1, hoursPerDay: 0.02 } })
    expect(jobId).not.toBeNull()
    expect(demoModeSetting(fresh.db)).toBe(true)
    fresh.ctx.jobs.cancel(jobId!)

    const skipped = newCore()
    expect(skipped.demo.startOnFirstRun({ skip: true })).toBeNull()
    expect(demoModeSetting(skipped.db)).toBe(false)

    const used = newCore()
    const sid = used.openSession()
    used.signInDirect(sid, 'nurse')
    await coreClient(used, sid).createInfant({ label: 'Bed 1' })
    expect(used.demo.startOnFirstRun({})).toBeNull()
    expect(demoModeSetting(used.db)).toBe(false)
  })
})
