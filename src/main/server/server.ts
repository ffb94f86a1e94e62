// Browser mode: the same core served over HTTP (the built renderer, uploads, recording audio) and a WebSocket
// carrying the contract and its events. Loopback only; a random per-launch token is required on every
// request (cookie set from the launch URL, or a Bearer header); WebSocket and POST requests must come from
// our own Origin; no CORS headers are ever sent, so other sites cannot read responses.
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { WireEvent, WireResponse } from '../../shared/rpc'
import { contract } from '../../shared/contract'
import type { Core } from '../core/core'
import { redactForLog } from '../core/log-redact'
import { CSP } from './csp'
import { listenFirstFree } from './listen'
import { signInHelpPage } from './sign-in-help'

export interface ServerOptions {
  core: Core
  /** Built renderer (out/renderer). */
  rendererDir: string
  /** A port, or ports to try in order (the first free one; see listen.ts). Default: any free port. */
  port?: number | readonly number[]
  host?: '127.0.0.1' | '::1'
  token?: string
  /** Largest accepted upload, bytes (default 32 GiB: a 24 h 48 kHz stereo WAV is 16.6 GB). */
  maxUploadBytes?: number
  /** Uploads waiting to be imported, all together, bytes (default 64 GiB). */
  maxIncomingBytes?: number
  /** Free space an upload must leave on the data folder's disk, bytes (default 1 GiB). */
  reserveFreeBytes?: number
  /** Largest accepted WebSocket message, bytes. */
  maxMessageBytes?: number
  log?: (line: string) => void
}

export interface RunningServer {
  url: string
  /** The launch URL, with the token, to open in a browser. */
  launchUrl: string
  token: string
  port: number
  close(): Promise<void>
}

