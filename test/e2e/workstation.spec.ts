// The workstation as a new user meets it (issue 16): browser mode's address and the page a visit without
// the access token gets, first paint, times as a hospital reads them, the cry view and the timeline of a new
// infant, layout (overlaps, page heights) and the infant's age.
import path from 'node:path'
import { E2E_PINS, expect, test, SCREENSHOTS, type App } from './app'
import { scaled } from '../helpers/time-scale'

/** A small simulated ward through the real import (stage 0 finds the cries, the gate scores them). */
async function importWard(app: App, deviating = 0): Promise<void> {
  const ward = app.simulateWard({ infants: 2, hoursPerDay: 0.03, cryRate: 10, deviating, seed: 7 })
  await app.importFolder(ward)
}

const HOSPITAL_TIME = /\b\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} [012]\d:[0-5]\d/
const ISO_TIME = /\b\d{4}-\d{2}-\d{2} [012]\d:[0-5]\d/

test('browser mode: a stable address, and a visit without the token says how to get in', async ({ app }) => {
  test.skip(app.target !== 'browser', 'browser mode only')
  const { page } = app
  // The launch URL traded its token for a cookie; the address is the default port or the next free one.
  const origin = new URL(page.url()).origin
  expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  const port = Number(new URL(origin).port)
  expect(port >= 4280 && port <= 4289, `port ${port}: 4280 or a fallback up to 4289`).toBe(true)

  // Another browser (no cookie) at the bare address: a page saying how to get in, not a bare 401.
  const stranger = await page
    .context()
    .browser()!
    .newContext({ viewport: { width: 1440, height: 900 } })
  const visit = await stranger.newPage()
  const response = await visit.goto(`${origin}/`)
  expect(response!.status()).toBe(401)
  const help = visit.getByTestId('sign-in-help')
  await expect(help.getByRole('heading', { name: 'ICLAS — how to sign in' })).toBeVisible()
  await expect(help).toContainText(`Open http://127.0.0.1:${port}/?token=…`)
  await expect(help.getByRole('table')).toContainText('Ward nurse')
  await expect(help.getByRole('table')).toContainText('Administrator')
  await visit.screenshot({
    path: path.join(SCREENSHOTS, 'browser-workstation-01-no-token.png'),
    fullPage: true,
  })

  // A token from an earlier start: the page says so.
  await visit.goto(`${origin}/?token=from-an-earlier-start`)
  await expect(help).toContainText('from an earlier start')
  await stranger.close()

  // The launch URL itself still opens the sign-in screen, which lists the seeded accounts.
  await page.getByLabel('User').click()
  for (const name of ['Ward nurse (nurse)', 'Clinician (clinician)', 'Researcher (researcher)'])
    await expect(page.getByRole('option', { name })).toBeVisible()
  await page.getByRole('option', { name: 'Administrator (admin)' }).click()
  await page.getByLabel(/^PIN/).fill(E2E_PINS.admin!) // a ward that is not the demo: PINs are mandatory
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByTestId('signed-in-user')).toContainText('Administrator')
})

test('first paint: the sign-in screen loads no screen code; hashed assets are cached for good', async ({
  app,
}) => {
  test.skip(app.target !== 'browser', 'HTTP caching is browser mode')
  const { page } = app
  const scripts = new Map<string, string>()
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script')
      scripts.set(new URL(r.url()).pathname, r.headers()['cache-control'] ?? '')
  })
  await page.reload()
  await expect(page.getByRole('combobox', { name: 'User' })).toBeVisible()
  const names = [...scripts.keys()]
  expect(names.length).toBeGreaterThan(0)
  for (const [name, cache] of scripts) {
    expect(name).toMatch(/^\/assets\/[\w-]+-[\w-]{8}\.js$/) // content-hashed names
    expect(cache).toBe('public, max-age=31536000, immutable')
  }
  // Screens, charts and audio code wait until they are opened.
  expect(
    names.filter((n) => /\/(Shell|Ward|Timeline|Waveform|Thresholds|installCanvasRenderer)-/.test(n)),
  ).toEqual([])
  await app.screenshot('workstation-02-sign-in-first-paint')
  // Signing in fetches the shell and the ward screen, and the page itself is never cached.
  await app.signIn('nurse')
  await expect(page.getByRole('heading', { name: 'Ward overview' })).toBeVisible()
  expect([...scripts.keys()].some((n) => /\/Ward-/.test(n))).toBe(true)
  const doc = await page.request.get(new URL(page.url()).origin + '/')
  expect(doc.headers()['cache-control']).toBe('no-store')
})

