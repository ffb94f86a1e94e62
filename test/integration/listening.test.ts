// The listening tools through Core.dispatch on a real store and working copy (a 420 Hz tone): the selection
// readout's f0 and intensity, and the spectrogram's settings (window, dynamic range, top frequency up to the
// original recording's Nyquist).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SelectionMeasures, SpectrogramTile } from '../../src/shared/contract'
import { unwrap } from '../../src/shared/rpc'
import { seededCore, type Seeded } from '../helpers/seeded-core'

let s: Seeded
let recordingId: number
beforeAll(async () => {
  s = await seededCore('listening')
  recordingId = (s.core.db.prepare('SELECT id FROM recordings').get() as { id: number }).id
})
afterAll(async () => s?.close())

const rows = (t: SpectrogramTile) => {
  const px = Buffer.from(t.pixels, 'base64')
  return Array.from({ length: t.height }, (_, r) => px[r * t.width + Math.floor(t.width / 2)]!)
}

describe('getSelectionMeasures', () => {
  it("reads a selection's f0 and intensity every 10 ms, and its measures", async () => {
    const m = unwrap(
      await s.call(s.session('nurse'), 'getSelectionMeasures', { recordingId, startS: 0.5, endS: 1.5 }),
    ) as SelectionMeasures
    expect(m.hopS).toBe(0.01)
    expect(m.durationS).toBeCloseTo(1, 6)
    expect(m.f0Hz.length).toBeGreaterThanOrEqual(98)
    expect(m.intensityDb.length).toBe(100)
    expect(m.f0MeanHz!).toBeCloseTo(420, -1)
    expect(m.voicedFraction!).toBeGreaterThan(0.9)
    // A 0.5-amplitude sine: mean power 0.125, −9 dB re full-scale power.
    expect(m.intensityDb[50]!).toBeCloseTo(-9, 0)
  })

  it('stops at the end of the recording and refuses a selection after it', async () => {
    const sid = s.session('nurse')
    const m = unwrap(
      await s.call(sid, 'getSelectionMeasures', { recordingId, startS: 2.5, endS: 4 }),
    ) as SelectionMeasures
    expect(m.endS).toBe(3)
    expect(await s.call(sid, 'getSelectionMeasures', { recordingId, startS: 3.5, endS: 4 })).toMatchObject({
      ok: false,
      error: { code: 'refused' },
    })
  })
})

describe('getSpectrogramTile settings', () => {
  const tile = async (extra: Record<string, unknown>) =>
    unwrap(
      await s.call(s.session('nurse'), 'getSpectrogramTile', {
        recordingId,
        startS: 1,
        endS: 2,
        width: 32,
        height: 200,
        ...extra,
      }),
    ) as SpectrogramTile

  it('draws up to the top frequency asked, on the dynamic range asked', async () => {
    const t = await tile({ maxHz: 2000, dynamicRangeDb: 40 })
    expect(t).toMatchObject({ maxHz: 2000, dbMax: -20, dbMin: -60 })
    // 420 Hz lies 21 % up a 0–2 kHz axis: the brightest rows (the tone is above the top level) centre there.
    const r = rows(t)
    const top = r.map((v, i) => (v === 255 ? i : -1)).filter((i) => i >= 0)
    const centre = (top[0]! + top[top.length - 1]! + 1) / 2
    expect(Math.abs((1 - centre / t.height) * 2000 - 420)).toBeLessThan(20)
    // Row 0 (2 kHz) is far from the tone: below the range's floor.
    expect(r[0]).toBe(0)
  })

  it('a longer window resolves the tone into fewer rows', async () => {
    const bright = (t: SpectrogramTile) => rows(t).filter((v) => v > 128).length
    const short = await tile({ maxHz: 2000, windowSize: 256 })
    const long = await tile({ maxHz: 2000, windowSize: 2048 })
    expect(bright(long)).toBeLessThan(bright(short))
  })

  it("stops at the original recording's Nyquist (an 8 kHz phone recording: 4 kHz)", async () => {
    s.core.db.prepare('UPDATE recordings SET native_sample_rate = 8000 WHERE id = ?').run(recordingId)
    try {
      expect((await tile({})).maxHz).toBe(4000)
      expect((await tile({ maxHz: 2000 })).maxHz).toBe(2000)
    } finally {
      s.core.db.prepare('UPDATE recordings SET native_sample_rate = 16000 WHERE id = ?').run(recordingId)
    }
    expect((await tile({})).maxHz).toBe(8000)
  })
})
