// `iclas bench timeline`: the infant timeline with 100 000 cries, in headless Chromium (Playwright, Debian's
// /usr/bin/chromium) against browser mode. Reports, per view: the server's getTimeline (SQL, LTTB, blocks), the
// time from opening the screen to the chart's first finished render, and zooming (the immediate re-render of the
// zoomed window, then the re-render with the range fetched in detail). Two views: the UI as it runs
// (server-side LTTB to 4000 points, flagged and reviewed cries kept) and every cry drawn (?points=all, ECharts'
// large/progressive scatter). Each figure is the median of a few rounds. A benchmark, not a test.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { chromium, type Page } from '@playwright/test'
import type { BenchSuite } from './suite'
import { CHROMIUM, ensureRenderer, median, ms, RENDERER } from './browser'
import { coreClient } from '../src/main/core/client'
import { Core } from '../src/main/core/core'
import { startServer } from '../src/main/server/server'
import { asDemoWard } from '../test/helpers/demo-mode'
import { seedSyntheticTimeline } from '../test/helpers/synthetic-timeline'

interface ViewFigures {
  view: string
  drawn: number
  server_ms: number
  open_ms: number
  zoom_first_render_ms: number
  zoom_detail_ms: number
  zoom_drawn: number
  wheel_zoom_ms: number
}

/** Milliseconds from `act` until the chart has finished more renders than before (and `also` matches). */
async function timeUntilRendered(page: Page, act: () => Promise<void>, also?: string): Promise<number> {
  // Page code as strings: the bench compiles without the DOM's types.
  const chart = "document.querySelector('[data-testid=timeline-chart]')"
  const before = Number(await page.evaluate(`Number(${chart}?.dataset.renders ?? '0')`))
  await page.evaluate('void (window.__t0 = performance.now())')
  await act()
  return Number(
    await page.evaluate(`new Promise((resolve) => {
      const check = () => {
        const el = ${chart}
        const ok = el && Number(el.dataset.renders ?? '0') > ${before} && (${JSON.stringify(also ?? '')} === '' || document.querySelector(${JSON.stringify(also ?? '')}))
        if (ok) resolve(performance.now() - window.__t0)
        else requestAnimationFrame(check)
      }
      check()
    })`),
  )
}

