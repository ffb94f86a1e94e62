// The clinician's path through the real UI on a simulated ward: the review queue, a cry under review (waveform,
// spectrogram, playback, measures against the baseline, a verdict), and the exports. Cries come from stage 0 at
// import and flags from the gate (stages 2–3) running on the simulated recordings: nothing is planted in the
// database.
import { expect, test, type App } from './app'
import { scaled } from '../helpers/time-scale'

async function importWard(app: App, deviating = 0): Promise<void> {
  const ward = app.simulateWard({ infants: 2, hoursPerDay: 0.03, cryRate: 10, deviating, seed: 7 })
  await app.importFolder(ward)
}

test('clinician finds the review queue and exports segments and cries', async ({ app }) => {
  const { page } = app
  await app.signIn('clinician')
  await importWard(app)

  await page.getByRole('tab', { name: 'Review' }).click()
  await expect(page.getByRole('heading', { name: 'Review queue' })).toBeVisible()
  await expect(page.getByText(/No flagged cries await review/)).toBeVisible()
  await app.screenshot('clinician-01-review-queue-empty')

  await page.getByRole('tab', { name: 'Exports' }).click()
  const segments = page.getByRole('region', { name: 'Cry segments' })
  await segments.getByRole('combobox', { name: 'Infant' }).click()
  await page.getByRole('option', { name: 'infant-01' }).click()
  await segments.getByRole('combobox', { name: 'Recording' }).click()
  await page.getByRole('option', { name: /infant-01_/ }).click()
  const textGrid = await app.download(() => page.getByRole('button', { name: 'Praat TextGrid' }).click())
  expect(textGrid.name).toMatch(/^infant-01_.*\.TextGrid$/)
  expect(textGrid.text).toMatch(/^File type = "ooTextFile"\nObject class = "TextGrid"\n/)
  expect(textGrid.text).toContain('name = "cry"')
  const labels = await app.download(() => page.getByRole('button', { name: 'Audacity labels' }).click())
  expect(labels.name).toMatch(/\.labels\.txt$/)

  const csv = await app.download(() => page.getByRole('button', { name: 'Download CSV' }).click())
  expect(csv.name).toMatch(/^iclas-cries-all-infants-\d{4}-\d{2}-\d{2}\.csv$/)
  expect(csv.text.split('\r\n')[0]).toMatch(/^cry_id,infant_id,infant_label,.*,score,.*,verdict,/)
  await expect(page.getByTestId('export-done')).toContainText('downloaded')
  await app.screenshot('clinician-02-exports')
})

test('clinician reviews a cry of a recording: plays it and records a verdict', async ({ app }) => {
  const { page } = app
  await app.signIn('clinician')
  await importWard(app)
  await page.getByRole('tab', { name: 'Ward' }).click()
  const infants = page.getByRole('table', { name: 'infants' })
  // Stage 0 found the simulated cries at import (the Cries column).
  await expect(
    infants
      .getByRole('row', { name: /infant-01/ })
      .getByRole('cell')
      .nth(7),
  ).not.toHaveText('0')

  await infants.getByRole('row', { name: /infant-01/ }).click()
  await page.getByRole('table', { name: 'recordings' }).getByRole('row').nth(1).click()
  await page.getByRole('table', { name: 'cries' }).getByRole('row').nth(1).click()
  const view = page.getByTestId('cry-view')
  await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
  await expect(page.getByTestId('spectrogram')).not.toHaveAttribute('data-tiles', '0')
  await expect(view.getByRole('table', { name: 'acoustic measures' })).toBeVisible()
  await expect(page.getByTestId('baseline-source')).toContainText(/baseline|not flagged|no other cries/)

  const pause = page.getByRole('button', { name: 'pause', exact: true })
  const play = page.getByRole('button', { name: 'play', exact: true })
  await page.keyboard.press('Space') // play on from the cursor
  await expect(pause).toBeVisible()
  await page.keyboard.press('Space')
  await expect(play).toBeVisible()
  // P plays the cry alone and stops at its end.
  const endS = Number(await view.getAttribute('data-end-s'))
  const shown = async () =>
    Number((await page.getByTestId('playback-time').textContent())?.replace(/ s$/, ''))
  // At double speed, too.
  await view.getByLabel('Speed').click()
  await page.getByRole('option', { name: '2×' }).click()
  await expect(view.getByLabel('Speed')).toHaveText('2×')
  await page.keyboard.press('p')
  await expect.poll(shown).toBeGreaterThanOrEqual(Math.floor((endS - 0.15) * 10) / 10)
  await expect(play).toBeVisible()
  expect(await shown()).toBeLessThan(endS + 0.5)
  await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
  await app.screenshot('clinician-03-cry-view')

  await page.getByLabel('Note (optional)').fill('typical cry, checked on the ward round')
  await page.getByRole('button', { name: 'Normal (2)' }).click()
  await expect(view.getByRole('list', { name: 'verdicts so far' })).toContainText(
    'Normal (counts) — clinician',
  )
  await expect(view.getByRole('list', { name: 'verdicts so far' })).toContainText('typical cry')
})

