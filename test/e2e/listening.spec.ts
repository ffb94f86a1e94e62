// Listening and measuring as a cry researcher used to Praat, Audacity or Sonic Visualiser does it (issue 16
// items 7–10): a time ruler and a cursor readout, a selection that is measured, played, looped and exported,
// the spectrogram's settings with f0 and intensity over it, correcting stage 0 (a cry's boundaries, a cry it
// missed) and audio and TextGrid exports to the millisecond; and a recording made at 48 kHz, whose spectrogram
// reaches its Nyquist from the high-rate copy kept at import.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Download, Page } from '@playwright/test'
import { expect, test, type App } from './app'
import { writeSamplesWav } from '../helpers/wav'

async function importWard(app: App): Promise<void> {
  const ward = app.simulateWard({ infants: 2, hoursPerDay: 0.03, cryRate: 10, seed: 7 })
  await app.importFolder(ward)
}

/** The first cry of infant-01's first recording, drawn with its spectrogram. */
async function openFirstCry(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Ward' }).click()
  await page
    .getByRole('table', { name: 'infants' })
    .getByRole('row', { name: /infant-01/ })
    .click()
  await page.getByRole('table', { name: 'recordings' }).getByRole('row').nth(1).click()
  await page.getByRole('table', { name: 'cries' }).getByRole('row').nth(1).click()
  await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
  await expect(page.getByTestId('spectrogram')).not.toHaveAttribute('data-tiles', '0')
  await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
}

/** Where the waveform, the ruler and the spectrogram lie on the page. */
async function strips(page: Page) {
  const box = (await page.getByTestId('waveform').boundingBox())!
  return {
    x: (f: number) => box.x + box.width * f,
    waveY: box.y + 60,
    spectrogramY: (f: number) => box.y + 120 + 20 + 4 + 160 * f,
  }
}

/** A downloaded WAV file's sample rate and length in samples. */
function wavOf(file: string): { rate: number; frames: number } {
  const b = fs.readFileSync(file)
  expect(b.toString('latin1', 0, 4)).toBe('RIFF')
  expect(b.toString('latin1', 8, 12)).toBe('WAVE')
  return { rate: b.readUInt32LE(24), frames: b.readUInt32LE(40) / 2 }
}

async function downloaded(page: Page, action: () => Promise<void>): Promise<Download> {
  const [d] = await Promise.all([page.waitForEvent('download'), action()])
  return d
}

