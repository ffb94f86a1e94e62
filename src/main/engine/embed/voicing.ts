// Frame-wise f0 and harmonics-to-noise ratio for the acoustic embedding: normalised autocorrelation with the
// window's own autocorrelation divided out (Boersma 1993, as Praat does), HNR = 10·log10(r / (1 − r)).
// Written here because no maintained npm package does Boersma-style periodicity with an HNR; the FFT is fft.js.
// A simple per-frame peak pick (no path tracking) is enough for statistics over a cry.
import FFT from 'fft.js'

const OCTAVE_COST = 0.01

export interface VoicingOptions {
  sampleRate: number
  frameMs: number
  hopMs: number
  /** Search range: infant cries run from ~250 Hz to hyperphonated > 1 kHz. */
  minF0: number
  maxF0: number
}

export const CRY_VOICING: Readonly<VoicingOptions> = Object.freeze({
  sampleRate: 16000,
  frameMs: 40,
  hopMs: 10,
  minF0: 150,
  maxF0: 1200,
})

export interface VoicingTrack {
  /** f0 in Hz of each frame's strongest periodicity (meaningful where `periodicity` is high). */
  f0: Float32Array
  /** Normalised autocorrelation at the f0 lag, in [0, 1). */
  periodicity: Float32Array
  /** Frame energy (sum of squares of the windowed, DC-removed frame). */
  energy: Float32Array
}

export class VoicingAnalyser {
  readonly frame: number
  readonly hop: number
  private readonly window: Float64Array
  private readonly windowAc: Float64Array
  private readonly fft: FFT
  private readonly buf: Float64Array
  private readonly spec: number[]
  private readonly ac: number[]
  private readonly minLag: number
  private readonly maxLag: number

  constructor(readonly options: VoicingOptions = CRY_VOICING) {
    const o = options
    this.frame = Math.round((o.sampleRate * o.frameMs) / 1000)
    this.hop = Math.round((o.sampleRate * o.hopMs) / 1000)
    this.window = new Float64Array(this.frame)
    for (let i = 0; i < this.frame; i++)
      this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / this.frame)
    let n = 1
    while (n < 2 * this.frame) n <<= 1
    this.fft = new FFT(n)
    this.buf = new Float64Array(n)
    this.spec = this.fft.createComplexArray() as number[]
    this.ac = this.fft.createComplexArray() as number[]
    this.minLag = Math.max(2, Math.floor(o.sampleRate / o.maxF0))
    this.maxLag = Math.min(this.frame - 2, Math.ceil(o.sampleRate / o.minF0))
    const w = this.autocorrelation(this.window)
    const w0 = w[0]!
    for (let k = 0; k < w.length; k++) w[k] = w[k]! / w0
    this.windowAc = w
  }

  analyse(x: Float32Array): VoicingTrack {
    const n = x.length < this.frame ? 0 : 1 + Math.floor((x.length - this.frame) / this.hop)
    const f0 = new Float32Array(n)
    const periodicity = new Float32Array(n)
    const energy = new Float32Array(n)
    const frame = new Float64Array(this.frame)
    for (let t = 0; t < n; t++) {
      const off = t * this.hop
      let mean = 0
      for (let i = 0; i < this.frame; i++) mean += x[off + i]!
      mean /= this.frame
      let e = 0
      for (let i = 0; i < this.frame; i++) {
        const v = (x[off + i]! - mean) * this.window[i]!
        frame[i] = v
        e += v * v
      }
      energy[t] = e
      if (e <= 0) continue
      const r = this.autocorrelation(frame)
      // Local maxima only, each with Praat's octave cost (0.01 per octave) so that the lag of one period wins
      // over its multiples, which a strictly periodic signal correlates with almost as well.
      let best = this.minLag
      let bestR = -Infinity
      let bestScore = -Infinity
      for (let k = this.minLag; k <= this.maxLag; k++) {
        const v = r[k]! / (r[0]! * this.windowAc[k]!)
        if (r[k]! < r[k - 1]! || r[k]! < r[k + 1]!) continue
        const score = v - OCTAVE_COST * Math.log2((this.options.minF0 * k) / this.options.sampleRate)
        if (score > bestScore) {
          bestScore = score
          bestR = v
          best = k
        }
      }
      if (bestScore === -Infinity) continue
      // Parabolic interpolation of the peak for a sub-sample lag.
      const y0 = r[best - 1]! / (r[0]! * this.windowAc[best - 1]!)
      const y2 = r[best + 1]! / (r[0]! * this.windowAc[best + 1]!)
      const den = y0 - 2 * bestR + y2
      const shift = den < 0 ? (0.5 * (y0 - y2)) / den : 0
      f0[t] = this.options.sampleRate / (best + Math.max(-0.5, Math.min(0.5, shift)))
      periodicity[t] = Math.max(0, Math.min(0.9999, bestR))
    }
    return { f0, periodicity, energy }
  }

  /** Autocorrelation at lags 0..frame-1 via |FFT|² (zero-padded to avoid circular wrap). */
  private autocorrelation(frame: Float64Array): Float64Array {
    this.buf.fill(0)
    this.buf.set(frame)
    this.fft.realTransform(this.spec, this.buf)
    this.fft.completeSpectrum(this.spec)
    for (let k = 0; k < this.spec.length; k += 2) {
      const re = this.spec[k]!
      const im = this.spec[k + 1]!
      this.spec[k] = re * re + im * im
      this.spec[k + 1] = 0
    }
    this.fft.inverseTransform(this.ac, this.spec)
    const out = new Float64Array(this.frame)
    for (let k = 0; k < this.frame; k++) out[k] = this.ac[2 * k]!
    return out
  }
}

/** HNR in dB from a normalised autocorrelation peak (Boersma 1993). */
export function hnrDb(periodicity: number): number {
  const r = Math.max(1e-4, Math.min(0.9999, periodicity))
  return 10 * Math.log10(r / (1 - r))
}
