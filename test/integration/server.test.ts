// Browser-mode transport: token, Origin and payload checks, errors as typed results, nothing changed by a
// refused request.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Core } from '../../src/main/core/core'
import { startServer, type RunningServer } from '../../src/main/server/server'
import { setUserPin } from '../../src/main/store/users'

let core: Core
let server: RunningServer
let dir: string

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-server-'))
  const renderer = path.join(dir, 'renderer')
  fs.mkdirSync(renderer)
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>ICLAS</title>')
  core = new Core({ dataDir: path.join(dir, 'data'), mode: 'test', log: () => undefined })
  // A ward that is not the demo: PINs are mandatory (the admin's is left unset, for the first-start case).
  const nurse = core.db.prepare("SELECT id FROM users WHERE username = 'nurse'").get() as { id: number }
  setUserPin(core.db, nurse.id, '2468')
  server = await startServer({ core, rendererDir: renderer, maxUploadBytes: 1024 })
})

afterAll(async () => {
  await server.close()
  await core.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

interface Conn {
  ws: WebSocket
  call(
    method: unknown,
    params?: unknown,
    id?: unknown,
  ): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>
  raw(text: string): Promise<unknown>
  sessionId: string
}

function connect(opts: { token?: string | null; origin?: string | null } = {}): Promise<Conn> {
  const token = opts.token === undefined ? server.token : opts.token
  const headers: Record<string, string> = {}
  const origin = opts.origin === undefined ? server.url : opts.origin
  if (origin) headers.Origin = origin
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws${token ? `?token=${token}` : ''}`, {
    headers,
  })
  return new Promise((resolve, reject) => {
    const waiting = new Map<unknown, (v: unknown) => void>()
    let nextId = 1
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.on('error', reject)
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data))
      if (msg.event === 'hello') {
        resolve({
          ws,
          sessionId: msg.payload.sessionId,
          call(method, params = {}, id) {
            const mid = id ?? nextId++
            ws.send(JSON.stringify({ id: mid, method, params }))
            return new Promise((r) => waiting.set(mid, r as (v: unknown) => void)) as never
          },
          raw(text) {
            ws.send(text)
            return new Promise((r) => waiting.set(null, r))
          },
        })
      } else if ('id' in msg) {
        waiting.get(msg.id)?.(msg.response)
        waiting.delete(msg.id)
      }
    })
  })
}

const infantCount = () => (core.db.prepare('SELECT COUNT(*) AS n FROM infants').get() as { n: number }).n

describe('browser-mode server', () => {
  it('refuses a WebSocket without the token, with a wrong token, or from a foreign Origin', async () => {
    await expect(connect({ token: null })).rejects.toThrow('HTTP 401')
    await expect(connect({ token: 'wrong-token-wrong-token-wrong' })).rejects.toThrow('HTTP 401')
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
    await expect(connect({ origin: null })).rejects.toThrow('HTTP 403')
  })

  it('refuses HTTP requests without the token and never sends CORS headers', async () => {
    const noToken = await fetch(`${server.url}/`)
    expect(noToken.status).toBe(401)
    const withToken = await fetch(server.launchUrl, { redirect: 'manual' })
    expect(withToken.status).toBe(303)
    const cookie = withToken.headers.get('set-cookie')!.split(';')[0]!
    const page = await fetch(`${server.url}/`, { headers: { Cookie: cookie, Origin: 'http://evil.example' } })
    expect(page.status).toBe(200)
    expect(page.headers.get('access-control-allow-origin')).toBeNull()
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    const upload = await fetch(`${server.url}/api/upload`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: 'http://evil.example' },
      body: 'x',
    })
    expect(upload.status).toBe(403)
  })

  it('answers malformed requests with clear typed errors and changes nothing', async () => {
    const c = await connect()
    const before = infantCount()
    expect((await c.call('dropAllTables')).error).toMatchObject({ code: 'unknown_method' })
    expect((await c.call('createInfant', { label: 'X' })).error).toMatchObject({ code: 'unauthenticated' })
    expect((await c.call('signIn', { username: 'nurse', pin: '2468' })).ok).toBe(true)
    const wrongTypes = await c.call('createInfant', { label: 42, bed: ['a'] })
    expect(wrongTypes.error?.code).toBe('invalid_request')
    expect(wrongTypes.error?.message).toMatch(/label/)
    expect((await c.call('createInfant', { label: 'X', sneaky: true })).error?.code).toBe('invalid_request')
    expect((await c.call('createInfant', null)).error?.code).toBe('invalid_request')
    expect(((await c.raw('{not json')) as { error: { code: string } }).error.code).toBe('invalid_request')
    expect(
      ((await c.raw(JSON.stringify({ method: 'listInfants' }))) as { error: { code: string } }).error.code,
    ).toBe('invalid_request')
    expect(infantCount()).toBe(before)
    const ok = await c.call('createInfant', { label: 'Real' })
    expect(ok.ok).toBe(true)
    expect(infantCount()).toBe(before + 1)
    c.ws.close()
  })

  it('gives an admin without a PIN (the first start) no events, no audio and no uploads until the PINs are set', async () => {
    const launch = await fetch(server.launchUrl, { redirect: 'manual' })
    const cookie = launch.headers.get('set-cookie')!.split(';')[0]!
    const c = await connect()
    const events: string[] = []
    c.ws.on('message', (d) => {
      const msg = JSON.parse(String(d))
      if (msg.event && msg.event !== 'hello') events.push(msg.event)
    })
    expect((await c.call('signIn', { username: 'admin' })).ok).toBe(true)
    expect((await c.call('listInfants')).error).toMatchObject({ code: 'pin_required' })
    const media = (sid: string) =>
      fetch(`${server.url}/media/recordings/1.wav?session=${sid}`, { headers: { Cookie: cookie } })
    expect((await media(c.sessionId)).status).toBe(403)
    const upload = await fetch(`${server.url}/api/upload`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: server.url, 'X-Iclas-Session': c.sessionId, 'X-File-Name': 'a.wav' },
      body: Buffer.alloc(16),
    })
    expect(upload.status).toBe(403)
    // A nurse with its PIN changes the ward: the nurse's socket hears it, the admin's does not.
    const nurse = await connect()
    const heard = new Promise<void>((r) =>
      nurse.ws.on('message', (d) => JSON.parse(String(d)).event === 'changed' && r()),
    )
    expect((await nurse.call('signIn', { username: 'nurse', pin: '2468' })).ok).toBe(true)
    expect((await nurse.call('createInfant', { label: 'Bed 9' })).ok).toBe(true)
    await heard
    expect(events).toEqual([])
    expect((await media(nurse.sessionId)).status).toBe(404) // allowed; there is no such recording
    c.ws.close()
    nurse.ws.close()
  })

  it('limits upload size and message size', async () => {
    const c = await connect()
    expect((await c.call('signIn', { username: 'nurse', pin: '2468' })).ok).toBe(true) // uploads need a signed-in session
    const launch = await fetch(server.launchUrl, { redirect: 'manual' })
    const cookie = launch.headers.get('set-cookie')!.split(';')[0]!
    const big = await fetch(`${server.url}/api/upload`, {
      method: 'POST',
      headers: {
        Cookie: cookie,
        Origin: server.url,
        'X-Iclas-Session': c.sessionId,
        'X-File-Name': 'big.wav',
      },
      body: Buffer.alloc(4096),
    })
    expect(big.status).toBe(413)
    const closed = new Promise<number>((r) => c.ws.once('close', (code) => r(code)))
    c.ws.send('x'.repeat(2 * 1024 * 1024))
    expect(await closed).toBe(1009) // message too big
  })
})
