// `iclas bench ui`: first paint of the workstation in headless Chromium (Playwright, Debian's /usr/bin/chromium)
// against browser mode, on a ward of six infants (about 2,700 cries over seven days, seeded straight into the
// store). Two figures, each cold (a fresh browser profile: empty HTTP cache) and warm (the same profile
// opening the workstation a third time: HTTP and code caches filled):
//   signin_interactive_ms  navigation to the sign-in screen ready to use (its user field drawn)
//   ward_table_ms          navigation, as the last user of this tab (signed back in by the app), to the ward
//                          table showing every infant
// Each is the median of --rounds rounds (default 5). `--json FILE` writes the warm medians under those names
// and everything else beside them. `--renderer DIR` measures another build of the renderer. A benchmark, not
// a test.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { chromium, type Browser, type BrowserContext } from '@playwright/test'
import type { BenchSuite } from './suite'
import { CHROMIUM, ensureRenderer, median, ms, RENDERER, ROOT } from './browser'
import { Core } from '../src/main/core/core'
import { startServer } from '../src/main/server/server'
import { asDemoWard } from '../test/helpers/demo-mode'
import { seedSyntheticTimeline } from '../test/helpers/synthetic-timeline'

const INFANTS = 6
/** Openings of a warm profile per round; the last one counts. */
const WARM_OPENINGS = 3

/**
 * A browser profile. Its pages note, on their own clock (from the start of navigation), when the sign-in
 * screen's user field and the ward table's last infant first appear and then a frame is painted and the page
 * takes input again: no polling from here between. `asLastUser` makes the app sign back in as that user (the
 * tab's sessionStorage), as a reload does.
 */
async function newProfile(browser: Browser, asLastUser?: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  if (asLastUser)
    await context.addInitScript(`sessionStorage.setItem('iclas.lastUser', ${JSON.stringify(asLastUser)})`)
  await context.addInitScript(`(() => {
    const marks = (window.__iclasMarks = {})
    const when = (name, found) => {
      const check = () => {
        if (marks[name] !== undefined || !found()) return
        marks[name] = -1
        requestAnimationFrame(() => setTimeout(() => (marks[name] = performance.now())))
      }
      new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true })
    }
    when('signin', () => [...document.querySelectorAll('[role=combobox]')].some((e) => {
      const label = document.getElementById(e.getAttribute('aria-labelledby') || '')
      return label && label.textContent.startsWith('User')
    }))
    when('ward', () => [...document.querySelectorAll('table[aria-label=infants] tr')].some((r) =>
      r.textContent.includes('Ward ${INFANTS}')))
  })()`)
  return context
}

/** Milliseconds from navigating to `url` until the mark `name` (see newProfile). */
async function timeTo(context: BrowserContext, url: string, name: 'signin' | 'ward'): Promise<number> {
  const page = await context.newPage()
  await page.goto(url, { waitUntil: 'commit' })
  const t = Number(
    await page.evaluate(`new Promise((resolve) => {
      const check = () => {
        const t = window.__iclasMarks && window.__iclasMarks[${JSON.stringify(name)}]
        if (t !== undefined && t >= 0) resolve(t)
        else setTimeout(check, 20)
      }
      check()
    })`),
  )
  await page.close()
  return t
}

export const uiBench: BenchSuite = {
  name: 'ui',
  summary: 'First paint in headless Chromium: sign-in screen and ward table, cold and warm',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        rounds: { type: 'string', default: '5' },
        renderer: { type: 'string' },
        json: { type: 'string' },
      },
      allowPositionals: true,
      strict: false,
    })
    if (!fs.existsSync(CHROMIUM)) {
      console.log(`  skipped: no Chromium at ${CHROMIUM} (set ICLAS_CHROMIUM)`)
      return
    }
    const rendererDir = values.renderer ? path.resolve(String(values.renderer)) : RENDERER
    if (!values.renderer) ensureRenderer()
    const rounds = Number(values.rounds)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-bench-ui-'))
    const core = new Core({ dataDir: path.join(dir, 'data'), mode: 'cli', workers: 1, log: () => undefined })
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
    })
    const server = await startServer({ core, rendererDir })
    try {
      const start = new Date(Date.now() - 7 * 86_400_000)
      const ids: number[] = []
      for (let i = 1; i <= INFANTS; i++)
        ids.push(
          seedSyntheticTimeline(core, { cries: 450, days: 7, seed: i, label: `Ward ${i}`, start }).infantId,
        )
      // A reload signs the tab's last user back in only without a PIN: in demo mode (a real ward asks for it).
      asDemoWard(core, ids)
      const origin = server.url
      const launch = server.launchUrl
      const figures = { signInCold: [] as number[], signInWarm: [] as number[] }
      const ward = { cold: [] as number[], warm: [] as number[] }
      for (let r = 0; r < rounds; r++) {
        // Sign-in screen: a fresh profile opens the launch URL (token → cookie), then opens it again.
        // Warm is the workstation opened again and again, as on a ward PC: the first reopening fills
        // Chromium's code cache, so the figure is the third opening.
        const fresh = await newProfile(browser)
        figures.signInCold.push(await timeTo(fresh, launch, 'signin'))
        for (let w = 0; w < WARM_OPENINGS; w++) {
          const t = await timeTo(fresh, `${origin}/`, 'signin')
          if (w === WARM_OPENINGS - 1) figures.signInWarm.push(t)
        }
        await fresh.close()
        // Ward table as the last user of the tab: cold in a fresh profile, then warm in the same one.
        const nurse = await newProfile(browser, 'nurse')
        ward.cold.push(await timeTo(nurse, launch, 'ward'))
        for (let w = 0; w < WARM_OPENINGS; w++) {
          const t = await timeTo(nurse, `${origin}/#/ward`, 'ward')
          if (w === WARM_OPENINGS - 1) ward.warm.push(t)
        }
        await nurse.close()
      }
      const assets = fs
        .readdirSync(path.join(rendererDir, 'assets'))
        .map((f) => fs.statSync(path.join(rendererDir, 'assets', f)).size)
      const doc = {
        signin_interactive_ms: median(figures.signInWarm),
        ward_table_ms: median(ward.warm),
        signin_interactive_cold_ms: median(figures.signInCold),
        ward_table_cold_ms: median(ward.cold),
        rounds,
        renderer: path.relative(ROOT, rendererDir) || rendererDir,
        asset_files: assets.length,
        asset_bytes: assets.reduce((a, b) => a + b, 0),
        all_ms: {
          signin_cold: figures.signInCold,
          signin_warm: figures.signInWarm,
          ward_cold: ward.cold,
          ward_warm: ward.warm,
        },
      }
      console.log(
        `\n  renderer ${doc.renderer}: ${doc.asset_files} asset files, ${(doc.asset_bytes / 1e6).toFixed(2)} MB; median of ${rounds} rounds`,
      )
      console.log('                               cold        warm')
      console.log(
        `  sign-in screen ready    ${ms(doc.signin_interactive_cold_ms)}   ${ms(doc.signin_interactive_ms)}`,
      )
      console.log(`  ward table drawn        ${ms(doc.ward_table_cold_ms)}   ${ms(doc.ward_table_ms)}`)
      if (values.json) fs.writeFileSync(String(values.json), JSON.stringify(doc, null, 2) + '\n')
    } finally {
      await browser.close()
      await server.close()
      await core.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  },
}
