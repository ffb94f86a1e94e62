// The signal kernels of src/main/engine/audio/simd against the JavaScript paths they replace, on random input.
// Tolerances: the SIMD log within 2e-16 relative of Math.log; the fbank's log-mel within 1e-6 × (1 + |value|)
// of KaldiFbank.computeJs (its own FFT and log differ from fft.js and Math.log in the last bits of a double, so
// a value may round to the neighbouring float32).
// Also checks that the committed module was built from the committed AssemblyScript source.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRng } from '../../src/main/engine/anomaly/rng'
import { DspArena } from '../../src/main/engine/audio/simd/dsp'
import { KaldiFbank, type FbankOptions } from '../../src/main/engine/embed/fbank'

const rng = createRng(7)

function worstDelta(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)))
  return worst
}

/** Noise, a chirp with harmonics, a quiet stretch and a DC offset: every band busy, some at the log floor. */
function testWave(samples: number, rate: number): Float32Array {
  const x = new Float32Array(samples)
  let ph = 0
  for (let i = 0; i < samples; i++) {
    ph += (2 * Math.PI * (300 + (400 * i) / samples)) / rate
    const quiet = i > samples / 2 && i < (5 * samples) / 8
    const v = 0.4 * Math.sin(ph) + 0.2 * Math.sin(3 * ph) + 0.05 * rng.normal() + 0.1
    x[i] = quiet ? 1e-7 * rng.normal() : v
  }
  return x
}

describe('signal SIMD kernels', () => {
  it('logF64 = Math.log over many decades', () => {
    const ar = new DspArena(2 * 1001 * 8)
    const x = ar.f64(1001)
    const out = ar.f64(1001)
    for (let i = 0; i < x.length; i++) x[i] = Math.exp(1400 * rng.next() - 700)
    x[0] = 1
    x[1] = Math.SQRT2
    x[2] = 1.1920928955078125e-7
    ar.k.logF64(x.byteOffset, x.length, out.byteOffset)
    let worst = 0
    for (let i = 0; i < x.length; i++) {
      const ref = Math.log(x[i]!)
      worst = Math.max(worst, Math.abs(out[i]! - ref) / Math.max(1, Math.abs(ref)))
    }
    expect(out[0]).toBe(0)
    expect(worst).toBeLessThan(2e-16)
  })

  const cases: [string, Partial<FbankOptions>, number][] = [
    ['the embedding fbank, one second', {}, 16000],
    ['the embedding fbank, 7 s (chunked: more frames than one pass takes)', {}, 7 * 16000 + 123],
    ['one frame exactly', {}, 400],
    ['povey window, no DC removal', { window: 'povey', removeDcOffset: false }, 5000],
    ['8 kHz, 40 bins, hanning', { sampleRate: 8000, numMelBins: 40, window: 'hanning' }, 8000],
    ['blackman, 64 bins, a high cut-off', { window: 'blackman', numMelBins: 64, highFreq: 7000 }, 9001],
  ]
  for (const [name, opts, samples] of cases) {
    it(`KaldiFbank.compute (SIMD) = computeJs: ${name}`, () => {
      const fb = new KaldiFbank(opts)
      const wave = testWave(samples, fb.options.sampleRate)
      const simd = fb.compute(wave)
      const js = fb.computeJs(wave)
      expect([simd.frames, simd.bins]).toEqual([js.frames, js.bins])
      expect(simd.frames).toBe(fb.frameCount(samples))
      expect(worstDelta(simd.data, js.data)).toBeLessThanOrEqual(1e-6)
      // A second, shorter call reuses the memory and leaves nothing behind from the first.
      const short = wave.subarray(0, 3000)
      expect(worstDelta(fb.compute(short).data, fb.computeJs(short).data)).toBeLessThanOrEqual(1e-6)
    })
  }

  it('an odd window length takes the JavaScript path', () => {
    const fb = new KaldiFbank({ sampleRate: 16040 }) // 401-sample frames
    expect(fb.windowSize % 2).toBe(1)
    const wave = testWave(4000, 16040)
    expect(Array.from(fb.compute(wave).data)).toEqual(Array.from(fb.computeJs(wave).data))
  })

  it('the committed module matches dsp.as.ts', () => {
    const script = path.resolve(__dirname, '../../src/main/engine/audio/simd/build-dsp.mjs')
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toMatch(/up to date/)
  })
})
