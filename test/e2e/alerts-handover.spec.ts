// Issue 16, items 2, 3 and 13 (parameters): a new drift alert reaches whoever is at the workstation (a notice
// with what changed and a link to the timeline, the Ward tab's count of open alerts, the browser's
// Notification where allowed); the shift handover of the last 12 h, on screen and as printed; an evaluation
// run's parameters as a table.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { expect, ROOT, test, type App } from './app'
import { writeTinyDataset } from '../helpers/tiny-dataset'
import { scaled } from '../helpers/time-scale'

/**
 * One infant over two days (from 06 Jan 2025) whose cries change on the second: a baseline, then flags and drift
 * alerts.
 */
function simulateScoredWard(app: App): string {
  return app.simulateWard({
    infants: 1,
    days: 2,
    hoursPerDay: 0.3,
    sessionsPerDay: 3,
    cryRate: 10,
    deviating: 1,
    rampHours: 1,
    seed: 11,
  })
}

/**
 * The browser's Notification, recorded: headless Chromium shows none, and the permission starts unasked. (A
 * script's text: this file is compiled without the DOM's types.)
 */
const RECORD_NOTIFICATIONS = `
  window.shownNotifications = []
  window.lastNotification = null
  class RecordedNotification {
    static permission = 'default'
    static async requestPermission() {
      RecordedNotification.permission = 'granted'
      return 'granted'
    }
    constructor(title, options) {
      this.onclick = null
      window.shownNotifications.push({ title, body: (options && options.body) || '' })
      window.lastNotification = this
    }
    close() {}
  }
  Object.defineProperty(window, 'Notification', { value: RecordedNotification, configurable: true })
`

