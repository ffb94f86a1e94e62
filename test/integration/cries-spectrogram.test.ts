// Spectrogram tiles: synthetic signals through the pure tile function (frequency rows, time columns, the fixed
// dB scale, reads bounded on an hour-long source), the WAV reader's positioned reads, and the contract method
// computed in a worker from a real working copy.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SpectrogramTile } from '../../src/shared/contract'
import { coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import {
  SPECTROGRAM_DB_MAX,
  SPECTROGRAM_DB_MIN,
  openWavSource,
  spectrogramTile,
  type SampleSource,
} from '../../src/main/engine/audio/spectrogram'
import { writeToneWav } from '../helpers/wav'

const SR = 16000

/** A source computed on demand, counting the samples read. */
function synthetic(seconds: number, f: (t: number) => number): SampleSource & { samplesRead: number } {
  const src = {
    sampleRate: SR,
    frames: Math.round(seconds * SR),
    samplesRead: 0,
    async read(start: number, count: number) {
      expect(start).toBeGreaterThanOrEqual(0)
      expect(start + count).toBeLessThanOrEqual(src.frames)
      src.samplesRead += count
      const out = new Float32Array(count)
      for (let i = 0; i < count; i++) out[i] = f((start + i) / SR)
      return out
    },
  }
  return src
}

const tone =
  (hz: number, amp = 0.1) =>
  (t: number) =>
    amp * Math.sin(2 * Math.PI * hz * t)
/** The row whose band [fLo, fHi) holds hz; row 0 is the top. */
const rowOfHz = (hz: number, height: number, maxHz = 8000) => height - 1 - Math.floor((hz / maxHz) * height)

function brightestRow(pixels: Uint8Array, width: number, height: number, column: number): number {
  let best = 0
  for (let r = 1; r < height; r++) if (pixels[r * width + column]! > pixels[best * width + column]!) best = r
  return best
}

describe('spectrogramTile (pure)', () => {
  it('puts a tone in the row of its frequency, in every column', async () => {
    const width = 40
    const height = 128
    const tile = await spectrogramTile(synthetic(2, tone(1000)), {
      startS: 0,
      endS: 2,
      width,
      height,
      maxHz: 8000,
    })
    expect(tile.pixels).toHaveLength(width * height)
    expect(tile).toMatchObject({ dbMin: SPECTROGRAM_DB_MIN, dbMax: SPECTROGRAM_DB_MAX, maxHz: 8000 })
    for (const c of [0, 10, 39])
      expect(
        Math.abs(brightestRow(tile.pixels, width, height, c) - rowOfHz(1000, height)),
      ).toBeLessThanOrEqual(1)
    // far from the tone the picture is dark
    expect(tile.pixels[rowOfHz(5000, height) * width + 20]!).toBeLessThan(40)
  })

  it('maps a known level onto the fixed dB scale (a sine of amplitude a reads 20·log10(a) dB)', async () => {
    const amp = 10 ** (-40 / 20) // −40 dB
    const width = 8
    const height = 256
    const tile = await spectrogramTile(synthetic(1, tone(2000, amp)), {
      startS: 0,
      endS: 1,
      width,
      height,
      maxHz: 8000,
    })
    const v = tile.pixels[rowOfHz(2000, height) * width + 4]!
    const db = SPECTROGRAM_DB_MIN + (v / 255) * (SPECTROGRAM_DB_MAX - SPECTROGRAM_DB_MIN)
    expect(db).toBeGreaterThan(-41.5)
    expect(db).toBeLessThan(-38.5)
  })

  it('lines columns up with time: a tone that starts halfway lights only the right half', async () => {
    const width = 100
    const height = 64
    const src = synthetic(4, (t) => (t >= 2 ? tone(3000)(t) : 0))
    const tile = await spectrogramTile(src, { startS: 0, endS: 4, width, height, maxHz: 8000 })
    const row = rowOfHz(3000, height)
    expect(tile.pixels[row * width + 20]!).toBe(0)
    expect(tile.pixels[row * width + 45]!).toBe(0)
    expect(tile.pixels[row * width + 55]!).toBeGreaterThan(150)
    expect(tile.pixels[row * width + 90]!).toBeGreaterThan(150)
  })

  it('zoomed out on an hour, reads a few frames per column and aims them at a short cry', async () => {
    // An hour of silence with a 0.3 s tone burst at 30 min; its loudness as the import's peaks would say.
    const burst = (t: number) => t >= 1800 && t < 1800.3
    const width = 512
    const req = { startS: 0, endS: 3700, width, height: 64, maxHz: 8000 }
    const burstColumn = Math.floor((1800 / 3700) * width)
    const row = rowOfHz(500, 64)
    const lit = (px: Uint8Array) => [-1, 0, 1].some((d) => px[row * width + burstColumn + d]! > 150)
    const values = new Uint8Array(360_000)
    for (let i = 180_000; i < 180_030; i++) values[i] = 64

    const evenly = synthetic(3600, (t) => (burst(t) ? tone(500)(t) : 0))
    const blind = await spectrogramTile(evenly, req)
    expect(evenly.samplesRead).toBeLessThan(evenly.frames * 0.05)
    expect(lit(blind.pixels)).toBe(false) // evenly spaced frames step over a 0.3 s burst…

    const aimed = synthetic(3600, (t) => (burst(t) ? tone(500)(t) : 0))
    const tile = await spectrogramTile(aimed, { ...req, loudness: { perSecond: 100, offset: 0, values } })
    expect(aimed.samplesRead).toBeLessThan(aimed.frames * 0.05)
    expect(lit(tile.pixels)).toBe(true) // …frames aimed by loudness find it
    expect(tile.pixels[row * width + width - 1]).toBe(0) // past the end: silence
  })
})

describe('WAV source and the contract method', () => {
  let dir: string
  let core: Core
  let session: string

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-spectrogram-'))
    core = new Core({ dataDir: path.join(dir, 'data'), mode: 'test', workers: 1, log: () => undefined })
    fs.mkdirSync(path.join(dir, 'data', 'audio', 'ab'), { recursive: true })
    writeToneWav(path.join(dir, 'data', 'audio', 'ab', 'tone.wav'), { seconds: 30, rate: SR, freq: 1000 })
    const now = new Date().toISOString()
    core.db.prepare("INSERT INTO infants (id, label, created_at) VALUES (1, 'A', ?)").run(now)
    core.db
      .prepare(
        `INSERT INTO recordings (id, infant_id, file_name, content_hash, format, native_sample_rate, channels,
          duration_s, recorded_at, time_source, imported_at, audio_path)
         VALUES (1, 1, 'tone.wav', 'h', 'wav', 16000, 1, 30, ?, 'user', ?, 'audio/ab/tone.wav')`,
      )
      .run(now, now)
    session = core.openSession()
    core.signInDirect(session, 'nurse')
  })

  afterAll(async () => {
    await core.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('reads samples at an offset of the working copy', async () => {
    const src = await openWavSource(path.join(dir, 'data', 'audio', 'ab', 'tone.wav'))
    try {
      expect(src).toMatchObject({ sampleRate: SR, frames: 30 * SR })
      const start = 12345
      const got = await src.read(start, 64)
      for (let i = 0; i < 64; i++)
        expect(got[i]).toBeCloseTo(0.5 * Math.sin((2 * Math.PI * 1000 * (start + i)) / SR), 3)
    } finally {
      await src.close()
    }
  })

  it('answers getSpectrogramTile with base64 bytes computed in a worker', async () => {
    const r = await coreWire(core, session).getSpectrogramTile({
      recordingId: 1,
      startS: 10,
      endS: 12,
      width: 64,
      height: 128,
    })
    expect(r.ok).toBe(true)
    const tile = (r as { result: SpectrogramTile }).result
    expect(tile).toMatchObject({ recordingId: 1, startS: 10, endS: 12, width: 64, height: 128, maxHz: 8000 })
    const px = new Uint8Array(Buffer.from(tile.pixels, 'base64'))
    expect(px).toHaveLength(64 * 128)
    expect(Math.abs(brightestRow(px, 64, 128, 32) - rowOfHz(1000, 128))).toBeLessThanOrEqual(1)

    const missing = await coreWire(core, session).getSpectrogramTile({
      recordingId: 9,
      startS: 0,
      endS: 1,
      width: 8,
      height: 8,
    })
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const backwards = await coreWire(core, session).getSpectrogramTile({
      recordingId: 1,
      startS: 5,
      endS: 4,
      width: 8,
      height: 8,
    })
    expect(backwards).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
  })
})
