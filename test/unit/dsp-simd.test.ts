// The signal kernels of src/main/engine/audio/simd against the JavaScript paths they replace, on random input.
// Tolerances: the SIMD log within 2e-16 relative of Math.log; the fbank's log-mel within 1e-6 × (1 + |value|)
// of KaldiFbank.computeJs (its own FFT and log differ from fft.js and Math.log in the last bits of a double, so
// a value may round to the neighbouring float32); the STFT power spectrum within 1e-13 of the frame's largest
// bin of fft.js's (an FFT's rounding is relative to the whole frame, not to each bin), the periodicity's
// autocorrelation within 1e-12 of fft.js's; the cry detector's
// perceptron and the noise floor's percentile bit-identical to their scalar loops; the whole segmenter finds
// the same cries either way.
// Also checks that the committed module was built from the committed AssemblyScript source.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRng } from '../../src/main/engine/anomaly/rng'
import { CryDetector, DETECTOR_INPUTS, type DetectorWeights } from '../../src/main/engine/audio/cry-detector'
import FFT from 'fft.js'
import { NoiseFloor } from '../../src/main/engine/audio/noise-floor'
import { CrySegmenter } from '../../src/main/engine/audio/segment'
import { DspArena, fftTables, fftTablesDoubles, setDspDisabled } from '../../src/main/engine/audio/simd/dsp'
import {
  BINS,
  hann,
  Periodicity,
  powerSpectrum,
  STFT_SIZE,
  StftFramer,
} from '../../src/main/engine/audio/spectrum'
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

  it('stftPowerF64 = fft.js power spectrum of the windowed ring, from every kind of start', () => {
    const half = STFT_SIZE / 2
    const ar = new DspArena((STFT_SIZE + BINS + fftTablesDoubles(half)) * 8 + STFT_SIZE * 4)
    const ring = ar.f32(STFT_SIZE)
    const power = ar.f64(BINS)
    const win = ar.f64(STFT_SIZE)
    const w = hann(STFT_SIZE)
    win.set(w)
    const t = fftTables(ar, half)
    const fft = new FFT(STFT_SIZE)
    const scratch = fft.createComplexArray() as number[]
    const frame = new Float64Array(STFT_SIZE)
    const ref = new Float64Array(BINS)
    let worst = 0
    for (const [oldest, level] of [
      [0, 1],
      [1, 1],
      [160, 1e-4],
      [511, 1],
      [257, 0],
    ] as const) {
      for (let i = 0; i < STFT_SIZE; i++)
        ring[i] = level * (0.5 * Math.sin(0.07 * i * (1 + i / 900)) + 0.1 * rng.normal() + 0.2)
      ar.k.stftPowerF64(
        ring.byteOffset,
        oldest,
        win.byteOffset,
        t.z,
        half,
        t.rev,
        t.twC,
        t.twS,
        t.twRe,
        t.twIm,
        power.byteOffset,
      )
      for (let i = 0; i < STFT_SIZE; i++) frame[i] = ring[(oldest + i) % STFT_SIZE]! * w[i]!
      powerSpectrum(fft, frame, scratch, ref)
      const top = Math.max(...ref)
      for (let k = 0; k < BINS; k++) {
        const d = Math.abs(power[k]! - ref[k]!)
        expect(d).toBeLessThanOrEqual(1e-13 * top)
        if (top > 0) worst = Math.max(worst, d / top)
      }
    }
    expect(worst).toBeGreaterThan(0) // the comparison did compare
  })

  it('StftFramer gives the same frames however the stream is cut', () => {
    const x = testWave(16000, 16000)
    const run = (cuts: number[]) => {
      const out: number[][] = []
      const f = new StftFramer((p) => out.push(Array.from(p)))
      let at = 0
      for (const c of [...cuts, x.length]) {
        f.push(x.subarray(at, c))
        at = c
      }
      f.flush(x.length)
      return out
    }
    const whole = run([])
    expect(whole.length).toBe(100)
    expect(run([1, 333, 7000, 7001])).toEqual(whole)
  })

  /** Builds one object with the JavaScript paths (the kernels off), one with the kernels. */
  function both<T>(make: () => T): [T, T] {
    setDspDisabled(true)
    try {
      const js = make()
      setDspDisabled(false)
      return [js, make()]
    } finally {
      setDspDisabled(false)
    }
  }

  it('NoiseFloor (SIMD percentile) = the JavaScript insertion bit for bit, silences and short windows too', () => {
    // [frames, bins, half window in blocks]: the 10th percentile of up to 121 blocks keeps 13 values a column
    // (the kernel's memory path); of up to 61, 7 (its register path).
    for (const [frames, bins, half] of [
      [2000, BINS, 30],
      [37, 129, 30],
      [900, 130, 30],
      [3000, 131, 60],
    ] as const) {
      const floors: Float64Array[][] = [[], []]
      let made = 0
      const [a, b] = both(() => {
        const i = made++
        return new NoiseFloor((_, f) => floors[i]!.push(f.slice()), 10, half, bins)
      })
      const power = new Float64Array(BINS)
      for (let t = 0; t < frames; t++) {
        const silent = t % 400 >= 300 && t % 400 < 340 // digital silence: blocks left out
        const level = 1e-6 * (1 + 0.5 * Math.sin(t / 90))
        for (let k = 0; k < BINS; k++)
          power[k] = silent
            ? 0
            : level * (1 + (k % 7)) * rng.next() ** 2 + (k === 40 && t % 50 < 20 ? 1e-3 : 0)
        a!.pushFrame(power)
        b!.pushFrame(power)
      }
      a!.finish()
      b!.finish()
      expect(floors[0]!.length).toBe(Math.ceil(frames / 10))
      expect(floors[1]!.length).toBe(floors[0]!.length)
      floors[0]!.forEach((f, i) => expect(Array.from(floors[1]![i]!)).toEqual(Array.from(f)))
    }
  })

  it('Periodicity.autocorrelation (SIMD) = fft.js within 1e-12, and all zeros for a silent frame', () => {
    const [js, simd] = both(() => new Periodicity())
    const a = new Float64Array(STFT_SIZE / 2)
    const b = new Float64Array(STFT_SIZE / 2)
    const power = new Float64Array(BINS)
    let worst = 0
    for (let r = 0; r < 20; r++) {
      const f0bin = 5 + r
      for (let k = 0; k < BINS; k++)
        power[k] = k < 3 ? 0 : 1e-8 * rng.next() + (k % f0bin === 0 ? 1e-4 / (1 + k / 50) : 0)
      js.autocorrelation(power, a)
      simd.autocorrelation(power, b)
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
    }
    expect(worst).toBeLessThanOrEqual(1e-12)
    expect(worst).toBeGreaterThan(0)
    b.fill(7)
    simd.autocorrelation(new Float64Array(BINS), b)
    expect(Array.from(b)).toEqual(Array.from(js.autocorrelation(new Float64Array(BINS), a)))
    expect(b.every((v) => v === 0)).toBe(true)
  })

  it('CrySegmenter finds the same cries with and without the kernels', () => {
    const [js, simd] = both(() => new CrySegmenter())
    // A cry-like chirp train over noise, 20 s.
    const x = new Float32Array(20 * 16000)
    let ph = 0
    for (let i = 0; i < x.length; i++) {
      const t = i / 16000
      const on = t % 2 < 0.9
      ph += (2 * Math.PI * (420 + 120 * Math.sin((Math.PI * (t % 2)) / 0.9))) / 16000
      x[i] =
        0.002 * rng.normal() +
        (on ? 0.3 * Math.sin((Math.PI * (t % 2)) / 0.9) * (Math.sin(ph) + 0.4 * Math.sin(2 * ph)) : 0)
    }
    const run = (s: CrySegmenter) => [...s.push(x), ...s.finish()].map((c) => [c.startS, c.endS])
    const a = run(js)
    expect(a.length).toBeGreaterThan(5)
    expect(run(simd)).toEqual(a)
  })

  /** Random weights of the given layer widths after DETECTOR_INPUTS inputs. */
  function randomWeights(widths: number[]): DetectorWeights {
    let inputs = DETECTOR_INPUTS
    const layers = widths.map((outputs) => {
      const scale = 1 / Math.sqrt(inputs)
      const w = Array.from({ length: outputs }, () =>
        Array.from({ length: inputs }, () => scale * rng.normal()),
      )
      inputs = outputs
      return { w, b: Array.from({ length: outputs }, () => 0.1 * rng.normal()) }
    })
    return {
      mean: Array.from({ length: DETECTOR_INPUTS }, () => 0.2 * rng.normal()),
      scale: Array.from({ length: DETECTOR_INPUTS }, () => 0.5 + rng.next()),
      layers,
    }
  }

  const shapes: [string, DetectorWeights | undefined][] = [
    ['the shipped weights', undefined],
    ['odd widths (every tail of the kernel)', randomWeights([11, 5, 3, 1])],
    ['wide, then one layer', randomWeights([40, 1])],
  ]
  for (const [name, model] of shapes) {
    it(`CryDetector.probability (SIMD) = probabilityJs bit for bit: ${name}`, () => {
      const d = new CryDetector(model)
      let differ = 0
      for (let n = 0; n < 500; n++) {
        const x = Float32Array.from({ length: DETECTOR_INPUTS }, () => 2 * rng.next() - 0.5)
        if (n % 50 === 0) x.fill(0)
        if (d.probability(x) !== d.probabilityJs(x)) differ++
      }
      expect(differ).toBe(0)
    })
  }

  it('the committed module matches dsp.as.ts', () => {
    const script = path.resolve(__dirname, '../../src/main/engine/audio/simd/build-dsp.mjs')
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toMatch(/up to date/)
  })
})
