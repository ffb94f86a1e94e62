// A damaged database at start-up: the CLI says what is wrong and the way out (no stack trace); browser mode
// serves a recovery page on its own address that restores the newest good backup or moves the damaged file
// aside, then starts the workstation on the same address; a second core on the same folder is refused.
import Database from 'better-sqlite3'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { coreClient } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { startRecoveryServer } from '../../src/main/server/recovery'
import { scaled } from '../helpers/time-scale'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
let dir: string
let dataDir: string

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-damaged-'))
  dataDir = path.join(dir, 'data')
  // A store with one infant in a backup, a second one after it, then damage.
  const core = new Core({ dataDir, mode: 'test', workers: 1, log: () => undefined })
  const sid = core.openSession()
  core.signInDirect(sid, 'admin')
  await coreClient(core, sid).createInfant({ label: 'In the backup' })
  await coreClient(core, sid).createBackup({})
  await coreClient(core, sid).createInfant({ label: 'After the backup' })
  await core.close()
  const db = new Database(path.join(dataDir, 'iclas.db'))
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  const fd = fs.openSync(path.join(dataDir, 'iclas.db'), 'r+')
  fs.writeSync(fd, Buffer.alloc(4096 * 6, 0x5a), 0, 4096 * 6, 4096)
  fs.closeSync(fd)
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const labels = (c: Core) =>
  (c.db.prepare('SELECT label FROM infants ORDER BY id').all() as { label: string }[]).map((r) => r.label)
const lastAudit = (c: Core) =>
  c.db.prepare('SELECT action, username FROM audit_log ORDER BY id DESC LIMIT 1').get()

