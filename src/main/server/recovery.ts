// Browser mode when the database is damaged: instead of the workstation, a small self-contained page on the
// same loopback address, port and token says what is wrong and offers the way out (restore the newest good
// backup, or move the damaged file aside and start empty). Plain HTML forms, no script; the same Host,
// token and Origin checks as the workstation itself. When the user has chosen, `repaired` resolves and the
// caller starts the workstation on the same port, so the page's reload lands in it.
import crypto from 'node:crypto'
import http from 'node:http'
import type { Actor } from '../store/audit'
import { describeDamage, restoreOffline, setAsideOffline, type DamageReport } from '../core/offline-repair'
import { redactForLog } from '../core/log-redact'
import { listenFirstFree } from './listen'

export interface RecoveryServer {
  url: string
  launchUrl: string
  token: string
  port: number
  /** Resolves once the user restored a backup or moved the file aside. */
  repaired: Promise<'restored' | 'set-aside'>
  close(): Promise<void>
}

const COOKIE = 'iclas_token'
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
const WHO: Actor = { userId: null, username: 'recovery page', role: 'system' }

export async function startRecoveryServer(opts: {
  dataDir: string
  problem: string
  /** A port, or ports to try in order (see listen.ts). */
  port?: number | readonly number[]
  token?: string
  log?: (line: string) => void
}): Promise<RecoveryServer> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url')
  const log = opts.log ?? (() => undefined)
  let origin = ''
  let done: (how: 'restored' | 'set-aside') => void = () => undefined
  const repaired = new Promise<'restored' | 'set-aside'>((r) => (done = r))
  let working = false

  const server = http.createServer((req, res) => {
    res.setHeader('Content-Security-Policy', CSP)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('Cache-Control', 'no-store')
    const send = (code: number, html: string, extra: Record<string, string> = {}) => {
      res.writeHead(code, { 'Content-Type': 'text/html; charset=utf-8', ...extra })
      res.end(html)
    }
    if (req.headers.host !== origin.slice('http://'.length)) return send(421, page('Wrong address', ''))
    let url: URL
    try {
      url = new URL(req.url ?? '/', origin)
    } catch {
      return send(400, page('Bad request', ''))
    }
    const cookie = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]+)`).exec(req.headers.cookie ?? '')?.[1] ?? null
    const given = url.searchParams.get('token') ?? cookie
    if (!given || !safeEqual(given, token))
      return send(
        401,
        page('Access token missing', '<p>Open the URL printed when the workstation started.</p>'),
      )
    if (req.method === 'GET' && url.searchParams.has('token'))
      return send(303, '', {
        'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: '/',
      })
    if (req.method === 'GET' && url.pathname === '/')
      return send(200, damagePage(describeDamage(opts.dataDir, opts.problem)))
    if (
      req.method === 'POST' &&
      (url.pathname === '/recovery/restore' || url.pathname === '/recovery/set-aside')
    ) {
      if (req.headers.origin !== origin)
        return send(403, page('Refused', '<p>Only this page may repair the database.</p>'))
      if (working) return send(409, page('Already repairing', '<p>Wait a moment and reload.</p>'))
      working = true
      req.resume()
      try {
        if (url.pathname === '/recovery/restore') {
          const r = restoreOffline(opts.dataDir, WHO)
          log(`restored backup ${r.restored}; the damaged database is kept as ${r.keptAs}`)
          send(
            200,
            startingPage(`Restored the backup of ${r.check.counts.recordings} recordings (${r.restored}).`),
          )
          done('restored')
        } else {
          const keptAs = setAsideOffline(opts.dataDir, WHO)
          log(`moved the damaged database aside (${keptAs}); starting empty`)
          send(
            200,
            startingPage(
              `The damaged database is kept as ${keptAs ?? '(none)'}; the workstation starts empty.`,
            ),
          )
          done('set-aside')
        }
      } catch (err) {
        working = false
        log(`repair failed: ${redactForLog((err as Error).message)}`)
        send(
          500,
          page('The repair failed', `<p>${escape((err as Error).message)}</p><p><a href="/">Back</a></p>`),
        )
      }
      return
    }
    return send(404, page('Not found', '<p><a href="/">Back</a></p>'))
  })

  const port = await listenFirstFree(server, '127.0.0.1', opts.port ?? 0)
  origin = `http://127.0.0.1:${port}`
  return {
    url: origin,
    launchUrl: `${origin}/?token=${token}`,
    token,
    port,
    repaired,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

function damagePage(d: DamageReport): string {
  const restore = d.latestGood
    ? `<form method="post" action="/recovery/restore"><button>Restore the backup of ${escape(
        new Date(d.latestGood.createdAt).toLocaleString(),
      )}</button> <span>${d.latestGood.counts.infants} infants, ${d.latestGood.counts.recordings} recordings, ${
        d.latestGood.counts.cries
      } cries. Work since then is lost; its audio files are kept.</span></form>`
    : '<p>There is no good backup to restore.</p>'
  return page(
    'The ICLAS database is damaged',
    `<p>${escape(d.problem)}</p>
     <p>Nothing has been changed yet. Choose a way out; the damaged file is kept either way.</p>
     ${restore}
     <form method="post" action="/recovery/set-aside"><button>Move the damaged file aside and start empty</button>
     <span>Audio files are kept. A technician can try to recover the damaged file later.</span></form>`,
  )
}

function startingPage(what: string): string {
  return page('Starting the workstation', `<p>${escape(what)}</p><p>Opening the workstation…</p>`).replace(
    '<head>',
    '<head><meta http-equiv="refresh" content="2;url=/">',
  )
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ICLAS — ${escape(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1d2733}
h1{font-size:1.4rem}form{margin:1.2rem 0}button{font:inherit;padding:.5rem 1rem;margin-right:.6rem}
span{color:#555}</style></head><body><h1>${escape(title)}</h1>${body}</body></html>`
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && crypto.timingSafeEqual(x, y)
}
