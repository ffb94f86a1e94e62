// PIN brute force over the WebSocket (issue 17, item 3). Before, a 4-digit PIN fell in 304 tries (67 s), and
// every try ran scrypt on the core's thread, so other users waited. Now sign-ins are limited per account and
// per session with a growing delay, and scrypt runs on libuv's thread pool. The limiter's clock is the test's
// (CoreOptions.now), so two minutes of attack take a second of real time.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { startServer, type RunningServer } from '../../src/main/server/server'
import type { WireResult } from '../../src/shared/rpc'

let dir: string
let core: Core
let server: RunningServer
let clock = Date.parse('2026-01-01T00:00:00Z')

interface Client {
  sessionId: string
  call(method: string, params: unknown): Promise<WireResult>
  close(): void
}

function connect(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=${server.token}`, {
      headers: { Origin: server.url },
    })
    const waiting = new Map<number, (r: WireResult) => void>()
    let next = 1
    ws.on('error', reject)
    ws.on('message', (d) => {
      const msg = JSON.parse(String(d))
      if (msg.event === 'hello')
        resolve({
          sessionId: msg.payload.sessionId,
          call: (method, params) =>
            new Promise((r) => {
              const id = next++
              waiting.set(id, r)
              ws.send(JSON.stringify({ id, method, params }))
            }),
          close: () => ws.close(),
        })
      else if (typeof msg.id === 'number') waiting.get(msg.id)?.(msg.response)
    })
  })
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-sign-in-'))
  fs.mkdirSync(path.join(dir, 'renderer'))
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html>')
  core = new Core({
    dataDir: path.join(dir, 'data'),
    mode: 'test',
    workers: 1,
    log: () => undefined,
    now: () => clock,
  })
  const admin = core.openSession()
  core.signInDirect(admin, 'admin')
  const nurseId = (core.db.prepare("SELECT id FROM users WHERE username = 'nurse'").get() as { id: number })
    .id
  expect((await coreWire(core, admin).setUserPin({ userId: nurseId, pin: '9876' })).ok).toBe(true)
  server = await startServer({ core, rendererDir: path.join(dir, 'renderer') })
})

afterAll(async () => {
  await server.close()
  await core.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('PIN brute force', () => {
  it('is held to at most 10 tries a minute per account, across sockets; other users are answered within 100 ms', async () => {
    const attackers = await Promise.all(Array.from({ length: 10 }, () => connect()))
    const victim = await connect()
    core.signInDirect(victim.sessionId, 'clinician')
    // The victim keeps working while the attack runs, and times each call.
    const latencies: number[] = []
    let attacking = true
    const victimLoop = (async () => {
      while (attacking) {
        const t0 = performance.now()
        const r = await victim.call('listInfants', {})
        latencies.push(performance.now() - t0)
        expect(r.ok).toBe(true)
        await new Promise((r) => setTimeout(r, 5))
      }
    })()
    // Two simulated minutes: every 500 ms of the test's clock, ten sockets each try the next PIN at once.
    const tried: number[] = []
    let pin = 0
    let found = false
    for (let step = 0; step < 240; step++) {
      clock += 500
      const answers = await Promise.all(
        attackers.map((a) => {
          const guess = String(pin++).padStart(4, '0')
          return a.call('signIn', { username: 'nurse', pin: guess }).then((r) => ({ r, guess }))
        }),
      )
      for (const { r } of answers) {
        if (r.ok) found = true
        else if (r.error.code === 'unauthenticated') tried.push(clock)
        else expect(r.error.code).toBe('refused')
      }
    }
    attacking = false
    await victimLoop
    // The PIN (9876) was never reached, and no 60 s held more than 10 evaluated tries.
    expect(found).toBe(false)
    const worstMinute = Math.max(...tried.map((t) => tried.filter((u) => u >= t && u < t + 60_000).length))
    console.log(
      `[sign-in] ${pin} guesses sent, ${tried.length} evaluated over 120 s, at most ${worstMinute} in a minute; ` +
        `victim calls: ${latencies.length}, p50 ${pct(latencies, 0.5).toFixed(1)} ms, p95 ${pct(latencies, 0.95).toFixed(1)} ms`,
    )
    expect(worstMinute).toBeLessThanOrEqual(10)
    expect(pct(latencies, 0.95)).toBeLessThan(100)
    // The nurse, with her PIN, gets in once the delay is over; a success clears it.
    clock += 61_000
    const nurse = await connect()
    expect(await nurse.call('signIn', { username: 'nurse', pin: '9876' })).toMatchObject({ ok: true })
    for (const c of [...attackers, victim, nurse]) c.close()
  })

  it("other users' calls are answered while PINs are checked (scrypt off the core's thread)", async () => {
    clock += 3_600_000
    const clients = await Promise.all(Array.from({ length: 6 }, () => connect()))
    const victim = await connect()
    core.signInDirect(victim.sessionId, 'clinician')
    const admin = core.openSession()
    core.signInDirect(admin, 'admin')
    for (let i = 0; i < clients.length; i++)
      expect(
        (
          await coreWire(core, admin).createUser({
            username: `n${i}`,
            displayName: `N ${i}`,
            role: 'nurse',
            pin: '1357',
          })
        ).ok,
      ).toBe(true)
    // Six right PINs at once (each one scrypt), and the victim's call measured meanwhile.
    const signIns = clients.map((c, i) => c.call('signIn', { username: `n${i}`, pin: '1357' }))
    const t0 = performance.now()
    await victim.call('whoAmI', {})
    const during = performance.now() - t0
    for (const r of await Promise.all(signIns)) expect(r.ok).toBe(true)
    expect(during).toBeLessThan(100)
    for (const c of [...clients, victim]) c.close()
  })
})

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0
}
