import { describe, expect, it } from 'vitest'
import { measureCry } from '../../src/main/engine/audio/measures'
import { trackPitch } from '../../src/main/engine/audio/pitch'
import { harmonicTone, noise } from './audio-signals'

describe('measureCry', () => {
  for (const sampleRate of [8000, 16000, 44100, 48000]) {
    for (const f0 of [160, 450, 1200]) {
      if (f0 * 3 > sampleRate / 2) continue
      it(`tracks a ${f0} Hz voice at ${sampleRate} Hz`, () => {
        const x = harmonicTone({
          sampleRate,
          durationS: 0.8,
          f0: [f0, f0, f0],
          amplitude: 0.3,
          vibrato: 0.03,
        })
        const m = measureCry(x, sampleRate)
        expect(m.durationS).toBeCloseTo(0.8, 3)
        expect(m.voicedFraction).toBeGreaterThan(0.9)
        expect(Math.abs(m.f0MeanHz! / f0 - 1)).toBeLessThan(0.01)
        // ±3 % vibrato: min and max within it, no octave errors.
        expect(m.f0MinHz!).toBeGreaterThan(f0 * 0.95)
        expect(m.f0MaxHz!).toBeLessThan(f0 * 1.05)
        expect(m.f0Contour).toHaveLength(80)
      })
    }
  }

  it('follows a melodic arc in its contour', () => {
    const x = harmonicTone({ sampleRate: 16000, durationS: 1, f0: [300, 600, 350], amplitude: 0.3 })
    const m = measureCry(x, 16000)
    const c = m.f0Contour
    expect(c[10]!).toBeGreaterThan(300)
    expect(c[10]!).toBeLessThan(380)
    expect(Math.abs(c[50]! - 600)).toBeLessThan(20)
    expect(c[90]!).toBeLessThan(420)
  })

  it('reports level, peak and centroid, and nulls for silence', () => {
    const sine = new Float32Array(16000).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16000))
    const m = measureCry(sine, 16000)
    expect(m.rmsDbfs!).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 1)
    expect(m.peak!).toBeCloseTo(0.5, 3)
    expect(Math.abs(m.spectralCentroidHz! - 1000)).toBeLessThan(30)
    const s = measureCry(new Float32Array(8000), 16000)
    expect(s).toMatchObject({
      rmsDbfs: null,
      f0MeanHz: null,
      hnrDb: null,
      spectralCentroidHz: null,
      voicedFraction: 0,
    })
    expect(measureCry(new Float32Array(0), 16000).durationS).toBe(0)
  })

  it('gives a clean voice a higher HNR than a breathy one, and noise no pitch', () => {
    const clean = harmonicTone({ sampleRate: 16000, durationS: 0.6, f0: [400, 420, 400], amplitude: 0.3 })
    const breathy = clean.map((v, i) => v + noise(clean.length, 0.15, 5)[i]!)
    const a = measureCry(clean, 16000).hnrDb!
    const b = measureCry(breathy, 16000).hnrDb
    expect(a).toBeGreaterThan(20)
    expect(b === null || b < a - 8).toBe(true)
    expect(measureCry(noise(16000, 0.3, 9), 16000).voicedFraction!).toBeLessThan(0.1)
  })

  it('keeps hyperphonation and phonation apart in one cry (no octave jumps)', () => {
    const low = harmonicTone({ sampleRate: 16000, durationS: 0.5, f0: [350, 360, 350], amplitude: 0.3 })
    const high = harmonicTone({ sampleRate: 16000, durationS: 0.5, f0: [1100, 1150, 1100], amplitude: 0.3 })
    const x = new Float32Array(low.length + high.length)
    x.set(low)
    x.set(high, low.length)
    const t = trackPitch(x, 16000)
    expect(Math.abs(t.f0[25]! - 355)).toBeLessThan(15)
    expect(Math.abs(t.f0[75]! - 1130)).toBeLessThan(40)
  })
})