test('times as a hospital reads them: 24-hour clock, unambiguous dates, "3 h ago" where recency matters', async ({
  app,
}) => {
  const { page } = app
  await app.signIn('clinician')
  await importWard(app)
  await page.getByRole('tab', { name: 'Ward' }).click()
  const row = page.getByRole('table', { name: 'infants' }).getByRole('row', { name: /infant-01/ })
  const lastCry = row.getByTestId('when')
  await expect(lastCry).toHaveText(HOSPITAL_TIME)
  await expect(lastCry).not.toHaveText(/\b(AM|PM|am|pm)\b/)
  await expect(row.getByTestId('when-ago')).toHaveText(/^(just now|\d+ (min|h|d) ago)$/)
  await app.screenshot('workstation-03-ward-times')

  // The workstation's preference, under the user's name: ISO dates everywhere, kept across reloads.
  await page.getByRole('button', { name: /display settings/ }).click()
  await page.getByTestId('time-format-iso').click()
  await expect(lastCry).toHaveText(ISO_TIME)
  await row.click()
  const recordings = page.getByRole('table', { name: 'recordings' })
  await expect(recordings.getByRole('row').nth(1)).toContainText(ISO_TIME)
  await page.reload()
  await expect(recordings.getByRole('row').nth(1)).toContainText(ISO_TIME)
  await app.screenshot('workstation-04-infant-iso-times')
  await page.getByRole('button', { name: /display settings/ }).click()
  await page.getByTestId('time-format-hospital').click()
  await expect(recordings.getByRole('row').nth(1)).toContainText(HOSPITAL_TIME)
})

test('the cry view: duration agrees with the measures, f0 axis covers the baseline band, link to the timeline', async ({
  app,
}) => {
  const { page } = app
  await app.signIn('clinician')
  await importWard(app)
  await page.getByRole('tab', { name: 'Ward' }).click()
  await page
    .getByRole('table', { name: 'infants' })
    .getByRole('row', { name: /infant-01/ })
    .click()
  await page.getByRole('table', { name: 'recordings' }).getByRole('row').nth(1).click()
  await page.getByRole('table', { name: 'cries' }).getByRole('row').nth(1).click()
  const view = page.getByTestId('cry-view')
  await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')

  // The header writes the duration the measures table writes.
  const measures = view.getByRole('table', { name: 'acoustic measures' })
  const durationRow = measures.getByRole('row', { name: /^Duration/ })
  const tableDuration = (await durationRow.getByRole('cell').first().textContent())!.trim()
  expect(tableDuration).toMatch(/^\d+\.\d{2} s$/)
  await expect(page.getByTestId('cry-duration')).toHaveText(new RegExp(`^${tableDuration} at `))

  // The f0 axis reaches above the infant's baseline band (and the contour).
  await expect(page.getByTestId('baseline-source')).toContainText(/baseline|not flagged/)
  const f0 = page.getByTestId('f0-contour')
  await expect(f0).not.toHaveAttribute('data-band-top', '')
  const top = Number(await f0.getAttribute('data-axis-top'))
  const bandTop = Number(await f0.getAttribute('data-band-top'))
  expect(top).toBeGreaterThanOrEqual(bandTop)
  await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
  await app.screenshot('workstation-05-cry-view')

  // From the cry to the infant's timeline.
  await view.getByRole('button', { name: "infant-01's timeline" }).click()
  await expect(page.getByRole('heading', { name: 'Timeline — infant-01' })).toBeVisible()
})

test("a new infant's timeline says how many baseline cries and recordings are still needed", async ({
  app,
}) => {
  const { page } = app
  await app.signIn('nurse')
  await importWard(app)
  // One recording each: the baseline (30 cries from 3 recordings by default) is not complete.
  await page.getByRole('tab', { name: 'Ward' }).click()
  await page
    .getByRole('table', { name: 'infants' })
    .getByRole('row', { name: /infant-01/ })
    .getByRole('button', { name: 'Timeline' })
    .click()
  const needed = page.getByTestId('baseline-needed')
  await expect(needed).toContainText(
    /Collecting the baseline: \d+ cries from 1 recording so far, of 30 cries from 3 recordings/,
  )
  await expect(needed).toContainText('2 more recordings')
  await expect(page.getByTestId('timeline-phase')).toContainText('recordings')
  await app.screenshot('workstation-06-timeline-baseline-progress')

  // An infant added by hand, without recordings.
  await page.getByRole('tab', { name: 'Ward' }).click()
  await page.getByRole('button', { name: 'Add infant' }).click()
  await page.getByRole('textbox', { name: 'Name or label' }).fill('Baby Noor')
  await page.getByRole('button', { name: 'Save' }).click()
  await page
    .getByRole('table', { name: 'infants' })
    .getByRole('row', { name: /Baby Noor/ })
    .getByRole('button', { name: 'Timeline' })
    .click()
  await expect(needed).toHaveText(
    "No baseline cries yet. This infant's cries are scored once its baseline holds 30 cries from 3 recordings.",
  )
  await app.screenshot('workstation-07-timeline-new-infant')
})