test('a new drift alert reaches the ward at once: a notice with what changed, the Ward tab’s count, the browser’s notification', async ({
  app,
}) => {
  test.setTimeout(scaled(300_000))
  const { page } = app
  const browser = app.target === 'browser'
  if (browser) {
    await page.addInitScript({ content: RECORD_NOTIFICATIONS })
    await page.reload()
  }
  await app.signIn('clinician')
  const badge = page.getByTestId('ward-alert-badge')
  await expect(page.getByRole('tab', { name: 'Ward' })).toBeVisible()
  await expect(badge).toHaveCount(0) // no alert yet

  // Browser mode: allow desktop notifications from the display settings.
  if (browser) {
    await page.getByRole('button', { name: /display settings/ }).click()
    const setting = page.getByTestId('alert-notifications-setting')
    await expect(setting).toHaveText('Also show them on this computer’s desktop…')
    await setting.click()
    await page.getByRole('button', { name: /display settings/ }).click()
    await expect(setting).toHaveAttribute('data-permission', 'granted')
    await expect(setting).toHaveText('Shown on this computer’s desktop')
    await page.keyboard.press('Escape')
  }

  // The import: stage 0 to 4 raise drift alerts on the second day; the notice appears on the import screen.
  await app.importFolder(simulateScoredWard(app))
  const notice = page.getByTestId('alert-notice')
  await expect(notice).toBeVisible({ timeout: scaled(120_000) })
  await expect(notice).toContainText(/drift alerts? — infant-01/)
  // What changed, as the stage 3–4 step wrote it.
  await expect(notice).toContainText(/(EWMA|CUSUM) \d+\.\d+ above/)
  await expect(notice.getByRole('button', { name: 'Open the timeline' })).toBeVisible()
  // Beneath the app bar, in the page's flow: it covers none of the screen's controls.
  const bar = (await page.getByRole('banner').boundingBox())!
  const box = (await notice.boundingBox())!
  const heading = (await page.getByRole('heading', { name: 'Import recordings' }).boundingBox())!
  expect(box.y).toBeGreaterThanOrEqual(bar.y + bar.height)
  expect(heading.y).toBeGreaterThanOrEqual(box.y + box.height)
  await expect(badge).toHaveAttribute('data-color', 'error')
  await expect(badge).toHaveText(/^[1-9]\d*$/)
  await expect(page.getByRole('tab', { name: 'Ward' })).toHaveAccessibleName(
    /^Ward \d+ open drift alerts? \(\d+ not yet acknowledged\)$/,
  )
  await app.screenshot('alerts-01-notice-and-ward-badge')
  if (browser) {
    const shown = await page.evaluate<{ title: string; body: string }[]>('window.shownNotifications')
    expect(shown.length).toBeGreaterThanOrEqual(1)
    expect(shown[0]!.title).toMatch(/drift alerts? — infant-01/)
    expect(shown[0]!.body).toMatch(/(EWMA|CUSUM) \d+\.\d+ above/)
  }

  // The notice's link: the infant's timeline, with the alert in its table; the notice goes.
  await notice.getByRole('button', { name: 'Open the timeline' }).click()
  await expect(page.getByRole('heading', { name: 'Timeline — infant-01' })).toBeVisible()
  await expect(notice).toHaveCount(0)
  const rows = page.getByRole('table', { name: 'drift alerts' }).getByTestId('alert-row')
  await expect(rows.first()).toBeVisible()
  // The Ward tab counts the infant's open alerts (it is the only infant).
  const open = await page.locator('[data-testid="alert-row"]:not([data-state="resolved"])').count()
  expect(open).toBeGreaterThanOrEqual(1)
  await expect(badge).toHaveText(String(open))
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-renders', /^[1-9]/)
  await app.screenshot('alerts-02-timeline-from-notice')

  // The browser notification's click leads there too.
  if (browser) {
    await page.getByRole('tab', { name: 'Ward' }).click()
    await expect(page.getByRole('heading', { name: 'Ward overview' })).toBeVisible()
    await page.evaluate('window.lastNotification.onclick()')
    await expect(page.getByRole('heading', { name: 'Timeline — infant-01' })).toBeVisible()
  }

  // Acknowledged alerts stay counted (they are open) but the count turns from red to orange.
  const fresh = page.locator('[data-testid="alert-row"][data-state="new"]')
  for (let n = await fresh.count(); n > 0; n--) {
    await fresh.first().getByRole('button', { name: 'Acknowledge' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click()
    await expect(fresh).toHaveCount(n - 1)
  }
  await expect(badge).toHaveAttribute('data-color', 'warning')
  await expect(badge).toHaveText(String(open))
  await page.getByRole('tab', { name: 'Ward' }).click()
  await expect(page.getByTestId('alert-state').first()).toContainText('acknowledged')
  // The count fits in the tab: every tab still shown without scroll arrows.
  await expect(page.locator('.MuiTabs-scrollButtons')).toHaveCount(0)
  await app.screenshot('alerts-03-ward-acknowledged')
})

test('the shift handover: per infant cries, flags, alerts with what changed, verdicts and who gave them, for the last 12 h or an earlier shift; printable', async ({
  app,
}) => {
  test.setTimeout(scaled(300_000))
  const { page } = app
  await app.signIn('clinician')
  await app.importFolder(simulateScoredWard(app))
  // The drift alerts' notice, read and put away (the handover names the alerts again).
  await page.getByTestId('alert-notice').getByRole('button', { name: 'Dismiss' }).click()
  await expect(page.getByTestId('alert-notice')).toHaveCount(0)
  await page.getByRole('tab', { name: 'Ward' }).click()
  await expect(page.getByTestId('awaiting-review-total')).not.toHaveText(/^0 /, { timeout: scaled(120_000) })
  // An infant admitted today, nothing recorded yet.
  await page.getByRole('button', { name: 'Add infant' }).click()
  await page.getByRole('dialog').getByRole('textbox', { name: 'Name or label' }).fill('Baby Noor')
  await page.getByRole('dialog').getByRole('textbox', { name: 'Bed' }).fill('9')
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click()

  // A verdict in this shift, with a note.
  await page.getByTestId('awaiting-review-total').click()
  await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
  const total = page.getByText(/^\d+ awaiting review, most severe first$/)
  const before = parseInt((await total.textContent())!, 10)
  await page.getByRole('textbox', { name: 'Note (optional)' }).fill('hoarse, higher pitch')
  await page.getByRole('button', { name: /^Deviation/ }).click()
  await expect(total).toHaveText(`${before - 1} awaiting review, most severe first`)

  // The handover of the shift ending now: the verdict just given, the alert still open with what changed; the
  // ward's recordings are from January 2025, not of this shift. To the ward by its address: on a loaded machine,
  // while the import's cries are still being analysed, the review screen kept moving and the Ward tab never held
  // still long enough for a click (60 s; the cause is not found yet, see the note).
  await page.evaluate("location.hash = '#/ward'")
  await page.getByRole('button', { name: 'Shift handover' }).click()
  const handover = page.getByTestId('handover')
  const title = handover.getByRole('heading', { level: 2 })
  await expect(title).toHaveText(/^Shift handover — .+ to .+$/)
  await expect(page.getByTestId('handover-summary')).toHaveText(
    '2 infants · 1 with open drift alerts · 0 cries · none flagged · 1 verdict',
  )
  const ada = handover.getByRole('region', { name: 'infant-01' })
  await expect(ada.getByTestId('handover-activity')).toHaveText('No cries recorded in this shift')
  await expect(ada).toHaveAttribute('data-attention', 'true') // an alert nobody acknowledged
  const alert = ada.getByTestId('handover-alert').first()
  await expect(alert).toHaveAttribute('data-state', 'new')
  await expect(alert).toContainText(/(EWMA|CUSUM) · raised .+ — .+(EWMA|CUSUM) \d+\.\d+ above/)
  const verdict = ada.getByTestId('handover-verdict')
  await expect(verdict).toHaveCount(1)
  await expect(verdict).toContainText(
    /^Deviation by Clinician \(clinician\), .+ · cry of 0[67] Jan 2025 .+: “hoarse, higher pitch”/,
  )
  const noor = handover.getByRole('region', { name: 'Bed 9 · Baby Noor' })
  await expect(noor.getByTestId('handover-activity')).toHaveText('No cries recorded in this shift')
  await expect(page.getByTestId('handover-footer')).toContainText('Made by Clinician')
  await app.screenshot('handover-01-screen')

  // Printed: the handover alone, without the app bar, the shift's fields or the buttons.
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByRole('button', { name: 'Print handover' })).toBeHidden()
  await expect(page.getByRole('tab', { name: 'Ward' })).toBeHidden()
  await expect(ada.getByRole('button', { name: 'Timeline' })).toBeHidden()
  await expect(verdict).toBeVisible()
  await app.screenshot('handover-02-printed')
  await page.emulateMedia({ media: 'screen' })

  // An earlier shift: the 12 hours before midnight of the ward's second day hold its last recordings.
  await handover.getByLabel('Shift ending').fill('08 Jan 2025 00:00')
  await expect(title).toHaveText('Shift handover — 07 Jan 2025 12:00 to 08 Jan 2025 00:00')
  await expect(ada.getByTestId('handover-activity')).toHaveText(
    /^\d+ cries in \d+ recordings? · \d+ flagged, \d+ awaiting review$/,
  )
  await expect(verdict).toHaveCount(0) // given today, not in that shift
  await expect(ada.getByTestId('handover-alert').first()).toBeVisible() // still open
  await app.screenshot('handover-03-earlier-shift')
  // A longer shift counts at least as many cries.
  const cries = (t: string | null) => parseInt(t ?? '0', 10)
  const in12 = cries(await ada.getByTestId('handover-activity').textContent())
  await handover.getByRole('combobox', { name: 'Shift' }).click()
  await page.getByRole('option', { name: 'last 24 h' }).click()
  await expect(title).toHaveText('Shift handover — 07 Jan 2025 00:00 to 08 Jan 2025 00:00')
  expect(cries(await ada.getByTestId('handover-activity').textContent())).toBeGreaterThanOrEqual(in12)
  await ada.getByRole('button', { name: 'Timeline' }).click()
  await expect(page.getByRole('heading', { name: 'Timeline — infant-01' })).toBeVisible()

  // The nurse who takes over reads it too; a researcher does not hand over.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await app.signIn('nurse')
  await page.getByRole('tab', { name: 'Ward' }).click()
  await page.getByRole('button', { name: 'Shift handover' }).click()
  await expect(page.getByTestId('handover-verdict')).toContainText('Deviation by Clinician (clinician)')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await app.signIn('researcher')
  await page.getByRole('tab', { name: 'Ward' }).click()
  await expect(page.getByRole('heading', { name: 'Ward overview' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Shift handover' })).toHaveCount(0)
})

test("the shift's end is typed with the workstation's 24-hour clock; reading and printing the handover are audited", async ({
  app,
}) => {
  const { page } = app
  await app.signIn('clinician')
  await page.getByRole('tab', { name: 'Ward' }).click()
  await page.getByRole('button', { name: 'Add infant' }).click()
  await page.getByRole('dialog').getByRole('textbox', { name: 'Name or label' }).fill('Baby Noor')
  await page.getByRole('dialog').getByRole('textbox', { name: 'Bed' }).fill('9')
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await page.getByRole('button', { name: 'Shift handover' }).click()
  const handover = page.getByTestId('handover')
  const title = handover.getByRole('heading', { level: 2 })
  await expect(title).toHaveText(/^Shift handover — .+ to .+$/)

  // Not Chromium's date-time control (a 12-hour clock with AM/PM in en-US): a field read as the ward writes times.
  const ending = handover.getByRole('textbox', { name: 'Shift ending' })
  await expect(ending).toHaveAttribute('type', 'text')
  await expect(handover).toContainText('e.g. 02 Dec 2026 07:00 (24 h); empty: now')
  await ending.fill('08 Jan 2025 19:30')
  await expect(title).toHaveText('Shift handover — 08 Jan 2025 07:30 to 19:30')
  // A 12-hour time is not taken for one.
  await ending.fill('7:30 PM')
  await ending.blur()
  await expect(handover).toContainText('Not a time: write it as 02 Dec 2026 07:00 (24 h)')
  await expect(title).toHaveText('Shift handover — 08 Jan 2025 07:30 to 19:30')
  await ending.fill('08 Jan 2025 19:30')
  await expect(handover).not.toContainText('Not a time')
  await expect(page.getByText(/\b(AM|PM)\b/)).toHaveCount(0)
  await app.screenshot('handover-04-shift-end-24h')

  // With ISO dates chosen for the workstation, the field is written and read the ISO way.
  await page.getByRole('button', { name: /display settings/ }).click()
  await page.getByTestId('time-format-iso').click()
  await expect(title).toHaveText('Shift handover — 2025-01-08 07:30 to 19:30')
  await expect(ending).toHaveValue('2025-01-08 19:30')
  await expect(handover).toContainText('e.g. 2026-12-02 07:00 (24 h)')
  await ending.fill('2025-01-08 07:00')
  await expect(title).toHaveText('Shift handover — 2025-01-07 19:00 to 2025-01-08 07:00')

  // Printed (the browser's print dialog stubbed: headless Chromium has none).
  await page.evaluate('window.print = () => { window.__printed = (window.__printed || 0) + 1 }')
  await page.getByRole('button', { name: 'Print handover' }).click()
  await expect.poll(() => page.evaluate('window.__printed')).toBe(1)

  // The audit log: who read which window and when, and who printed it.
  await page.getByRole('tab', { name: 'Audit' }).click()
  await page.getByRole('combobox', { name: 'Kind' }).click()
  await page.getByRole('option', { name: 'Shift handovers read and printed' }).click()
  // Its date filters are typed as the workstation writes dates too (ISO here), not in an mm/dd/yyyy control.
  await expect(page.getByRole('textbox', { name: 'From', exact: true })).toHaveAttribute('type', 'text')
  await expect(page.getByRole('textbox', { name: 'From', exact: true })).toHaveAttribute(
    'placeholder',
    '2026-12-02',
  )
  const rows = page.getByTestId('audit-row')
  await expect(rows.first()).toHaveAttribute('data-action', 'handover.print')
  await expect(rows.first()).toContainText('clinician')
  // Instants in the workstation's time format (ISO, chosen above), not as stored (UTC with a Z).
  await expect(rows.first()).toContainText('from: 2025-01-07 19:00:00')
  await expect(rows.first()).toContainText('to: 2025-01-08 07:00:00')
  await expect(rows.nth(1)).toHaveAttribute('data-action', 'handover.view')
  await expect(rows.nth(1)).toContainText('to: 2025-01-08 07:00:00')
  await expect(rows.nth(1)).toContainText('shiftEnd: chosen')
  // The first view, of the shift ending now, and the one ending 08 Jan 2025 19:30.
  await expect(page.getByTestId('audit-row').filter({ hasText: 'shiftEnd: now' })).toHaveCount(1)
  await expect(page.getByTestId('audit-row').filter({ hasText: 'to: 2025-01-08 19:30:00' })).toHaveCount(1)
  await app.screenshot('handover-05-audit')
})

test.describe('evaluation parameters', () => {
  test.use({
    beforeStart: {
      run(dataDir: string) {
        const tiny = writeTinyDataset(path.join(dataDir, 'tiny-dataset'))
        execFileSync(
          process.execPath,
          [
            path.join(ROOT, 'bin/iclas.mjs'),
            'datasets',
            'add',
            tiny,
            '--name',
            'tiny',
            '--data-dir',
            dataDir,
          ],
          { cwd: ROOT, stdio: 'pipe' },
        )
      },
    },
  })

  test("an evaluation run's parameters are a table, not raw JSON", async ({ app }) => {
    const { page } = app
    await app.signIn('researcher')
    await page.getByRole('tab', { name: 'Evaluation' }).click()
    const form = page.getByRole('region', { name: 'Run a protocol' })
    await expect(form.getByRole('checkbox', { name: /^tiny/ })).toBeVisible()
    for (const box of await form.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck()
    await form.getByRole('checkbox', { name: /^tiny/ }).check()
    await form.getByRole('checkbox', { name: 'Also count detections on clips without TextGrids' }).check()
    await form.getByRole('button', { name: 'Run protocol A' }).click()
    await expect(page.getByTestId('evaluation-job')).toHaveAttribute('data-state', 'done', {
      timeout: scaled(120_000),
    })
    const report = page.getByRole('region', { name: 'Report' })
    const parameters = report.getByRole('table', { name: 'run parameters' })
    const row = (name: string) => parameters.getByRole('row', { name: new RegExp(`^${name}`) })
    await expect(row('Dataset')).toContainText('tiny')
    await expect(row('Method')).toContainText('the workstation’s segmenter')
    await expect(row('Also count detections on clips without TextGrids')).toContainText('yes')
    await expect(row('Run by')).toContainText('researcher')
    await expect(row('Started')).toContainText(/took \d/)
    await expect(report).not.toContainText('{"')
    await app.screenshot('evaluation-parameters-table')
  })
})
