// Browser-mode transport under hostile requests (beyond test/integration/server.test.ts): Origins that are
// "almost ours" (::1 vs 127.0.0.1, localhost, another port), DNS-rebinding Host headers, path traversal on
// static files and media ids, malformed URLs and request lines that must not take the server down, and Range
// abuse on recording audio. The server answers every one with a refusal or the right bytes, and keeps serving.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { coreClient } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { startServer, type RunningServer } from '../../src/main/server/server'
import { writeToneWav } from '../helpers/wav'
import { scaled } from '../helpers/time-scale'

let core: Core
let server: RunningServer
let dir: string
let cookie: string
let audioSize: number
/** A WebSocket session of this server, signed in as a nurse: recording audio is served only to such a one. */
let mediaSession: string
let mediaSocket: WebSocket

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-fuzz-server-'))
  const renderer = path.join(dir, 'renderer')
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>ICLAS</title>')
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)')
  fs.writeFileSync(path.join(dir, 'outside.txt'), 'OUTSIDE-THE-RENDERER')
  core = new Core({ dataDir: path.join(dir, 'data'), mode: 'test', workers: 1, log: () => undefined })
  const sid = core.openSession()
  core.signInDirect(sid, 'nurse')
  const [g] = core.grantFiles(sid, [
    { path: writeToneWav(path.join(dir, 'a.wav'), { seconds: 1, rate: 16000 }) },
  ])
  await coreClient(core, sid).startImport({ items: [{ grantId: g!.id, newInfantLabel: 'A' }] })
  await core.ctx.jobs.idle()
  audioSize = fs.statSync(core.recordingAudioFile(1)!).size
  server = await startServer({ core, rendererDir: renderer })
  const launch = await fetch(server.launchUrl, { redirect: 'manual' })
  cookie = launch.headers.get('set-cookie')!.split(';')[0]!
  const opened = await openSocket()
  mediaSocket = opened.ws
  mediaSession = opened.sessionId
  core.signInDirect(mediaSession, 'nurse')
})

/** A WebSocket to the server, with its session id and every event it receives. */
function openSocket(): Promise<{
  ws: WebSocket
  sessionId: string
  events: { event: string; payload: unknown }[]
}> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
      headers: { Origin: server.url },
    })
    const events: { event: string; payload: unknown }[] = []
    ws.on('error', reject)
    ws.on('message', (d) => {
      const msg = JSON.parse(String(d)) as { event?: string; payload?: unknown }
      if (msg.event === 'hello')
        resolve({ ws, sessionId: (msg.payload as { sessionId: string }).sessionId, events })
      else if (msg.event) events.push({ event: msg.event, payload: msg.payload })
    })
  })
}

afterAll(async () => {
  mediaSocket.close()
  await server.close()
  await core.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** A raw HTTP/1.1 exchange, so paths and headers reach the server exactly as written. */
function raw(request: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1')
    let data = ''
    sock.setTimeout(scaled(5000), () => {
      sock.destroy()
      reject(new Error(`no answer to ${request.split('\r\n')[0]}`))
    })
    sock.on('data', (d) => (data += d.toString('latin1')))
    sock.on('error', reject)
    sock.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n')
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), head, body })
    })
    sock.write(request)
  })
}

const host = () => `127.0.0.1:${server.port}`
const get = (target: string, extra = '') =>
  raw(`GET ${target} HTTP/1.1\r\nHost: ${host()}\r\nCookie: ${cookie}\r\nConnection: close\r\n${extra}\r\n`)

function wsConnect(origin: string, hostHeader?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
      headers: { Origin: origin, ...(hostHeader ? { Host: hostHeader } : {}) },
    })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('open', () => {
      ws.close()
      resolve(101)
    })
    ws.on('error', () => resolve(-1))
  })
}