test('listening and measuring: ruler, readout, selection, spectrogram settings, WAV and TextGrid', async ({
  app,
}) => {
  test.setTimeout(480_000)
  const { page } = app
  await app.signIn('clinician')
  await importWard(app)
  await openFirstCry(page)
  const view = page.getByTestId('cry-view')
  const s = await strips(page)

  await test.step('item 7: a time ruler, and the cursor reads time, frequency and level', async () => {
    // The ruler (wavesurfer's timeline plugin) labels seconds under the waveform.
    const labels = page.locator('[part~="timeline-notch-primary"]')
    expect(await labels.count()).toBeGreaterThan(1)
    await expect(labels.first()).toHaveText(/^\d+(\.\d+)? s$/)
    await page.mouse.move(s.x(0.5), s.waveY)
    await expect(page.getByTestId('cursor-readout')).toHaveText(
      /^\d+\.\d{3} s · (peak −?\d+\.\d dBFS|silence)$/,
    )
    await page.mouse.move(s.x(0.5), s.spectrogramY(0.9))
    await expect(page.getByTestId('cursor-readout')).toHaveText(/^\d+\.\d{3} s · \d+ Hz · −?\d+ dB$/)
  })

  await test.step('item 7: drag to select; the selection has its duration and f0, plays and loops', async () => {
    await page.mouse.move(s.x(0.38), s.waveY)
    await page.mouse.down()
    await page.mouse.move(s.x(0.5), s.waveY, { steps: 5 })
    await page.mouse.move(s.x(0.62), s.waveY, { steps: 5 })
    await page.mouse.up()
    const sel = page.getByTestId('selection')
    await expect(sel).toBeVisible()
    const startS = Number(await sel.getAttribute('data-start-s'))
    const endS = Number(await sel.getAttribute('data-end-s'))
    expect(endS - startS).toBeGreaterThan(0.05)
    await expect(sel).toContainText(
      `${startS.toFixed(3)}–${endS.toFixed(3)} s (${(endS - startS).toFixed(3)} s)`,
    )
    await expect(page.getByTestId('selection-f0')).toHaveText(/^f0 \d+ Hz \(\d+–\d+\), voiced \d+ %$/)

    // Play it: the playback stops at its end.
    const shown = async () =>
      Number((await page.getByTestId('playback-time').textContent())?.replace(/ s$/, ''))
    await expect(page.getByTestId('waveform')).toHaveAttribute('data-ready', 'true')
    await sel.getByRole('button', { name: 'Play selection (S)' }).click()
    await expect.poll(shown).toBeGreaterThanOrEqual(Math.floor((endS - 0.15) * 10) / 10)
    await expect(page.getByRole('button', { name: 'play', exact: true })).toBeVisible()
    expect(await shown()).toBeLessThan(endS + 0.3)
    // Loop it: it starts again at its end until the loop is turned off.
    await sel.getByRole('button', { name: 'Loop (L)' }).click()
    await expect(page.getByTestId('waveform')).not.toHaveAttribute('data-loops', '0', { timeout: 15_000 })
    await expect(page.getByTestId('waveform')).not.toHaveAttribute('data-loops', '1', { timeout: 15_000 })
    await sel.getByRole('button', { name: 'Loop (L)' }).click()
    // Loop off: the selection plays to its end once more and stops there.
    await expect(page.getByRole('button', { name: 'play', exact: true })).toBeVisible()
    expect(await shown()).toBeLessThan(endS + 0.3)
    await page.mouse.move(s.x(0.45), s.spectrogramY(0.85))
    await expect(page.getByTestId('cursor-readout')).toHaveText(/Hz · /)
    await app.screenshot('listening-07-ruler-readout-selection')
  })

  await test.step('item 8: window, dynamic range, colours, top frequency; f0 and intensity over it', async () => {
    const settings = page.getByRole('group', { name: 'spectrogram settings' })
    const choose = async (label: string, option: string) => {
      await settings.getByLabel(label).click()
      await page.getByRole('option', { name: option }).click()
      await expect(settings.getByLabel(label)).toHaveText(option)
    }
    // The simulated ward records at 16 kHz: the top frequency goes up to its Nyquist, 8 kHz.
    await settings.getByLabel('Top frequency').click()
    await expect(page.getByRole('option')).toHaveText(['1 kHz', '2 kHz', '4 kHz', '8 kHz (Nyquist)'])
    await page.getByRole('option', { name: '2 kHz' }).click()
    await choose('Window', '64 ms')
    await choose('Dynamic range', '60 dB')
    await choose('Colours', 'viridis')
    const spectrogram = page.getByTestId('spectrogram')
    await expect(spectrogram).toHaveAttribute('data-max-hz', '2000')
    await expect(page.getByTestId('frequency-axis')).toContainText('2 kHz')
    await expect(spectrogram).toHaveAttribute('data-pending', '0')
    await expect(spectrogram).not.toHaveAttribute('data-overlay', '')
    await expect(spectrogram).toContainText('f0 (blue, on the frequency axis) and intensity (yellow')
    expect(await page.locator('[part="pitch-intensity"]').count()).toBe(1)
    // The pointer over the spectrogram now reads frequencies on the 0–2 kHz axis. The f0 and intensity overlay
    // may still be redrawn after the settings changed, which clears the readout until the pointer moves again:
    // move it again, as a user would, until it reads.
    let nudge = 0
    await expect(async () => {
      await page.mouse.move(s.x(0.5 + 0.01 * (nudge++ % 2)), s.spectrogramY(0.5))
      await expect(page.getByTestId('cursor-readout')).toHaveText(/ · (1(\.\d+)? kHz|9\d\d Hz) · /, {
        timeout: 2_000,
      })
    }).toPass({ timeout: 30_000 })
    await app.screenshot('listening-08-spectrogram-settings-f0-intensity')
    // Kept for the next cry, as audio tools keep them.
    await page.reload()
    await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-max-hz', '2000')
    await expect(settings.getByLabel('Colours')).toHaveText('viridis')
  })

  await test.step('item 10: a cry and a selection as WAV files; TextGrid boundaries to the millisecond', async () => {
    await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
    const cryStart = Number(await view.getAttribute('data-start-s'))
    const cryEnd = Number(await view.getAttribute('data-end-s'))
    const cry = await downloaded(page, () => view.getByRole('button', { name: 'Export cry as WAV' }).click())
    expect(cry.suggestedFilename()).toMatch(/-cry-\d+\.wav$/)
    const cryWav = wavOf(await cry.path())
    expect(cryWav.rate).toBe(16000)
    expect(cryWav.frames).toBe(Math.round(cryEnd * 16000) - Math.round(cryStart * 16000))

    await page.mouse.move(s.x(0.4), s.waveY)
    await page.mouse.down()
    await page.mouse.move(s.x(0.55), s.waveY, { steps: 8 })
    await page.mouse.up()
    const sel = page.getByTestId('selection')
    const a = Number(await sel.getAttribute('data-start-s'))
    const b = Number(await sel.getAttribute('data-end-s'))
    const part = await downloaded(page, () =>
      sel.getByRole('button', { name: 'Export selection as WAV' }).click(),
    )
    expect(part.suggestedFilename()).toMatch(/-\d+\.\d{3}-\d+\.\d{3}s\.wav$/)
    expect(Math.abs(wavOf(await part.path()).frames - Math.round((b - a) * 16000))).toBeLessThanOrEqual(2)

    // The recording's TextGrid: every boundary written to the millisecond.
    await view.getByRole('button', { name: /\.wav$/ }).click()
    const tg = await app.download(() => page.getByRole('button', { name: 'Praat TextGrid' }).click())
    const bounds = [...tg.text.matchAll(/^ {12}x(?:min|max) = (\S+)$/gm)].map((m) => m[1]!)
    const xmax = /^xmax = (\S+)$/m.exec(tg.text)![1]!
    expect(bounds.length).toBeGreaterThan(4)
    for (const v of bounds) expect(v === xmax || /^\d+\.\d{3}$/.test(v), v).toBe(true)
    await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
    await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
    await app.screenshot('listening-10-recording-exports')
  })

  await test.step("item 9: correct stage 0 — move a cry's boundaries, mark a cry it missed", async () => {
    // Back to the first cry: "Correct boundaries" selects it as it stands; its end is dragged 25 px earlier.
    await page.goBack()
    await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
    const cryId = await view.getAttribute('data-cry-id')
    const oldStart = Number(await view.getAttribute('data-start-s'))
    const oldEnd = Number(await view.getAttribute('data-end-s'))
    await view.getByRole('button', { name: 'Correct boundaries' }).click()
    const sel = page.getByTestId('selection')
    await expect(sel).toHaveAttribute('data-end-s', oldEnd.toFixed(3))
    const handle = page.locator('[part~="selection"] [part~="region-handle-right"]')
    const h = (await handle.boundingBox())!
    await page.mouse.move(h.x + h.width / 2, h.y + 20)
    await page.mouse.down()
    await page.mouse.move(h.x + h.width / 2 - 25, h.y + 20, { steps: 6 })
    await page.mouse.up()
    await expect(sel).not.toHaveAttribute('data-end-s', oldEnd.toFixed(3))
    const newEnd = Number(await sel.getAttribute('data-end-s'))
    expect(newEnd).toBeLessThan(oldEnd)
    await sel.getByRole('button', { name: 'Set as this cry’s boundaries' }).click()
    // The cry keeps its id, takes the new end to the millisecond, and is measured and scored again.
    await expect(view).toHaveAttribute('data-end-s', String(newEnd))
    await expect(view).toHaveAttribute('data-cry-id', cryId!)
    expect(Number(await view.getAttribute('data-start-s'))).toBeCloseTo(oldStart, 2)
    const measures = view.getByRole('table', { name: 'acoustic measures' })
    await expect(measures.getByRole('row', { name: /^Duration/ })).toContainText(
      `${(newEnd - oldStart).toFixed(2)} s`,
    )
    await expect(view.getByText(/^gate: (baseline|accepted|rejected)$/)).toBeVisible()
    await expect(sel).toHaveCount(0)
    await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
    await app.screenshot('listening-09-boundaries-moved')

    // A missed cry: a stretch before the first cry, selected and marked, becomes a cry of its own.
    await page.mouse.move(s.x(0.03), s.waveY)
    await page.mouse.down()
    await page.mouse.move(s.x(0.1), s.waveY, { steps: 6 })
    await page.mouse.up()
    await expect(sel).toBeVisible()
    const markStart = Number(await sel.getAttribute('data-start-s'))
    // However many cries stage 0 found in this recording, the marked one is one more, and the first.
    const before = /cry \d+ of (\d+) in this recording/.exec((await view.textContent()) ?? '')
    expect(before, 'the cry view says how many cries the recording has').not.toBeNull()
    const found = Number(before![1])
    await sel.getByRole('button', { name: 'Mark as a missed cry' }).click()
    await expect(view).not.toHaveAttribute('data-cry-id', cryId!)
    await expect(view).toHaveAttribute('data-start-s', String(markStart))
    await expect(view).toContainText(`cry 1 of ${found + 1} in this recording`)
    await expect(view.getByText(/^gate: (baseline|accepted|rejected)$/)).toBeVisible()
    await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
    await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-pending', '0')
    await app.screenshot('listening-09-missed-cry-marked')

    // Both are in the audit log, with who and what was before.
    await page.getByRole('tab', { name: 'Audit' }).click()
    await expect(page.locator('[data-testid="audit-row"][data-action="cry.mark"]')).toHaveCount(1)
    const moved = page.locator('[data-testid="audit-row"][data-action="cry.correct_boundaries"]')
    await expect(moved).toHaveCount(1)
    await expect(moved).toContainText('clinician')
    await expect(moved).toContainText(`endS: ${Number(oldEnd.toPrecision(6))} → ${newEnd}`)
  })
})

