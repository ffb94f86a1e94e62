// The researcher's path through the real UI: an infant's timeline on a simulated ward scored by the real
// pipeline (click a cry, it opens), a threshold changed with its live preview drawn on the timeline, applied
// with a reason, and the audit entry found; the infant's model versions refitted; and the evaluation protocols
// A and B run on a dataset folder an administrator registered, read as tables and a ROC curve.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { expect, ROOT, test, type App } from './app'
import { writeTinyDataset } from '../helpers/tiny-dataset'
import { scaled } from '../helpers/time-scale'

/** One infant over two days whose cries change on the second: a baseline, then scored and flagged cries. */
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
  // Scoring runs after the import as its own work: wait for the flags to reach the ward overview.
  await expect(app.page.getByTestId('awaiting-review-total')).not.toHaveText(/^0 /, {
    timeout: scaled(120_000),
  })
}

test('researcher opens a timeline, previews a threshold on it, applies it and finds the audit entry', async ({
  app,
}) => {
  test.setTimeout(300_000)
  const { page } = app
  await app.signIn('researcher')
  await importScoredWard(app)

  // The timeline, from the ward overview.
  await page.getByRole('button', { name: 'timeline of infant-01' }).click()
  await expect(page.getByRole('heading', { name: /^Timeline — infant-01/ })).toBeVisible()
  const chart = page.getByTestId('timeline-chart')
  await expect(chart).toHaveAttribute('data-renders', /^[1-9]/)
  const points = page.getByTestId('timeline-points')
  await expect(points).toHaveAttribute('data-loading', 'false')
  expect(Number(await points.getAttribute('data-total'))).toBeGreaterThan(30)
  expect(Number(await points.getAttribute('data-flagged'))).toBeGreaterThan(0)
  await expect(page.getByTestId('timeline-phase')).toContainText(/tracked against model v\d+/)
  await expect(chart).not.toHaveAttribute('data-probe', '')
  await app.screenshot('researcher-01-timeline')

  // Zooming in with the mouse wheel asks the core for the visible range in detail; "Whole timeline" zooms out.
  const total = Number(await points.getAttribute('data-total'))
  const area = (await chart.boundingBox())!
  await page.mouse.move(area.x + area.width * 0.8, area.y + 200)
  await page.mouse.wheel(0, -600)
  await expect(points).toHaveAttribute('data-zoomed', 'true')
  await expect(points).toHaveAttribute('data-loading', 'false')
  expect(Number(await points.getAttribute('data-total'))).toBeLessThan(total)
  await expect(page.getByTestId('timeline-range')).not.toHaveText('whole timeline')
  await page.getByRole('button', { name: 'Whole timeline' }).click()
  await expect(points).toHaveAttribute('data-zoomed', 'false')
  await expect(points).toHaveAttribute('data-total', String(total))

  // Clicking a point opens that cry.
  const probe = JSON.parse((await chart.getAttribute('data-probe'))!) as {
    cryId: number
    x: number
    y: number
  }
  const box = (await chart.boundingBox())!
  await page.mouse.click(box.x + probe.x, box.y + probe.y)
  await expect(page.getByTestId('cry-view')).toHaveAttribute('data-cry-id', String(probe.cryId))
  await page.goBack()
  await expect(chart).toHaveAttribute('data-renders', /^[1-9]/)

  // A lower flag threshold: the preview counts the flags it would add and draws them on the timeline.
  await page.getByRole('tab', { name: 'Thresholds' }).click()
  await expect(page.getByTestId('preview-summary')).toHaveAttribute('data-state', 'idle')
  const field = page.getByRole('spinbutton', { name: 'Flag threshold value' })
  await field.fill('0.8')
  await field.press('Enter')
  await expect(page.getByTestId('setting-flagPercentile')).toContainText(
    '80.0th percentile (was 99.0th percentile)',
  )
  await expect(page.getByTestId('preview-summary')).toHaveAttribute('data-state', 'ready')
  await expect(page.getByTestId('flags-gained')).not.toHaveText(/^0 /)
  await expect(page.getByTestId('needs-refit')).toHaveCount(0)
  const preview = page.getByRole('region', { name: 'Preview on the timeline' })
  await expect(preview.getByTestId('timeline-chart')).toHaveAttribute('data-renders', /^[1-9]/)
  await app.screenshot('researcher-02-threshold-preview')

  await page.getByRole('button', { name: 'Apply…' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByRole('table', { name: 'changes to apply' })).toContainText(
    '99.0th percentile → 80.0th percentile',
  )
  await dialog.getByLabel('Reason').fill('ward round pilot: more sensitive')
  await dialog.getByRole('button', { name: 'Apply', exact: true }).click()
  const applied = page.getByTestId('applied-entry')
  await expect(applied).toContainText('researcher (researcher) changed the ward settings')
  await expect(applied).toContainText('Flag threshold: 99.0th percentile → 80.0th percentile')
  await expect(applied).toContainText('Reason: ward round pilot: more sensitive')
  await app.screenshot('researcher-03-threshold-applied')

  // The same entry in the audit log.
  await applied.getByRole('button', { name: 'Audit log' }).click()
  const row = page.getByTestId('audit-row').first()
  await expect(row).toHaveAttribute('data-action', 'settings.change')
  await expect(row).toContainText('researcher')
  await expect(row).toContainText('flagPercentile: 0.99 → 0.8')
  await app.screenshot('researcher-04-audit')

  // The infant's model versions: refit now, and watch the job finish with a new active version.
  await page.getByRole('tab', { name: 'Thresholds' }).click()
  await page.getByRole('combobox', { name: 'Settings for' }).click()
  await page.getByRole('option', { name: 'infant-01' }).click()
  const models = page.getByRole('table', { name: 'model versions' })
  const active = models.getByRole('row').filter({ hasText: 'active' })
  await expect(active).toHaveCount(1)
  const before = Number(/^v(\d+)/.exec((await active.textContent())!)![1])
  await page.getByRole('button', { name: 'Refit now' }).click()
  const job = page.getByTestId('refit-job')
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: scaled(120_000) })
  await expect(job).toContainText(`Refitted: version ${before + 1} is active.`)
  await expect(active).toContainText(`v${before + 1}`)
  await expect(models.getByRole('row').filter({ hasText: 'refit requested' })).toHaveCount(1)
  await app.screenshot('researcher-05-model-versions')
})