describe('browser-mode transport under hostile requests', () => {
  it('accepts only its exact Origin: not ::1 for 127.0.0.1, not localhost, not another port or scheme', async () => {
    expect(await wsConnect(server.url)).toBe(101)
    for (const origin of [
      `http://[::1]:${server.port}`,
      `http://localhost:${server.port}`,
      `http://127.0.0.1:${server.port + 1}`,
      `https://127.0.0.1:${server.port}`,
      `http://127.0.0.1.evil.example:${server.port}`,
      'null',
      `${server.url}/`,
    ])
      expect(await wsConnect(origin), origin).toBe(403)
  })

  it('refuses foreign Host headers (DNS rebinding), over HTTP and WebSocket, even with the token', async () => {
    for (const h of [
      `evil.example:${server.port}`,
      `localhost:${server.port}`,
      `[::1]:${server.port}`,
      '127.0.0.1',
    ])
      expect(
        (await raw(`GET /?token=${server.token} HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n`)).status,
        h,
      ).toBe(421)
    expect(await wsConnect(`http://evil.example:${server.port}`, `evil.example:${server.port}`)).toBe(421)
  })

  it('never serves a file outside the renderer folder, whatever the encoding of the path', async () => {
    for (const p of [
      '/../outside.txt',
      '/assets/../../outside.txt',
      '/%2e%2e/outside.txt',
      '/%2e%2e%2foutside.txt',
      '/..%2f..%2foutside.txt',
      '/%252e%252e%252foutside.txt',
      '/..\\outside.txt',
      '/..%5coutside.txt',
      `/${'../'.repeat(20)}etc/passwd`,
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '//etc/passwd',
      '/assets/app.js%00.html',
    ]) {
      const r = await get(p)
      expect(r.body, p).not.toContain('OUTSIDE-THE-RENDERER')
      expect(r.body, p).not.toMatch(/root:.*:0:0:/)
      expect([200, 400, 404], p).toContain(r.status)
    }
    expect((await get('/assets/app.js')).body).toBe('console.log(1)')
  })

  it('answers malformed URLs and request lines without going down', async () => {
    for (const target of ['/%', '/%E0%A4%A', '/%uD800', 'http://[', '*', '/\u0000']) {
      const r = await get(target).catch(() => ({ status: -1 }))
      expect([400, 404, 200, -1], target).toContain(r.status)
    }
    const up = await raw(
      `GET http://[ HTTP/1.1\r\nHost: ${host()}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    )
    expect(up.status).toBe(404)
    // Still serving.
    expect((await get('/')).status).toBe(200)
    expect(await wsConnect(server.url)).toBe(101)
  })

  it('serves recording audio by numeric id only; ids that are not recordings are 404', async () => {
    expect((await get(`/media/recordings/1.wav?session=${mediaSession}`)).status).toBe(200)
    for (const p of [
      '/media/recordings/2.wav',
      '/media/recordings/0.wav',
      '/media/recordings/-1.wav',
      '/media/recordings/1e3.wav',
      '/media/recordings/99999999999999999999999.wav',
      '/media/recordings/..%2f..%2ficlas.db',
      '/media/recordings/../../data/iclas.db',
      '/media/recordings/1.wav/../../iclas.db',
    ]) {
      const r = await get(`${p}?session=${mediaSession}`)
      expect(r.head, p).not.toMatch(/Content-Type: audio\/wav/)
      expect(r.body, p).not.toContain('SQLite format 3')
    }
  })

  it('handles Range abuse: reversed, out of bounds, suffixes, multiple ranges, huge numbers', async () => {
    const cases: [string, number, string | null][] = [
      ['bytes=0-9', 206, `bytes 0-9/${audioSize}`],
      ['bytes=-10', 206, `bytes ${audioSize - 10}-${audioSize - 1}/${audioSize}`],
      [`bytes=-${audioSize * 10}`, 206, `bytes 0-${audioSize - 1}/${audioSize}`],
      [`bytes=10-${audioSize * 10}`, 206, `bytes 10-${audioSize - 1}/${audioSize}`],
      ['bytes=9-0', 416, `bytes */${audioSize}`],
      [`bytes=${audioSize}-`, 416, `bytes */${audioSize}`],
      ['bytes=-0', 416, `bytes */${audioSize}`],
      ['bytes=99999999999999999999999-', 416, `bytes */${audioSize}`],
      ['bytes=0-1,5-9', 200, null],
      ['bytes=abc', 200, null],
      ['items=0-9', 200, null],
    ]
    for (const [range, status, contentRange] of cases) {
      const r = await get(`/media/recordings/1.wav?session=${mediaSession}`, `Range: ${range}\r\n`)
      expect(r.status, range).toBe(status)
      const cr = /Content-Range: (.*)/i.exec(r.head)?.[1]?.trim() ?? null
      expect(cr, range).toBe(contentRange)
    }
  })
})

describe('signed-out sockets see nothing (issue 17, item 6)', () => {
  it('recording audio needs a signed-in session of this server, not only the launch token', async () => {
    expect((await get('/media/recordings/1.wav')).status).toBe(403)
    expect((await get('/media/recordings/1.wav?session=0123456789abcdef')).status).toBe(403)
    const { ws, sessionId } = await openSocket()
    try {
      expect((await get(`/media/recordings/1.wav?session=${sessionId}`)).status).toBe(403) // signed out
      core.signInDirect(sessionId, 'clinician')
      expect((await get(`/media/recordings/1.wav?session=${sessionId}`)).status).toBe(200)
    } finally {
      ws.close()
    }
    // A session whose socket closed is gone.
    await new Promise((r) => setTimeout(r, 50))
    expect((await get(`/media/recordings/1.wav?session=${sessionId}`)).status).toBe(403)
  })

  it('events (file names, progress, alerts) reach only signed-in sockets', async () => {
    const anon = await openSocket()
    const nurse = await openSocket()
    core.signInDirect(nurse.sessionId, 'nurse')
    try {
      const sid = core.openSession()
      core.signInDirect(sid, 'nurse')
      const [g] = core.grantFiles(sid, [
        {
          path: writeToneWav(path.join(dir, 'Baby-Smith_2026-01-02.wav'), {
            seconds: 1,
            rate: 16000,
            freq: 500,
          }),
        },
      ])
      await coreClient(core, sid).startImport({ items: [{ grantId: g!.id, newInfantLabel: 'Smith' }] })
      await core.ctx.jobs.idle()
      await new Promise((r) => setTimeout(r, 100)) // let the last frames arrive
      expect(JSON.stringify(nurse.events)).toContain('Baby-Smith')
      expect(anon.events, JSON.stringify(anon.events).slice(0, 300)).toEqual([])
    } finally {
      anon.ws.close()
      nurse.ws.close()
    }
  })

  it("a failed sign-in never writes the caller's text into the audit log", async () => {
    const sid = core.openSession()
    const junk = 'Baby-Smith <script>'.padEnd(64, 'x')
    expect((await core.dispatch(sid, 'signIn', { username: junk })).ok).toBe(false)
    const rows = core.db.prepare('SELECT username, before_json, after_json FROM audit_log').all()
    expect(JSON.stringify(rows)).not.toContain('Baby-Smith <script>')
  })
})

describe('uploads belong to a signed-in session and are cleaned up (issue 17, item 4)', () => {
  const incoming = () => path.join(dir, 'data', 'incoming')
  const waiting = () => (fs.existsSync(incoming()) ? fs.readdirSync(incoming()) : [])
  const upload = (sessionId: string, body: Buffer, url = server.url) =>
    fetch(`${url}/api/upload`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: url, 'X-Iclas-Session': sessionId, 'X-File-Name': 'rec.wav' },
      body,
    })

  it('a signed-out session may not upload; a signed-in one may, and its uploads go when it ends', async () => {
    const before = waiting()
    const anon = await openSocket()
    expect((await upload(anon.sessionId, Buffer.alloc(1000))).status).toBe(403)
    expect(waiting()).toEqual(before)
    core.signInDirect(anon.sessionId, 'nurse')
    const ok = await upload(anon.sessionId, Buffer.alloc(1000))
    expect(ok.status).toBe(200)
    expect(waiting().length).toBe(before.length + 1)
    anon.ws.close()
    // The server hears the close and ends the session; its upload is deleted (nothing was importing it).
    for (let i = 0; i < 500 && waiting().length > before.length; i++)
      await new Promise((r) => setTimeout(r, 10))
    expect(waiting()).toEqual(before)
  })

  it('uploads waiting together have a quota', async () => {
    const small = await startServer({ core, rendererDir: path.join(dir, 'renderer'), maxIncomingBytes: 1500 })
    const launch = await fetch(small.launchUrl, { redirect: 'manual' })
    const smallCookie = launch.headers.get('set-cookie')!.split(';')[0]!
    const ws = new WebSocket(`${small.url.replace('http', 'ws')}/ws`, {
      headers: { Origin: small.url, Cookie: smallCookie },
    })
    const sid = await new Promise<string>((resolve) =>
      ws.on('message', (d) => {
        const m = JSON.parse(String(d))
        if (m.event === 'hello') resolve(m.payload.sessionId)
      }),
    )
    core.signInDirect(sid, 'nurse')
    const send = (n: number) =>
      fetch(`${small.url}/api/upload`, {
        method: 'POST',
        headers: { Cookie: smallCookie, Origin: small.url, 'X-Iclas-Session': sid, 'X-File-Name': 'a.wav' },
        body: Buffer.alloc(n),
      })
    try {
      expect((await send(1000)).status).toBe(200)
      expect((await send(1000)).status).toBe(413)
    } finally {
      ws.close()
      await small.close()
    }
  })

  it('uploads an earlier run left behind are deleted at start', async () => {
    const other = path.join(dir, 'restart-data')
    fs.mkdirSync(path.join(other, 'incoming'), { recursive: true })
    fs.writeFileSync(path.join(other, 'incoming', '0123456789abcdef-Baby-Smith.wav'), Buffer.alloc(4096))
    const c = new Core({ dataDir: other, mode: 'test', workers: 1, log: () => undefined })
    try {
      c.recover()
      expect(fs.readdirSync(path.join(other, 'incoming'))).toEqual([])
    } finally {
      await c.close()
    }
  })
})