test('item 8: a recording made at 48 kHz: the spectrogram reaches its Nyquist (24 kHz) from its high-rate copy', async ({
  app,
}) => {
  const { page } = app
  // 10 s at 48 kHz: a 1 kHz tone throughout, and 2–8 s a 12 kHz one, above the 16 kHz working copy's 8 kHz.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-e2e-48k-'))
  const rate = 48000
  const x = Float32Array.from({ length: 10 * rate }, (_, i) => {
    const t = i / rate
    return (
      0.2 * Math.sin(2 * Math.PI * 1000 * t) + (t >= 2 && t < 8 ? 0.2 * Math.sin(2 * Math.PI * 12000 * t) : 0)
    )
  })
  fs.mkdirSync(path.join(dir, 'infant-48k'))
  writeSamplesWav(path.join(dir, 'infant-48k', 'infant-48k_2025-01-08_10-00-00.wav'), x, rate)
  try {
    await app.signIn('clinician')
    await app.importFolder(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  await page.getByRole('tab', { name: 'Ward' }).click()
  await page
    .getByRole('table', { name: 'infants' })
    .getByRole('row', { name: /infant-48k/ })
    .click()
  await page.getByRole('table', { name: 'recordings' }).getByRole('row').nth(1).click()
  await expect(page.getByTestId('waveform')).toHaveAttribute('data-drawn', 'true')
  const spectrogram = page.getByTestId('spectrogram')
  await expect(spectrogram).toHaveAttribute('data-max-hz', '8000') // the cry band by default
  const settings = page.getByRole('group', { name: 'spectrogram settings' })
  await expect(settings).toContainText('Recorded at 48 kHz: above 8 kHz from the 48 kHz copy.')
  await settings.getByLabel('Top frequency').click()
  await expect(page.getByRole('option')).toHaveText([
    '1 kHz',
    '2 kHz',
    '4 kHz',
    '8 kHz',
    '16 kHz',
    '24 kHz (Nyquist)',
  ])
  await page.getByRole('option', { name: '24 kHz (Nyquist)' }).click()
  await expect(spectrogram).toHaveAttribute('data-max-hz', '24000')
  await expect(page.getByTestId('frequency-axis')).toContainText('24 kHz')
  await expect(spectrogram).not.toHaveAttribute('data-tiles', '0')
  await expect(spectrogram).toHaveAttribute('data-pending', '0')
  // The pointer reads the 12 kHz tone, half way up, far louder than 18 kHz, where nothing is.
  const s = await strips(page)
  // The top-frequency menu closes with a fade: its backdrop can still take the first move. Move again, as a user
  // would, until the readout reads (the same for a tile or overlay redraw under a pointer that has not moved).
  await expect(page.getByRole('listbox')).toBeHidden()
  const readout = page.getByTestId('cursor-readout')
  const level = async (f: number) => {
    let nudge = 0
    await expect(async () => {
      await page.mouse.move(s.x(0.5 + 0.01 * (nudge++ % 2)), s.spectrogramY(f))
      await expect(readout).toHaveText(/ · −?\d+ dB$/, { timeout: 2_000 })
    }).toPass({ timeout: 30_000 })
    return {
      text: (await readout.textContent())!,
      db: Number(/(−?\d+) dB$/.exec((await readout.textContent())!)![1]!.replace('−', '-')),
    }
  }
  const at12k = await level(0.5)
  expect(at12k.text).toMatch(/ · 1[12](\.\d+)? kHz · /)
  const at18k = await level(0.25)
  expect(at12k.db - at18k.db, `${at12k.text} / ${at18k.text}`).toBeGreaterThan(20)
  await page.mouse.move(s.x(0.5), s.spectrogramY(0.5))
  await app.screenshot('listening-11-spectrogram-48k-nyquist')
})