/** One infant over two days whose cries change on the second: a baseline, then flags and drift alerts. */
async function importScoredWard(app: App): Promise<void> {
  const ward = app.simulateWard({
    infants: 1,
    days: 2,
    hoursPerDay: 0.3,
    sessionsPerDay: 3,
    cryRate: 10,
    deviating: 1,
    rampHours: 1,
    seed: 11,
  })
  await app.importFolder(ward)
  await app.page.getByRole('tab', { name: 'Ward' }).click()
  await expect(app.page.getByTestId('awaiting-review-total')).not.toHaveText(/^0 /, { timeout: 120_000 })
}

test('layout: every tab and the whole name fit at 1440 px; labels apart; the dark timeline readable', async ({
  app,
}) => {
  test.setTimeout(300_000)
  const { page } = app
  await app.signIn('admin') // the most tabs
  // The app bar: no tab behind a scroll arrow, the user's name not cut.
  // (MUI draws the scroll arrows only when the tabs overflow.)
  await expect(page.getByRole('tab', { name: 'Admin' })).toBeVisible()
  await expect(page.locator('.MuiTabs-scrollButtons')).toHaveCount(0)
  const name = page.getByTestId('signed-in-user')
  await expect(name).toHaveText('Administrator · admin')
  expect(await name.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true)

  await importScoredWard(app)
  // The cry view: "Not a cry" on one line like the other verdicts.
  await page.getByTestId('awaiting-review-total').click()
  await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
  const normal = (await page.getByRole('button', { name: 'Normal (2)' }).boundingBox())!
  const notCry = (await page.getByRole('button', { name: 'Not a cry (3)' }).boundingBox())!
  expect(notCry.height).toBeCloseTo(normal.height, 0)
  await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
  await app.screenshot('workstation-08-review-admin-1440')

  // The timeline with its drift alerts, in the night shift's dark theme.
  await page.getByRole('button', { name: 'toggle dark mode' }).click()
  await page.getByRole('tab', { name: 'Ward' }).click()
  await page.getByRole('button', { name: 'timeline of infant-01' }).click()
  await expect(page.getByTestId('timeline-points')).toHaveAttribute('data-loading', 'false')
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-renders', /^[1-9]/)
  await expect(
    page.getByRole('table', { name: 'drift alerts' }).getByTestId('alert-row').first(),
  ).toBeVisible()
  await app.screenshot('workstation-09-timeline-dark')
  await page.getByRole('button', { name: 'toggle dark mode' }).click()

  // The threshold preview: the proposed threshold's label apart from the current one's.
  await page.getByRole('tab', { name: 'Thresholds' }).click()
  await expect(page.getByTestId('preview-summary')).toHaveAttribute('data-state', 'idle')
  const field = page.getByRole('spinbutton', { name: 'Flag threshold value' })
  await field.fill('0.93')
  await field.press('Enter')
  await expect(page.getByTestId('preview-summary')).toHaveAttribute('data-state', 'ready')
  const preview = page.getByRole('region', { name: 'Preview on the timeline' })
  await expect(preview.getByTestId('timeline-chart')).toHaveAttribute('data-renders', /^[1-9]/)
  await preview.scrollIntoViewIfNeeded()
  // A long page (a scroll bar takes its width) still shows every tab.
  await expect(page.locator('.MuiTabs-scrollButtons')).toHaveCount(0)
  await app.screenshot('workstation-10-threshold-preview-labels')
})