test.describe('evaluation', () => {
  test.use({
    beforeStart: {
      run(dataDir: string) {
        // Inside the test's data folder, so it goes when the folder does.
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

  test('researcher runs protocols A and B on a registered dataset and reads tables and a ROC curve', async ({
    app,
  }) => {
    const { page } = app
    await app.signIn('researcher')
    await page.getByRole('tab', { name: 'Evaluation' }).click()
    await expect(page.getByText('No evaluation has run on this workstation yet.')).toBeVisible()
    const form = page.getByRole('region', { name: 'Run a protocol' })
    const only = async (name: RegExp) => {
      // The dataset list loads with its defaults checked: wait for it, or the unchecking below sees no boxes.
      await expect(form.getByRole('checkbox', { name })).toBeVisible()
      for (const box of await form.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck()
      await form.getByRole('checkbox', { name }).check()
    }

    // A: the workstation's segmenter against the folder's TextGrids.
    await only(/^tiny/)
    await form.getByRole('button', { name: 'Run protocol A' }).click()
    await expect(page.getByTestId('evaluation-job')).toHaveAttribute('data-state', 'done', {
      timeout: scaled(120_000),
    })
    const report = page.getByTestId('evaluation-report')
    await expect(report).toHaveAttribute('data-protocol', 'segmentation')
    const scores = report.getByRole('table', { name: 'segmentation scores' })
    await expect(scores.getByRole('row').nth(1)).toContainText(/^all6/) // all 6 clips with TextGrids
    await app.screenshot('researcher-06-evaluation-segmentation')

    // B: the protocol's for-scale method on cries vs alarms and room noise, with its ROC curve.
    await form.getByRole('combobox', { name: 'Protocol' }).click()
    await page.getByRole('option', { name: /^B\./ }).click()
    await only(/^tiny/)
    await form.getByRole('combobox', { name: 'Method' }).click()
    await page.getByRole('option', { name: /autocorrelation/ }).click()
    await form.getByRole('button', { name: 'Run protocol B' }).click()
    await expect(page.getByTestId('evaluation-job')).toHaveAttribute('data-state', 'done', {
      timeout: scaled(120_000),
    })
    await expect(report).toHaveAttribute('data-protocol', 'gate')
    await expect(report.getByRole('table', { name: 'gate figures' })).toContainText('autocorr-share')
    await expect(report.getByTestId('roc-chart')).toBeVisible()
    await expect(page.getByRole('list', { name: 'evaluation runs' }).getByRole('button')).toHaveCount(2)
    await app.screenshot('researcher-07-evaluation-gate-roc')
  })
})

test.describe('evaluation progress', () => {
  test.use({
    beforeStart: {
      run(dataDir: string) {
        // Enough clips that protocol A takes a few seconds, so its progress has somewhere to go.
        const many = writeTinyDataset(path.join(dataDir, 'many-clips'), { cries: 150, negatives: 0, seed: 9 })
        execFileSync(
          process.execPath,
          [
            path.join(ROOT, 'bin/iclas.mjs'),
            'datasets',
            'add',
            many,
            '--name',
            'many',
            '--data-dir',
            dataDir,
          ],
          { cwd: ROOT, stdio: 'pipe' },
        )
      },
    },
  })

  test("the Evaluation screen's progress follows the protocol's work", async ({ app }) => {
    const { page } = app
    await app.signIn('researcher')
    await page.getByRole('tab', { name: 'Evaluation' }).click()
    const form = page.getByRole('region', { name: 'Run a protocol' })
    await expect(form.getByRole('checkbox', { name: /^many/ })).toBeVisible()
    for (const box of await form.getByRole('checkbox').all()) if (await box.isChecked()) await box.uncheck()
    await form.getByRole('checkbox', { name: /^many/ }).check()

    // Every percentage the job line shows, as the page renders it (a MutationObserver sees each render,
    // however fast the run).
    await page.evaluate(`(() => {
      const seen = (window.__evalProgress = [])
      const read = () => {
        const el = document.querySelector('[data-testid="evaluation-job"]')
        const m = el && /(\\d+) %/.exec(el.textContent || '')
        if (m && seen[seen.length - 1] !== Number(m[1])) seen.push(Number(m[1]))
      }
      new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true })
    })()`)
    await form.getByRole('button', { name: 'Run protocol A' }).click()
    const job = page.getByTestId('evaluation-job')
    // Caught on its way: a percentage between the start and the end, the bar drawn beside it.
    await expect(job).toContainText(/: [1-9]\d? %/, { timeout: scaled(60_000) })
    // The run in the list says the same.
    await expect(
      page.getByRole('list', { name: 'evaluation runs' }).getByRole('button').first(),
    ).toContainText(/[1-9]\d? %/)
    // The job's chip in the app bar leaves every tab in view (no scroll arrows) and keeps its percentage.
    await expect(page.getByTestId('jobs-indicator')).toContainText(/\d+% · Protocol A/)
    await expect(page.locator('.MuiTabs-scrollButtons')).toHaveCount(0)
    await app.screenshot('researcher-08-evaluation-progress')
    await expect(job).toHaveAttribute('data-state', 'done', { timeout: scaled(120_000) })

    const seen = (await page.evaluate('window.__evalProgress')) as number[]
    const between = seen.filter((p) => p > 0 && p < 100)
    expect(new Set(between).size, `progress seen: ${seen.join(', ')}`).toBeGreaterThanOrEqual(3)
    // It only moves forward.
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]!, `progress seen: ${seen.join(', ')}`).toBeGreaterThanOrEqual(seen[i - 1]!)
    await expect(page.getByTestId('evaluation-report')).toHaveAttribute('data-protocol', 'segmentation')
  })
})