test('clinician opens the top flagged cry, plays it and records a verdict', async ({ app }) => {
  const { page } = app
  // Two days, three recordings a day, an infant whose cries change on the second day: enough cries for the
  // gate to close the baseline period (30 cries from 3 recordings by default), then flags on the changed cries.
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
  await app.signIn('clinician')
  await app.importFolder(ward)
  await page.getByRole('tab', { name: 'Ward' }).click()
  // Scoring runs after the import as its own work: wait for the flags to reach the ward overview.
  await expect(page.getByTestId('awaiting-review-total')).not.toHaveText(/^0 /, { timeout: scaled(120_000) })

  await page.getByTestId('awaiting-review-total').click()
  const queue = page.getByRole('list', { name: 'flagged cries' })
  await expect(queue.getByRole('button').first()).toHaveClass(/Mui-selected/)
  const total = page.getByText(/^\d+ awaiting review, most severe first$/)
  const before = parseInt((await total.textContent())!, 10)
  const scores = await queue.getByRole('button').locator('.MuiChip-label').allTextContents()
  expect(scores.map(Number)).toEqual([...scores.map(Number)].sort((a, b) => b - a)) // most severe first
  const view = page.getByTestId('cry-view')
  await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
  await expect(view).toContainText('flagged')
  // The flag says what moved, in the clinician's units, against this infant's own baseline.
  const moved = /over baseline|under baseline|shorter|longer|; baseline/
  await expect(view.getByRole('note', { name: 'what moved' })).toContainText(moved)
  const judged = await view.getAttribute('data-cry-id')
  await page.keyboard.press('Space') // listen
  await expect(page.getByRole('button', { name: 'pause', exact: true })).toBeVisible()
  await page.keyboard.press('Space')
  await expect(page.getByRole('button', { name: 'play', exact: true })).toBeVisible()
  await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
  await app.screenshot('clinician-04-review-top-flagged')
  await page.keyboard.press('1') // deviation: the cry leaves the queue and the next one opens
  await expect(total).toHaveText(`${before - 1} awaiting review, most severe first`)
  await expect(view).not.toHaveAttribute('data-cry-id', judged!)
  await expect(queue.getByRole('button').first()).toHaveClass(/Mui-selected/)

  // The infant's timeline shows the verdict: one reviewed cry, drawn as such.
  await page.getByRole('tab', { name: 'Ward' }).click()
  await page.getByRole('button', { name: 'timeline of infant-01' }).click()
  const points = page.getByTestId('timeline-points')
  await expect(points).toHaveAttribute('data-loading', 'false')
  await expect(points).toHaveAttribute('data-reviewed', '1')
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-renders', /^[1-9]/)

  // The drift alerts the change raised, acknowledged with a note on the ward round.
  const alerts = page.getByRole('table', { name: 'drift alerts' })
  const fresh = alerts.getByTestId('alert-row').and(page.locator('[data-state=new]'))
  const open = await fresh.count()
  expect(open).toBeGreaterThan(0)
  await fresh.first().getByRole('button', { name: 'Acknowledge' }).click()
  await page.getByRole('dialog').getByLabel('Note (optional)').fill('seen on the ward round; feeding well')
  await page.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click()
  await expect(fresh).toHaveCount(open - 1)
  await expect(alerts.locator('[data-state=acknowledged]').first()).toContainText('seen on the ward round')
  await app.screenshot('clinician-05-timeline-after-verdict')

  // The printable report: an audited export, then the browser's print dialog (stood in for here: it is the
  // browser's, not the page's), and the page as the printer or a PDF sees it.
  await page.evaluate(
    'void (window.print = () => void (window.__printCalls = (window.__printCalls ?? 0) + 1))',
  )
  await page.getByRole('button', { name: 'Print report' }).click()
  await expect.poll(() => page.evaluate('window.__printCalls ?? 0')).toBe(1)
  const printed = page.getByTestId('timeline-report')
  await expect(printed).toContainText('ICLAS timeline report — infant-01')
  await expect(printed).toContainText('Printed by Clinician')
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByTestId('timeline-chart')).toBeHidden()
  // The report carries the flagged cries with what moved, and the alerts with theirs.
  await expect(page.getByRole('region', { name: 'Flagged cries' })).toContainText(moved)
  await expect(alerts).toContainText(moved)
  await expect(printed.getByRole('img', { name: /Timeline of infant-01/ })).toBeVisible()
  await app.screenshot('clinician-06-timeline-print')
  if (app.target === 'browser')
    expect((await page.pdf({ landscape: true })).subarray(0, 5).toString()).toBe('%PDF-')
  await page.emulateMedia({ media: 'screen' })
  const png = await app.download(() => page.getByRole('button', { name: 'Save PNG' }).click())
  expect(png.name).toMatch(/^iclas-timeline-infant-01-\d{4}-\d{2}-\d{2}\.png$/)
})