test.describe('on the demo ward', () => {
  // A demo ward as the first start builds it (7.5-minute sessions, ward noise), over fewer days.
  const DEMO = { infants: 2, days: 3, deviating: 1, seed: 5, hoursPerDay: 0.25, sessionsPerDay: 2 }
  let previous: string | undefined
  test.beforeAll(() => {
    previous = process.env.ICLAS_E2E_ENV
    process.env.ICLAS_E2E_ENV = JSON.stringify({
      ICLAS_NO_DEMO: '0',
      ICLAS_DEMO_CONFIG: JSON.stringify(DEMO),
    })
  })
  test.afterAll(() => {
    if (previous === undefined) delete process.env.ICLAS_E2E_ENV
    else process.env.ICLAS_E2E_ENV = previous
  })

  test('no page is taller than three viewports: every screen of the demo ward, the review list scrolls, cries and the audit log are paged', async ({
    app,
  }) => {
    test.setTimeout(scaled(480_000))
    const { page } = app
    const viewport = page.viewportSize()!.height
    // The document's height against the window's (scrollHeight ≤ 3 × innerHeight), each noted in the report.
    const fits = async (what: string) => {
      const [height, inner] = (await page.evaluate(
        '[document.documentElement.scrollHeight, window.innerHeight]',
      )) as [number, number]
      expect(inner).toBe(viewport)
      test.info().annotations.push({
        type: 'page height',
        description: `${what}: ${height} px, ${(height / inner).toFixed(2)} viewports`,
      })
      expect(height, `${what}: page height against 3 × ${inner} px`).toBeLessThanOrEqual(3 * inner)
    }
    await app.signIn('admin')
    await expect(page.getByTestId('demo-banner')).toHaveAttribute('data-state', 'ready', {
      timeout: scaled(420_000),
    })
    await expect(page.getByRole('table', { name: 'infants' }).getByRole('row').nth(1)).toBeVisible()
    await fits('ward')
    await app.screenshot('workstation-17-ward-demo')

    // A more sensitive flag threshold, so that the queue is long whatever the ward's defaults flag.
    await page.getByRole('tab', { name: 'Thresholds' }).click()
    await expect(page.getByTestId('preview-summary')).toHaveAttribute('data-state', 'idle')
    const field = page.getByRole('spinbutton', { name: 'Flag threshold value' })
    await field.fill('0.7')
    await field.press('Enter')
    await expect(page.getByTestId('preview-summary')).toHaveAttribute('data-state', 'ready')
    await page.getByRole('button', { name: 'Apply…' }).click()
    await page.getByRole('dialog').getByLabel('Reason').fill('a long review queue for the layout check')
    await page.getByRole('dialog').getByRole('button', { name: 'Apply', exact: true }).click()
    await expect(page.getByTestId('applied-entry')).toBeVisible()
    await fits('thresholds')
    await app.screenshot('workstation-18-thresholds-demo')
    await page.getByRole('tab', { name: 'Ward' }).click()
    await expect(page.getByTestId('awaiting-review-total')).not.toHaveText(/^0 /)

    // The review queue: every flagged cry in the list, which scrolls in its own box.
    await page.getByTestId('awaiting-review-total').click()
    await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
    const list = page.getByTestId('review-list')
    // However many cries are flagged, the list is at most a screen high and scrolls within it.
    await expect(list).toHaveCSS('overflow-y', 'auto')
    expect((await list.boundingBox())!.height).toBeLessThanOrEqual(viewport)
    await fits('review')
    await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
    await app.screenshot('workstation-11-review-demo')

    // A recording: its cries a page at a time.
    await page
      .getByTestId('cry-view')
      .getByRole('button', { name: /\.(wav|flac)$/ })
      .click()
    await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
    const cries = page.getByRole('table', { name: 'cries' })
    await expect(cries.getByRole('row')).toHaveCount(21) // the header and 20 cries
    await expect(page.getByText(/^cries 1–20 of \d+$/)).toBeVisible()
    await fits('recording')
    await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
    await app.screenshot('workstation-12-recording-demo')
    await page.getByRole('button', { name: 'Go to next page' }).click()
    await expect(page.getByText(/^cries 21–\d+ of \d+$/)).toBeVisible()

    // One of its cries on its own screen, then the infant's timeline from there.
    await cries.getByRole('row').nth(1).click()
    const cryView = page.getByTestId('cry-view')
    await expect(cryView.getByRole('heading', { level: 2 })).toContainText('— cry at')
    await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
    await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
    await fits('cry')
    await app.screenshot('workstation-19-cry-demo')
    await cryView.getByRole('button', { name: /'s timeline$/ }).click()
    await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-renders', /^[1-9]/)
    await fits('timeline')
    await app.screenshot('workstation-20-timeline-demo')

    // The infant and its recordings.
    await page.getByRole('button', { name: 'Recordings', exact: true }).click()
    await expect(page.getByRole('table', { name: 'recordings' })).toBeVisible()
    await fits('infant')
    await app.screenshot('workstation-21-infant-demo')

    // The audit log, a page at a time, newest first.
    await page.getByRole('tab', { name: 'Audit' }).click()
    const rows = page.getByTestId('audit-row')
    await expect(rows.first()).toBeVisible()
    expect(await rows.count()).toBeLessThanOrEqual(15)
    await fits('audit log')
    await app.screenshot('workstation-13-audit-demo')
    const older = page.getByRole('button', { name: 'Older entries →' })
    if (await older.isEnabled()) {
      const newest = await rows.first().getAttribute('data-action')
      await older.click()
      await expect(page.getByTestId('audit-page')).toContainText('Page 2')
      await fits('audit log, page 2')
      await page.getByRole('button', { name: '← Newer entries' }).click()
      await expect(rows.first()).toHaveAttribute('data-action', newest!)
    }

    for (const [n, tab] of ['Evaluation', 'Admin', 'Import', 'Exports'].entries()) {
      await page.getByRole('tab', { name: tab }).click()
      await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible()
      await fits(tab)
      await app.screenshot(`workstation-${22 + n}-${tab.toLowerCase()}-demo`)
    }

    // The Review tab as opened from the bar (every infant's flagged cries).
    await page.getByRole('tab', { name: 'Review' }).click()
    await expect(page.getByTestId('review-list')).toBeVisible()
    await fits('review tab')

    // The shift handover of the last 12 h, every infant of the ward.
    await page.getByRole('tab', { name: 'Ward' }).click()
    await page.getByRole('button', { name: 'Shift handover' }).click()
    await expect(page.getByTestId('handover-infant').first()).toBeVisible()
    await fits('handover')
    await app.screenshot('workstation-26-handover-demo')
  })
})

test("the infant's age as a neonatal unit counts it, and the hospital number beside the name", async ({
  app,
}) => {
  const { page } = app
  await app.signIn('nurse')
  // Born twelve days ago at 28+3 weeks: postmenstrual age 30+1 weeks today.
  const born = new Date()
  born.setDate(born.getDate() - 12)
  const p2 = (n: number) => String(n).padStart(2, '0')
  // Typed as the ward writes dates (not in Chromium's mm/dd/yyyy control).
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    born.getMonth()
  ]
  const birthDate = `${p2(born.getDate())} ${month} ${born.getFullYear()}`
  await page.getByRole('button', { name: 'Add infant' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByRole('textbox', { name: 'Name or label' }).fill('Baby Ada')
  await dialog.getByRole('textbox', { name: 'Bed' }).fill('4')
  await dialog.getByRole('textbox', { name: 'Hospital number' }).fill('RX0042817')
  await dialog.getByLabel('Date of birth').fill(birthDate)
  await dialog.getByRole('textbox', { name: 'Gestation at birth' }).fill('28+9')
  await expect(dialog.getByText('weeks+days, 20+0 to 45+0')).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Save' })).toBeDisabled()
  await dialog.getByRole('textbox', { name: 'Gestation at birth' }).fill('28+3')
  await dialog.getByRole('textbox', { name: 'Birth weight (g)' }).fill('1120')
  await app.screenshot('workstation-14-add-infant-age')
  await dialog.getByRole('button', { name: 'Save' }).click()

  const row = page.getByRole('table', { name: 'infants' }).getByRole('row', { name: /Baby Ada/ })
  await expect(row.getByTestId('hospital-number')).toHaveText('RX0042817')
  await expect(row.getByTestId('infant-age')).toHaveText('PMA 30+1 wk · day 12 · born 28+3 wk, 1,120 g')
  await app.screenshot('workstation-15-ward-infant-age')

  // The timeline says it too, and an edit is kept (and audited by the core).
  await row.getByRole('button', { name: 'Timeline' }).click()
  await expect(page.getByTestId('infant-age')).toHaveText(
    'Hospital number RX0042817 · PMA 30+1 wk · day 12 · born 28+3 wk, 1,120 g',
  )
  await app.screenshot('workstation-16-timeline-infant-age')
  await page.getByRole('button', { name: 'Recordings' }).click()
  await page.getByRole('button', { name: 'Edit' }).click()
  await expect(dialog.getByRole('textbox', { name: 'Gestation at birth' })).toHaveValue('28+3')
  await dialog.getByRole('textbox', { name: 'Gestation at birth' }).fill('29+0')
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByTestId('infant-age')).toContainText('PMA 30+5 wk · day 12 · born 29+0 wk, 1,120 g')
})
