// The foundation's vertical slice through the real UI: add an infant, import WAV files for it (one of them
// not a WAV), see them listed, open one, see its waveform and play it.
import fs from 'node:fs'
import path from 'node:path'
import { expect, test } from './app'
import { writeToneWav } from '../helpers/wav'

test('add an infant, import WAV files, see the waveform and play', async ({ app }) => {
  const { page } = app
  const dir = path.join(app.dataDir, 'incoming-test')
  fs.mkdirSync(dir, { recursive: true })
  const a = writeToneWav(path.join(dir, 'ward_2024-03-05_14-22-10.wav'), {
    seconds: 4,
    rate: 48000,
    channels: 2,
    freq: 450,
  })
  const b = writeToneWav(path.join(dir, 'second.wav'), { seconds: 2, rate: 16000, channels: 1, freq: 600 })
  const bad = path.join(dir, 'notes.wav')
  fs.writeFileSync(bad, 'this is not audio, just text pretending to be a WAV file')

  await app.signIn('nurse')
  await app.screenshot('01-ward-empty')
  await page.getByRole('button', { name: 'Add infant' }).click()
  await page.getByRole('textbox', { name: 'Name or label' }).fill('Baby Ada')
  await page.getByRole('textbox', { name: 'Bed' }).fill('3')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('cell', { name: 'Baby Ada', exact: true })).toBeVisible()

  await page.getByRole('tab', { name: 'Import' }).click()
  await page.getByRole('combobox', { name: 'Infant' }).click()
  await page.getByRole('option', { name: /Baby Ada/ }).click()
  await app.chooseFiles(/Choose files/, [a, b, bad])
  const preview = page.getByRole('table', { name: 'import preview' })
  const badRow = preview.getByRole('row', { name: /notes\.wav/ })
  await expect(badRow).toContainText(/not (audio|a WAV)/)
  await expect(preview.getByText('wav/pcm_s16le').first()).toBeVisible()
  await app.screenshot('02-import-preview')
  await page.getByRole('button', { name: /Import 2 files/ }).click()
  const report = page.getByTestId('import-job')
  await expect(report.getByText(/: done/)).toBeVisible()
  await expect(report.getByRole('cell', { name: 'imported' })).toHaveCount(2)
  await app.screenshot('03-import-done')

  await page.getByRole('tab', { name: 'Ward' }).click()
  await page.getByRole('cell', { name: 'Baby Ada', exact: true }).click()
  const recordings = page.getByRole('table', { name: 'recordings' })
  await expect(recordings.getByRole('row')).toHaveCount(3) // header + 2
  await expect(recordings.getByText('48 kHz')).toBeVisible()
  await expect(recordings.getByText('4.0 s')).toBeVisible()
  await app.screenshot('04-infant-recordings')
  await recordings.getByText('ward_2024-03-05_14-22-10.wav').click()
  await expect(page.getByTestId('waveform')).toHaveAttribute('data-ready', 'true')
  await page.getByTestId('play').click()
  await expect(page.getByRole('button', { name: 'pause' })).toBeVisible()
  await expect
    .poll(async () => Number((await page.getByTestId('playback-time').textContent())?.replace(/ s$/, '')))
    .toBeGreaterThan(0.2)
  await app.screenshot('05-recording-waveform')
})
