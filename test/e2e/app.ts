// The App wrapper every spec uses: starts a fresh workstation (browser mode server, or the Electron app),
// opens it, and hides the difference between the two targets (file choosing, screenshots). It waits for
// things the app shows, never sleeps.
import {
  test as base,
  expect,
  chromium,
  _electron,
  type Page,
  type ElectronApplication,
  type Browser,
} from '@playwright/test'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { scaled } from '../helpers/time-scale'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const SCREENSHOTS = path.join(ROOT, 'test', 'e2e', 'screenshots')
const TARGET = process.env.ICLAS_E2E_TARGET === 'electron' ? 'electron' : 'browser'
const CHROMIUM = process.env.ICLAS_CHROMIUM ?? '/usr/bin/chromium'

export interface App {
  page: Page
  dataDir: string
  target: 'browser' | 'electron'
  /** Choose files in the import screen through the real picker (file chooser / native dialog). */
  chooseFiles(button: RegExp, files: string[]): Promise<void>
  /** Choose a folder in the import screen through the real folder picker. */
  chooseFolder(button: RegExp, dir: string): Promise<void>
  screenshot(name: string): Promise<void>
  /** Signs in through the sign-in screen, with the account's PIN when the spec's `pins` give it one. */
  signIn(username: string): Promise<void>
  /** A simulated ward (`iclas simulate`): <dir>/<infant>/<infant>_<time>.wav plus ground-truth.json. */
  simulateWard(options: {
    infants: number
    hoursPerDay: number
    days?: number
    sessionsPerDay?: number
    /** Hours over which a deviating infant's cries change. */
    rampHours?: number
    cryRate?: number
    deviating?: number
    seed?: number
  }): string
  /** The nurse's path: import a folder of infant folders with the "one folder per infant" rule, until done. */
  importFolder(dir: string): Promise<void>
  /** Run an action that downloads a file (an export) and return the file's name and text. */
  download(action: () => Promise<void>): Promise<{ name: string; text: string }>
}

/**
 * The environment of the app under test: specs start on an empty ward (no demo ward built at first start)
 * unless ICLAS_E2E_ENV (JSON) says otherwise, as the demo spec does.
 */
function appEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ICLAS_NO_DEMO: '1',
    ...(process.env.ICLAS_E2E_ENV ? JSON.parse(process.env.ICLAS_E2E_ENV) : {}),
  }
}