function iclas(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/iclas.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: scaled(60_000),
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

describe('a damaged database at start-up', () => {
  it(
    'the CLI names the problem and the way out, then restores the newest good backup',
    () => {
      const imp = iclas('import', path.join(dir, 'none.wav'), '--infant', 'X', '--data-dir', dataDir)
      expect(imp.code).toBe(1)
      expect(imp.err).toMatch(/is damaged/)
      expect(imp.err).toMatch(/iclas backup restore --latest/)
      expect(imp.err).not.toMatch(/\n\s+at /) // a situation, not a stack trace
      const list = iclas('backup', 'list', '--verify', '--data-dir', dataDir)
      expect(list.out).toMatch(/-manual\s+[\d.]+ MB {2}ok/)
      const restore = iclas('backup', 'restore', '--latest', '--data-dir', dataDir)
      expect(restore.code, restore.err).toBe(0)
      expect(restore.out).toMatch(/restored .*-manual; the replaced database is kept as replaced/)
      const core = new Core({ dataDir, mode: 'test', workers: 1, log: () => undefined })
      expect(labels(core)).toEqual(['In the backup'])
      // The audit entries of the damaged file could not be read: the restore itself is recorded.
      expect(lastAudit(core)).toMatchObject({ action: 'store.restore' })
      return core.close()
    },
    scaled(120_000),
  )

  it('browser mode: a recovery page restores the backup; only our Origin with the token may ask', async () => {
    const rescue = await startRecoveryServer({ dataDir, problem: 'The ICLAS database is damaged (test).' })
    try {
      expect((await fetch(`${rescue.url}/`)).status).toBe(401)
      const launch = await fetch(rescue.launchUrl, { redirect: 'manual' })
      const cookie = launch.headers.get('set-cookie')!.split(';')[0]!
      const page = await fetch(`${rescue.url}/`, { headers: { Cookie: cookie } })
      const html = await page.text()
      expect(html).toMatch(/database is damaged/)
      expect(html).toMatch(/Restore the backup of .*1 infants/)
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/)
      const forged = await fetch(`${rescue.url}/recovery/restore`, {
        method: 'POST',
        headers: { Cookie: cookie, Origin: 'http://evil.example' },
      })
      expect(forged.status).toBe(403)
      const noToken = await fetch(`${rescue.url}/recovery/restore`, {
        method: 'POST',
        headers: { Origin: rescue.url },
      })
      expect(noToken.status).toBe(401)
      const ok = await fetch(`${rescue.url}/recovery/restore`, {
        method: 'POST',
        headers: { Cookie: cookie, Origin: rescue.url },
      })
      expect(ok.status).toBe(200)
      expect(await ok.text()).toMatch(/http-equiv="refresh"/)
      expect(await rescue.repaired).toBe('restored')
    } finally {
      await rescue.close()
    }
    const core = new Core({ dataDir, mode: 'test', workers: 1, log: () => undefined })
    expect(labels(core)).toEqual(['In the backup'])
    expect(lastAudit(core)).toEqual({ action: 'store.restore', username: 'recovery page' })
    await core.close()
  })

  it('browser mode: or moves the damaged file aside and starts empty', async () => {
    const rescue = await startRecoveryServer({ dataDir, problem: 'damaged' })
    const cookie = (await fetch(rescue.launchUrl, { redirect: 'manual' })).headers
      .get('set-cookie')!
      .split(';')[0]!
    const r = await fetch(`${rescue.url}/recovery/set-aside`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: rescue.url },
    })
    expect(r.status).toBe(200)
    expect(await rescue.repaired).toBe('set-aside')
    await rescue.close()
    expect(fs.readdirSync(path.join(dataDir, 'damaged')).some((f) => /^iclas-.*\.db$/.test(f))).toBe(true)
    const core = new Core({ dataDir, mode: 'test', workers: 1, log: () => undefined })
    expect(labels(core)).toEqual([])
    expect(lastAudit(core)).toMatchObject({ action: 'store.set_aside' })
    await core.close()
  })

  it(
    '`iclas serve` shows the recovery page, then the workstation on the same address',
    async () => {
      const renderer = path.join(dir, 'renderer')
      fs.mkdirSync(renderer)
      fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>ICLAS workstation</title>')
      const urlFile = path.join(dir, 'url.txt')
      const child = spawn(
        process.execPath,
        [
          path.join(root, 'bin/iclas.mjs'),
          'serve',
          '--data-dir',
          dataDir,
          '--renderer',
          renderer,
          '--url-file',
          urlFile,
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let output = ''
      child.stdout!.on('data', (d) => (output += d))
      child.stderr!.on('data', (d) => (output += d))
      try {
        const launch = await waitFor(
          () => (fs.existsSync(urlFile) ? fs.readFileSync(urlFile, 'utf8') : null),
          () => output,
        )
        const base = new URL(launch).origin
        const cookie = (await fetch(launch, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!
        expect(await (await fetch(`${base}/`, { headers: { Cookie: cookie } })).text()).toMatch(
          /database is damaged/,
        )
        fs.rmSync(urlFile)
        const r = await fetch(`${base}/recovery/restore`, {
          method: 'POST',
          headers: { Cookie: cookie, Origin: base },
        })
        expect(r.status).toBe(200)
        expect(
          await waitFor(
            () => (fs.existsSync(urlFile) ? fs.readFileSync(urlFile, 'utf8') : null),
            () => output,
          ),
        ).toBe(launch)
        // The recovery server closed every connection when it handed over; a keep-alive socket the client still
        // held may die under the request, which a browser retries on a new connection: so does this.
        expect(await (await fetchRetrying(`${base}/`, { headers: { Cookie: cookie } })).text()).toMatch(
          /ICLAS workstation/,
        )
      } finally {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
    },
    scaled(120_000),
  )
})

async function fetchRetrying(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init)
    } catch (err) {
      const code = ((err as Error).cause as { code?: string } | undefined)?.code
      if (attempt >= 3 || !code?.startsWith('UND_ERR_SOCKET')) throw err
    }
  }
}

async function waitFor<T>(probe: () => T | null, output: () => string): Promise<T> {
  const until = Date.now() + 60_000
  for (;;) {
    const v = probe()
    if (v) return v
    if (Date.now() > until) throw new Error(`timed out:\n${output()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
