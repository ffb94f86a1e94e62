// The pitch tracker's ceiling and its octave choice (pitch.ts); its agreement with Praat on real cries is in
// audio-pitch-praat.test.ts.
import { describe, expect, it } from 'vitest'
import { crossCorrelationHarmonicity, trackPitch } from '../../src/main/engine/audio/pitch'
import { harmonicTone, noise } from './audio-signals'

/** Harmonics 1..n of `f0` with the given amplitudes, a little jitter-free vibrato. */
function partials(sampleRate: number, durationS: number, f0: number, amps: number[]): Float32Array {
  const n = Math.round(durationS * sampleRate)
  const out = new Float32Array(n)
  let phase = 0
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * f0 * (1 + 0.02 * Math.sin((2 * Math.PI * 5 * i) / sampleRate))) / sampleRate
    let v = 0
    for (let k = 0; k < amps.length; k++) v += amps[k]! * Math.sin((k + 1) * phase)
    out[i] = 0.2 * v
  }
  return out
}

describe('trackPitch', () => {
  for (const sampleRate of [8000, 16000, 44100]) {
    it(`never reports f0 above its ceiling (${sampleRate} Hz)`, () => {
      for (const maxHz of [1500, 1000, 700]) {
        for (const f0 of [0.9, 0.97, 1.0, 1.02, 1.06, 1.15].map((q) => q * maxHz)) {
          if (2 * f0 > sampleRate / 2) continue
          const x = harmonicTone({
            sampleRate,
            durationS: 0.5,
            f0: [f0, f0 * 1.03, f0],
            amplitude: 0.3,
            vibrato: 0.04,
          })
          const n = noise(x.length, 0.01, Math.round(f0))
          for (let i = 0; i < x.length; i++) x[i]! += n[i]!
          const t = trackPitch(x, sampleRate, { maxHz })
          for (const f of t.f0) expect(f).toBeLessThanOrEqual(maxHz)
        }
      }
    })
  }

  it('never reports f0 above the ceiling on noise', () => {
    const t = trackPitch(noise(16000, 0.3, 5), 16000)
    for (const f of t.f0) expect(f).toBeLessThanOrEqual(1500)
  })

  it('keeps the fundamental when a harmonic dominates (a formant on the 2nd or 4th harmonic)', () => {
    for (const [f0, amps] of [
      [205, [0.15, 1, 0.3, 0.6, 0.2, 0.1]],
      [300, [0.2, 1, 0.25, 0.1]],
      [420, [0.3, 0.4, 0.2, 1, 0.2]],
    ] as [number, number[]][]) {
      const t = trackPitch(partials(16000, 0.6, f0, amps), 16000)
      const voiced = [...t.f0].filter((f) => f > 0)
      expect(voiced.length).toBeGreaterThan(40)
      for (const f of voiced) expect(Math.abs(Math.log2(f / f0))).toBeLessThan(0.1)
    }
  })

  it('reads a cross-correlation harmonicity near 1 on a clean voice, lower in noise', () => {
    const clean = harmonicTone({ sampleRate: 16000, durationS: 0.5, f0: [400, 420, 400], amplitude: 0.3 })
    const noisy = Float32Array.from(clean)
    const n = noise(noisy.length, 0.1, 3)
    for (let i = 0; i < noisy.length; i++) noisy[i]! += n[i]!
    const mean = (x: Float32Array) => {
      const cc = crossCorrelationHarmonicity(x, 16000, trackPitch(x, 16000))
      const v = [...cc].filter((r) => r > 0)
      return v.reduce((a, b) => a + b, 0) / v.length
    }
    expect(mean(clean)).toBeGreaterThan(0.98)
    expect(mean(noisy)).toBeLessThan(mean(clean) - 0.05)
  })
})