async function measureView(
  page: Page,
  url: string,
  infantId: number,
  view: string,
  query: string,
  rounds: number,
  server: () => number,
): Promise<ViewFigures> {
  const open: number[] = []
  const zoomFirst: number[] = []
  const zoomDetail: number[] = []
  const wheel: number[] = []
  let drawn = 0
  let zoomDrawn = 0
  for (let r = 0; r < rounds; r++) {
    await page.goto(`${url}#/ward`)
    await page.getByRole('heading', { name: 'Ward overview' }).waitFor()
    // Opening the screen: request, server LTTB, transfer, first finished render.
    open.push(
      await timeUntilRendered(
        page,
        () => page.evaluate(`void (location.hash = ${JSON.stringify(`#/timeline/${infantId}${query}`)})`),
        '[data-testid=timeline-points][data-loading=false]',
      ),
    )
    drawn = Number(await page.getByTestId('timeline-points').getAttribute('data-drawn'))
    // Zoom to three days through the date fields: the chart re-renders at once, then with the range's cries.
    await page.getByRole('textbox', { name: 'From', exact: true }).fill('2026-02-20')
    await page.getByRole('textbox', { name: 'To', exact: true }).fill('2026-02-22')
    const first = await timeUntilRendered(page, () =>
      page.getByRole('button', { name: 'Show these days' }).click(),
    )
    zoomFirst.push(first)
    const t0 = Date.now()
    await page.locator('[data-testid=timeline-points][data-zoomed=true][data-loading=false]').waitFor()
    // …until the chart draws as many cries as the detailed answer holds. (A promise evaluated in the page, not
    // waitForFunction: the page's CSP forbids the eval that a string predicate needs.)
    await page.evaluate(`new Promise((resolve) => {
      const check = () => {
        const chart = document.querySelector('[data-testid=timeline-chart]')
        const shown = document.querySelector('[data-testid=timeline-points]')
        if (chart && shown && chart.dataset.points === shown.dataset.drawn) resolve(true)
        else requestAnimationFrame(check)
      }
      check()
    })`)
    zoomDetail.push(first + (Date.now() - t0))
    zoomDrawn = Number(await page.getByTestId('timeline-points').getAttribute('data-drawn'))
    // A mouse-wheel zoom inside the chart: time to the next finished render.
    const box = (await page.getByTestId('timeline-chart').boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + 200)
    wheel.push(await timeUntilRendered(page, () => page.mouse.wheel(0, -300)))
  }
  return {
    view,
    drawn,
    server_ms: server(),
    open_ms: median(open),
    zoom_first_render_ms: median(zoomFirst),
    zoom_detail_ms: median(zoomDetail),
    zoom_drawn: zoomDrawn,
    wheel_zoom_ms: median(wheel),
  }
}

export const timelineBench: BenchSuite = {
  name: 'timeline',
  summary:
    'Infant timeline with 100 000 cries in headless Chromium: open and zoom times (LTTB and every cry)',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        cries: { type: 'string', default: '100000' },
        rounds: { type: 'string', default: '3' },
        json: { type: 'string' },
      },
      allowPositionals: true,
      strict: false,
    })
    if (!fs.existsSync(CHROMIUM)) {
      console.log(`  skipped: no Chromium at ${CHROMIUM} (set ICLAS_CHROMIUM)`)
      return
    }
    ensureRenderer()
    const cries = Number(values.cries)
    const rounds = Number(values.rounds)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-bench-timeline-'))
    const core = new Core({ dataDir: path.join(dir, 'data'), mode: 'cli', workers: 1, log: () => undefined })
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
    })
    const server = await startServer({ core, rendererDir: RENDERER })
    try {
      const t0 = performance.now()
      const { infantId } = seedSyntheticTimeline(core, { cries, days: 60, changeDay: 40, verdicts: 40 })
      // Each measured view is a reload, signed back in as the tab's last user: without a PIN, so in demo mode.
      asDemoWard(core, [infantId])
      console.log(`  seeded ${cries} cries over 60 days in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
      const sid = core.openSession()
      core.signInDirect(sid, 'clinician')
      const timeDispatch = (req: Record<string, unknown>) => async () => {
        const times: number[] = []
        for (let r = 0; r < rounds; r++) {
          const t = performance.now()
          await coreClient(core, sid).getTimeline({ infantId, ...req })
          times.push(performance.now() - t)
        }
        return median(times)
      }
      // The first request reads every cry and runs the control charts; later ones use the kept rows.
      const cold = performance.now()
      await coreClient(core, sid).getTimeline({ infantId, maxPoints: 4000 })
      const serverCold = performance.now() - cold
      const serverLttb = await timeDispatch({ maxPoints: 4000 })()
      const serverAll = await timeDispatch({ maxPoints: 200_000 })()
      const serverZoom = await timeDispatch({
        maxPoints: 4000,
        from: '2026-02-20T00:00:00.000Z',
        to: '2026-02-22T23:59:59.999Z',
      })()

      const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } })
      await page.goto(server.launchUrl)
      await page.getByLabel('User').click()
      await page.getByRole('option', { name: /\(clinician\)/ }).click()
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByTestId('signed-in-user').waitFor()
      const url = server.launchUrl.replace(/#.*$/, '')
      const results = [
        await measureView(page, url, infantId, 'LTTB (as the UI runs)', '', rounds, () => serverLttb),
        await measureView(page, url, infantId, 'every cry drawn', '?points=all', rounds, () => serverAll),
      ]
      console.log(
        `\n  ${cries.toLocaleString()} cries, 60 days; median of ${rounds} rounds; server = getTimeline in the core (SQL, LTTB, blocks)`,
      )
      console.log(
        '  view                    drawn   server getTimeline   open → rendered   zoom: first render   zoom: detail drawn (cries)   wheel zoom',
      )
      for (const r of results)
        console.log(
          `  ${r.view.padEnd(22)} ${String(r.drawn).padStart(6)}   ${ms(r.server_ms).padStart(18)}   ${ms(r.open_ms).padStart(15)}   ${ms(r.zoom_first_render_ms).padStart(18)}   ${ms(r.zoom_detail_ms).padStart(16)} (${String(r.zoom_drawn).padStart(6)})   ${ms(r.wheel_zoom_ms)}`,
        )
      console.log(`  server getTimeline of a 3-day range (4000 points): ${ms(serverZoom)}`)
      console.log(
        `  server getTimeline, first request (reads every cry, runs the control charts): ${ms(serverCold)}`,
      )
      if (values.json)
        fs.writeFileSync(
          String(values.json),
          JSON.stringify(
            { cries, rounds, server_first_ms: serverCold, server_zoom_range_ms: serverZoom, views: results },
            null,
            2,
          ) + '\n',
        )
    } finally {
      await browser.close()
      await server.close()
      await core.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  },
}
