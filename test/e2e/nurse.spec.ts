// The nurse's night-shift path through the real UI: a simulated ward's folder (one folder per infant) chosen
// with the folder picker, checked in the preview (infants found by folder, a stray file refused, a recording
// time corrected), imported while the progress shows, then seen on the ward overview and in a recording.
// And files dropped on the import screen.
import fs from 'node:fs'
import path from 'node:path'
import { expect, test } from './app'
import { writeToneWav } from '../helpers/wav'
import { scaled } from '../helpers/time-scale'

test('nurse imports a ward folder, one folder per infant, correcting a time', async ({ app }) => {
  const { page } = app
  const ward = app.simulateWard({ infants: 2, hoursPerDay: 0.03, cryRate: 10, seed: 5 })
  fs.writeFileSync(path.join(ward, 'infant-01', '.DS_Store'), 'Finder litter')
  const infant02 = fs.readdirSync(path.join(ward, 'infant-02')).find((f) => f.endsWith('.wav'))!
  const folder = path.basename(ward)

  await app.signIn('nurse')
  await page.getByRole('tab', { name: 'Import' }).click()
  await page.getByRole('button', { name: 'One folder per infant' }).click()
  await app.chooseFolder(/Choose folder/, ward)

  const preview = page.getByRole('table', { name: 'import preview' })
  await expect(preview.getByRole('row', { name: /infant-01\// })).toContainText('ready')
  await expect(preview.getByRole('combobox', { name: /infant for .*infant-02\// })).toHaveText(
    'New: infant-02',
  )
  // The simulator's ground truth is not audio: refused in the preview with its reason, not imported.
  await expect(preview.getByRole('row', { name: /ground-truth\.json/ })).toContainText(/not|cannot/)
  await expect(page.getByText('1 hidden system file was left out.')).toBeVisible()

  const time = preview.getByLabel(`recording time of ${folder}/infant-02/${infant02}`)
  // Typed as the ward writes times (24-hour clock), not in Chromium's AM/PM control.
  await time.fill('06 Jan 2025 22:15:00')
  await expect(preview.getByRole('row', { name: /infant-02\// })).toContainText('set by you')
  await app.screenshot('nurse-01-import-folder-preview')

  await page.getByRole('button', { name: 'Import 2 files' }).click()
  const job = page.getByTestId('import-job')
  await expect(job.getByRole('progressbar', { name: 'import progress' })).toBeVisible()
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: scaled(120_000) })
  // One of the two short simulated recordings holds no cry stage 0 accepts: the nurse is told, with the reason.
  await expect(job.getByTestId('import-summary')).toContainText(
    '2 imported (1 with no cry found: see the reason beside each), 0 already present.',
  )
  await expect(job).toContainText(/no cry found: /)
  await app.screenshot('nurse-02-import-done')

  await page.getByRole('tab', { name: 'Ward' }).click()
  const infants = page.getByRole('table', { name: 'infants' })
  await expect(infants.getByRole('row')).toHaveCount(3) // header + 2 infants created from the folders
  const row = infants.getByRole('row', { name: /infant-02/ })
  await expect(row.getByTestId('alert-state')).toHaveText('—')
  await expect(page.getByTestId('awaiting-review-total')).toHaveText(/0 cries await review/)
  await app.screenshot('nurse-03-ward-overview')
  await page.getByRole('button', { name: 'toggle dark mode' }).click() // the night shift's theme
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(14, 18, 23)')
  await app.screenshot('nurse-03-ward-overview-dark')
  await page.getByRole('button', { name: 'toggle dark mode' }).click()

  await row.click()
  const recordings = page.getByRole('table', { name: 'recordings' })
  await expect(recordings.getByTitle('time from user')).toHaveCount(1) // the corrected time
  await recordings.getByText(infant02).click()
  await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
  await expect(page.getByTestId('spectrogram')).not.toHaveAttribute('data-tiles', '0')
  await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
  await app.screenshot('nurse-04-recording')
})

test('nurse drops a recording on the import screen', async ({ app }) => {
  test.skip(app.target === 'electron', 'the desktop app imports through its dialog (drop needs file paths)')
  const { page } = app
  const wav = writeToneWav(path.join(app.dataDir, 'drop.wav'), { seconds: 2, rate: 16000, freq: 500 })
  await app.signIn('nurse')
  await page.getByRole('button', { name: 'Add infant' }).click()
  await page.getByRole('textbox', { name: 'Name or label' }).fill('Baby Drop')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('tab', { name: 'Import' }).click()
  await page.getByRole('combobox', { name: 'Infant' }).click()
  await page.getByRole('option', { name: /Baby Drop/ }).click()

  // A drop carrying one file, as the browser builds it when a file is dragged from the desktop.
  const dataTransfer = await page.evaluateHandle(
    ({ b64, name }) => {
      // Runs in the page (DOM types are not in the test project's lib).
      const page = globalThis as unknown as { DataTransfer: new () => { items: { add(f: File): void } } }
      const dt = new page.DataTransfer()
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      dt.items.add(new File([bytes], name, { type: 'audio/wav' }))
      return dt
    },
    { b64: fs.readFileSync(wav).toString('base64'), name: 'night_2025-01-07_02-30-00.wav' },
  )
  await page.getByTestId('drop-zone').dispatchEvent('dragover', { dataTransfer })
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer })
  const preview = page.getByRole('table', { name: 'import preview' })
  await expect(preview.getByRole('row', { name: /night_2025-01-07_02-30-00\.wav/ })).toContainText('ready')
  await page.getByRole('button', { name: 'Import 1 file' }).click()
  await expect(page.getByTestId('import-job')).toHaveAttribute('data-state', 'done')
  await expect(page.getByTestId('import-summary')).toContainText('1 imported')
})