const COOKIE = 'iclas_token'
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url')
  const maxUpload = opts.maxUploadBytes ?? 32 * 1024 ** 3
  const log = opts.log ?? (() => undefined)
  const core = opts.core
  const maxIncoming = opts.maxIncomingBytes ?? 64 * 1024 ** 3
  const reserveFree = opts.reserveFreeBytes ?? 1024 ** 3
  /** Bytes of uploads in progress (not all on disk yet). */
  let reserved = 0
  let origin = '' // set once the port is known
  const sessionsBySocket = new Map<WebSocket, string>()
  const liveSessions = () => new Set(sessionsBySocket.values())

  const tokenOk = (req: http.IncomingMessage, url: URL): boolean => {
    const candidates = [
      url.searchParams.get('token'),
      cookieToken(req.headers.cookie),
      bearer(req.headers.authorization),
    ]
    return candidates.some((c) => c !== null && safeEqual(c, token))
  }
  const originOk = (req: http.IncomingMessage) => req.headers.origin === origin
  // DNS rebinding: a foreign name resolving to 127.0.0.1 reaches us with its own Host header. Only our own.
  const hostOk = (req: http.IncomingMessage) => req.headers.host === origin.slice('http://'.length)

  const server = http.createServer(async (req, res) => {
    try {
      setSecurityHeaders(res)
      if (!hostOk(req)) return deny(res, 421, 'Wrong Host: open the URL printed when the workstation started')
      const url = parseUrl(req.url, origin)
      if (!url) return deny(res, 400, 'Bad request')
      if (!tokenOk(req, url)) {
        // Not a bare 401: a page that says how to get in.
        const stale = url.searchParams.has('token') || cookieToken(req.headers.cookie) !== null
        res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8' })
        return void res.end(signInHelpPage({ port: Number(new URL(origin).port), staleToken: stale }))
      }
      if (url.searchParams.has('token') && req.method === 'GET' && url.pathname === '/') {
        // Trade the launch token for a same-site cookie and drop it from the address bar.
        res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
        res.writeHead(303, { Location: '/' })
        return res.end()
      }
      if (req.method === 'POST' && url.pathname === '/api/upload') {
        if (!originOk(req))
          return deny(res, 403, 'Uploads are accepted only from the workstation page itself')
        return await handleUpload(req, res)
      }
      const media = /^\/media\/recordings\/(\d+)\.wav$/.exec(url.pathname)
      if (req.method === 'GET' && media) {
        // Recording audio only to a signed-in session of this server (the page adds ?session=…) whose role
        // may read recordings (Core.mediaFor, the desktop app's rule too): the launch token alone lets a
        // browser in, not hear the ward.
        const sid = url.searchParams.get('session') ?? ''
        const file = liveSessions().has(sid) ? core.mediaFor(sid, Number(media[1])) : 'forbidden'
        if (file === 'forbidden') return deny(res, 403, 'Sign in to listen to recordings')
        return serveFile(req, res, file, 'audio/wav')
      }
      if (req.method === 'GET' || req.method === 'HEAD') return serveStatic(req, res, url.pathname)
      return deny(res, 405, 'Method not allowed')
    } catch (err) {
      log(`http error: ${redactForLog((err as Error).message)}`) // messages can quote file names
      if (!res.headersSent) deny(res, 500, 'Internal error')
      else res.destroy()
    }
  })

  async function handleUpload(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // An upload belongs to a signed-in session of this server whose role may import; it is deleted when
    // imported, when that session ends (unless a running import still needs it) and at the next start.
    const sessionId = String(req.headers['x-iclas-session'] ?? '')
    if (!liveSessions().has(sessionId)) return deny(res, 403, 'Unknown session: reload the page')
    const user = core.sessionReader(sessionId)
    if (!user) return deny(res, 403, 'Sign in (with your PIN set) before uploading recordings')
    if (!(contract.startImport.access as readonly string[]).includes(user.role))
      return deny(res, 403, `A ${user.role} may not import recordings`)
    const declared = Number(req.headers['content-length'] ?? NaN)
    if (!Number.isFinite(declared)) return deny(res, 411, 'Uploads need a Content-Length')
    if (declared > maxUpload)
      return deny(
        res,
        413,
        `The file is larger than the upload limit (${(maxUpload / 1024 ** 3).toFixed(0)} GiB)`,
      )
    // Quotas: all uploads waiting together, and the disk the database lives on never filled.
    const waiting = core.uploadBytesWaiting() + reserved
    if (waiting + declared > maxIncoming)
      return deny(
        res,
        413,
        `Uploads waiting to be imported would exceed ${(maxIncoming / 1024 ** 3).toFixed(0)} GiB: import or cancel them first`,
      )
    const free = freeBytes(core.options.dataDir)
    if (free !== null && declared > free - reserveFree)
      return deny(res, 507, 'Not enough free disk space in the data folder for this upload')
    const name = safeName(decodeHeader(req.headers['x-file-name']) ?? 'upload')
    const rel = decodeHeader(req.headers['x-relative-path'])
    const dest = core.newUploadFile(name)
    let received = 0
    reserved += declared
    res.on('close', () => (reserved -= declared))
    req.on('data', (c: Buffer) => {
      received += c.length
      if (received > declared) req.destroy(new Error('body longer than Content-Length'))
    })
    try {
      await pipeline(req, fs.createWriteStream(dest, { flags: 'wx' }))
    } catch (err) {
      fs.rmSync(dest, { force: true })
      return deny(res, 400, `Upload failed: ${(err as Error).message}`)
    }
    const [grant] = core.grantFiles(sessionId, [
      { path: dest, name, relativePath: rel ? rel.replace(/\\/g, '/') : null, ownedCopy: true },
    ])
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(grant))
  }

  function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
    let decoded: string
    try {
      decoded = decodeURIComponent(pathname)
    } catch {
      return deny(res, 400, 'Bad request')
    }
    if (decoded.includes('\0')) return deny(res, 404, 'Not found')
    const rel = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
    const file = path.resolve(opts.rendererDir, rel)
    if (!file.startsWith(path.resolve(opts.rendererDir) + path.sep)) return deny(res, 404, 'Not found')
    const exists = fs.existsSync(file) && fs.statSync(file).isFile()
    // Built assets carry a content hash in their names: cached for good, never asked for again. The page
    // itself (and everything else) stays no-store.
    if (exists && rel.startsWith('assets/'))
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable')
    // Client-side routes fall back to the app shell.
    serveFile(
      req,
      res,
      exists ? file : path.join(opts.rendererDir, 'index.html'),
      MIME[path.extname(exists ? file : '.html')] ?? 'application/octet-stream',
    )
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes ?? 1024 * 1024 })
  server.on('upgrade', (req, socket, head) => {
    const url = parseUrl(req.url, origin)
    const refuse = (code: number, why: string) => {
      socket.write(
        `HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${why}`,
      )
      socket.destroy()
    }
    // A throwing listener here would take the whole server down: every check answers instead.
    if (!hostOk(req)) return refuse(421, 'Wrong Host')
    if (!url || url.pathname !== '/ws') return refuse(404, 'Not found')
    if (!tokenOk(req, url)) return refuse(401, 'Missing or wrong ICLAS access token')
    if (!originOk(req)) return refuse(403, `Origin ${req.headers.origin ?? '(none)'} is not allowed`)
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket) => {
    const sessionId = core.openSession()
    sessionsBySocket.set(ws, sessionId)
    send(ws, { event: 'hello', payload: { sessionId } })
    // Every message is answered, never thrown: its shape is checked before anything reads it, and a
    // failure anywhere below is an answer too (an async listener's rejection would end the process).
    ws.on('message', (data, isBinary) => {
      void answer(data, isBinary).catch((err: unknown) => {
        log(`websocket message failed: ${redactForLog(String((err as Error)?.message ?? 'error'))}`)
        sendRaw(ws, {
          id: null,
          response: { ok: false, error: { code: 'internal', message: 'Internal error' } },
        })
      })
    })
    const answer = async (data: RawData, isBinary: boolean): Promise<void> => {
      const refuse = (id: number | null, code: 'invalid_request' | 'unknown_method', message: string) =>
        sendRaw(ws, { id, response: { ok: false, error: { code, message } } })
      let msg: unknown
      try {
        if (isBinary) throw new Error('binary')
        msg = JSON.parse(data.toString())
      } catch {
        return refuse(null, 'invalid_request', 'Messages must be JSON text')
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
        return refuse(null, 'invalid_request', 'A request needs a numeric id, a method and params')
      const m = msg as Record<string, unknown>
      const id = Object.prototype.hasOwnProperty.call(m, 'id') ? m.id : undefined
      if (typeof id !== 'number' || !Number.isSafeInteger(id))
        return refuse(null, 'invalid_request', 'A request needs a numeric id, a method and params')
      const method = Object.prototype.hasOwnProperty.call(m, 'method') ? m.method : undefined
      if (typeof method !== 'string') return refuse(id, 'unknown_method', 'The method must be a name (text)')
      const params = Object.prototype.hasOwnProperty.call(m, 'params') ? m.params : undefined
      const response = await core.dispatch(sessionId, method, params)
      sendRaw(ws, { id, response } satisfies WireResponse)
    }
    ws.on('close', () => {
      sessionsBySocket.delete(ws)
      core.closeSession(sessionId)
    })
    ws.on('error', () => ws.terminate())
  })

  // Events go only to signed-in sessions, filtered by role (Core.eventFor): file names and patient data
  // never reach a socket that has not signed in.
  const onEvent = (event: string, payload: unknown) => {
    for (const [ws, sid] of sessionsBySocket) {
      const visible = core.eventFor(sid, event, payload)
      if (visible !== null) send(ws, { event, payload: visible })
    }
  }
  core.events.on('event', onEvent)

  const port = await listenFirstFree(server, host, opts.port ?? 0)
  const hostPart = host === '::1' ? '[::1]' : host
  origin = `http://${hostPart}:${port}`
  log(`browser mode listening on ${origin}`)
  return {
    url: origin,
    launchUrl: `${origin}/?token=${token}`,
    token,
    port,
    async close() {
      core.events.off('event', onEvent)
      for (const ws of sessionsBySocket.keys()) ws.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

function send(ws: WebSocket, e: WireEvent): void {
  sendRaw(ws, e)
}

function sendRaw(ws: WebSocket, value: unknown): void {
  if (ws.readyState !== ws.OPEN) return
  let text: string
  try {
    text = JSON.stringify(value)
  } catch {
    // An answer that cannot be written as JSON (a cycle, a BigInt) is itself answered, never thrown.
    const id = (value as { id?: unknown })?.id
    text = JSON.stringify({
      id: typeof id === 'number' ? id : null,
      response: { ok: false, error: { code: 'internal', message: 'The answer could not be encoded' } },
    })
  }
  ws.send(text)
}

function serveFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: string | undefined,
  type: string,
): void {
  if (!file || !fs.existsSync(file)) return deny(res, 404, 'Not found')
  const size = fs.statSync(file).size
  const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''))
  let start = 0
  let end = size - 1
  if (range && (range[1] || range[2])) {
    if (range[1]) {
      start = Number(range[1])
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1
    } else {
      start = Math.max(0, size - Number(range[2]))
    }
    if (start > end || start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` })
      return void res.end()
    }
    res.writeHead(206, {
      'Content-Type': type,
      'Content-Length': end - start + 1,
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Accept-Ranges': 'bytes',
    })
  } else {
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': size, 'Accept-Ranges': 'bytes' })
  }
  if (req.method === 'HEAD') return void res.end()
  fs.createReadStream(file, { start, end }).pipe(res)
}

function setSecurityHeaders(res: http.ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
  res.setHeader('Cache-Control', 'no-store')
}

/** The request URL, or null when it cannot be parsed (hostile request lines must not throw). */
function parseUrl(raw: string | undefined, origin: string): URL | null {
  try {
    return new URL(raw ?? '/', origin)
  } catch {
    return null
  }
}

function deny(res: http.ServerResponse, code: number, message: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(message)
}

function cookieToken(header: string | undefined): string | null {
  const m = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]+)`).exec(header ?? '')
  return m ? m[1]! : null
}

function bearer(header: string | undefined): string | null {
  const m = /^Bearer (.+)$/.exec(header ?? '')
  return m ? m[1]! : null
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && crypto.timingSafeEqual(x, y)
}

function decodeHeader(v: string | string[] | undefined): string | null {
  if (typeof v !== 'string' || !v) return null
  try {
    return decodeURIComponent(v).slice(0, 1024)
  } catch {
    return null
  }
}

function freeBytes(dir: string): number | null {
  try {
    const st = fs.statfsSync(dir)
    return st.bavail * st.bsize
  } catch {
    return null
  }
}

function safeName(name: string): string {
  return (
    path
      .basename(name)
      .replace(/[^\w.\- ()]/g, '_')
      .slice(0, 180) || 'upload'
  )
}