async function startBrowserMode(dataDir: string): Promise<{ url: string; server: ChildProcess }> {
  const urlFile = path.join(dataDir, 'launch-url')
  const server = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/iclas.mjs'), 'serve', '--data-dir', dataDir, '--url-file', urlFile],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: appEnv(),
    },
  )
  let log = ''
  server.stdout!.on('data', (d) => (log += d))
  server.stderr!.on('data', (d) => (log += d))
  const deadline = Date.now() + 60_000
  while (!fs.existsSync(urlFile)) {
    if (server.exitCode !== null) throw new Error(`iclas serve exited: ${log}`)
    if (Date.now() > deadline) throw new Error(`iclas serve did not start: ${log}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return { url: fs.readFileSync(urlFile, 'utf8'), server }
}

/**
 * The PINs every spec's accounts have before the workstation starts (`iclas accounts set-pin`): a ward that is
 * not the demo requires them. A spec about the first start sets `pins: null` and meets accounts without PINs.
 */
export const E2E_PINS: Readonly<Record<string, string>> = {
  nurse: '1111',
  clinician: '2222',
  researcher: '3333',
  admin: '4444',
}

export const test = base.extend<{
  app: App
  pins: Readonly<Record<string, string>> | null
  /** Runs on the fresh data folder before the workstation starts (e.g. `iclas datasets add`). An object, since
   * Playwright would take a bare function for a fixture. */
  beforeStart: { run(dataDir: string): void } | undefined
}>({
  beforeStart: [undefined, { option: true }],
  pins: [E2E_PINS, { option: true }],
  app: async ({ beforeStart, pins }, use, testInfo) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-e2e-'))
    if (pins)
      execFileSync(
        process.execPath,
        [
          path.join(ROOT, 'bin/iclas.mjs'),
          ...['accounts', 'set-pin', ...Object.keys(pins), '--data-dir', dataDir],
        ],
        { cwd: ROOT, input: Object.values(pins).join('\n') + '\n', stdio: ['pipe', 'pipe', 'pipe'] },
      )
    beforeStart?.run(dataDir)
    fs.mkdirSync(SCREENSHOTS, { recursive: true })
    let page: Page
    let browser: Browser | undefined
    let electronApp: ElectronApplication | undefined
    let server: ChildProcess | undefined
    if (TARGET === 'electron') {
      electronApp = await _electron.launch({
        args: [path.join(ROOT, 'out/main/index.js')],
        env: { ...appEnv(), ICLAS_DATA_DIR: dataDir },
      })
      page = await electronApp.firstWindow()
    } else {
      const started = await startBrowserMode(dataDir)
      server = started.server
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
        ],
      })
      page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
      await page.goto(started.url)
    }
    const app: App = {
      page,
      dataDir,
      target: TARGET,
      async chooseFiles(button, files) {
        if (electronApp) {
          await electronApp.evaluate(({ dialog }, chosen) => {
            dialog.showOpenDialog = (async () => ({
              canceled: false,
              filePaths: chosen,
            })) as typeof dialog.showOpenDialog
          }, files)
          await page.getByRole('button', { name: button }).click()
          return
        }
        const chooser = page.waitForEvent('filechooser')
        await page.getByRole('button', { name: button }).click()
        await (await chooser).setFiles(files)
      },
      async chooseFolder(button, dir) {
        if (electronApp) return app.chooseFiles(button, [dir])
        const chooser = page.waitForEvent('filechooser')
        await page.getByRole('button', { name: button }).click()
        await (await chooser).setFiles(dir) // a directory for a webkitdirectory input
      },
      simulateWard(o) {
        const out = path.join(dataDir, 'incoming', `ward-${o.seed ?? 1}`)
        const args = [
          ...['--out', out, '--infants', String(o.infants), '--days', String(o.days ?? 1)],
          ...['--hours-per-day', String(o.hoursPerDay), '--deviating', String(o.deviating ?? 0)],
          ...['--seed', String(o.seed ?? 1), '--cry-rate', String(o.cryRate ?? 1)],
          ...['--sessions-per-day', String(o.sessionsPerDay ?? 1)],
          ...(o.rampHours !== undefined ? ['--ramp-hours', String(o.rampHours)] : []),
        ]
        execFileSync(process.execPath, [path.join(ROOT, 'bin/iclas.mjs'), 'simulate', ...args], {
          cwd: ROOT,
          stdio: 'pipe',
        })
        return out
      },
      async importFolder(dir) {
        await page.getByRole('tab', { name: 'Import' }).click()
        await page.getByRole('button', { name: 'One folder per infant' }).click()
        await app.chooseFolder(/Choose folder/, dir)
        const start = page.getByRole('button', { name: /^Import \d+ files?$/ })
        await expect(start).toBeEnabled()
        await start.click()
        await expect(page.getByTestId('import-job')).toHaveAttribute('data-state', 'done', {
          timeout: scaled(120_000),
        })
      },
      async download(action) {
        const [file] = await Promise.all([page.waitForEvent('download'), action()])
        const p = await file.path()
        return { name: file.suggestedFilename(), text: fs.readFileSync(p, 'utf8') }
      },
      async screenshot(name) {
        await page.screenshot({ path: path.join(SCREENSHOTS, `${TARGET}-${name}.png`), fullPage: true })
      },
      async signIn(username) {
        await page.getByRole('combobox', { name: 'User', exact: true }).click()
        await page.getByRole('option', { name: new RegExp(`\\(${username}\\)`) }).click()
        const pin = pins?.[username]
        if (pin) await page.getByLabel(/^PIN/).fill(pin)
        await page.getByRole('button', { name: 'Sign in' }).click()
        await page.getByTestId('signed-in-user').waitFor()
      },
    }
    await use(app)
    if (testInfo.status !== testInfo.expectedStatus)
      await app.screenshot(`FAILED-${testInfo.title.replace(/\W+/g, '-')}`).catch(() => undefined)
    await browser?.close()
    await electronApp?.close()
    if (server) {
      server.kill('SIGTERM')
      await new Promise((r) => server!.once('exit', r))
    }
    fs.rmSync(dataDir, { recursive: true, force: true })
  },
})

export { expect } from '@playwright/test'
