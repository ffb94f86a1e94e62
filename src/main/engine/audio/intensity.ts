// Intensity contour as Praat computes it (Sound: To Intensity, minimum pitch 100 Hz): squared samples weighted
// by a Kaiser window (β = 2π² + 0.5) 64 ms long, in dB, here sampled on the 10 ms segmentation grid.
// Praat's silence detection on this contour is how cry expirations are conventionally delimited (and how
// the reference TextGrids of protocol A were drafted), so boundaries are placed on the same contour.
// Hand-written because it is a dozen lines on a stream; no library computes it incrementally.
import { STFT_HOP } from './spectrum'

const MIN_PITCH_HZ = 100
/** Squared samples are summed in 1 ms bins, then the window is applied to bins (it is smooth at that scale). */
const BIN = 16

export class IntensityTracker {
  private readonly weights: Float64Array
  private readonly half: number
  private readonly bins: Float64Array
  private binAcc = 0
  private binFill = 0
  private binCount = 0
  private nextFrame = 0
  private readonly weightSum: number

  constructor(
    private readonly onFrame: (db: number, t: number) => void,
    sampleRate = 16000,
  ) {
    const binsPerWindow = Math.round((6.4 / MIN_PITCH_HZ) * (sampleRate / BIN))
    this.half = Math.floor(binsPerWindow / 2)
    this.weights = new Float64Array(2 * this.half + 1)
    const beta = 2 * Math.PI * Math.PI + 0.5
    let sum = 0
    for (let i = -this.half; i <= this.half; i++) {
      const x = i / (this.half + 0.5)
      const w = besselI0(beta * Math.sqrt(Math.max(0, 1 - x * x))) / besselI0(beta)
      this.weights[i + this.half] = w
      sum += w
    }
    this.weightSum = sum
    this.bins = new Float64Array(this.weights.length + 4)
  }

  push(x: Float32Array): void {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!
      this.binAcc += v * v
      if (++this.binFill === BIN) this.closeBin()
    }
  }

  /** End of input: frames up to ⌈samples / hop⌉ are emitted, the window seeing silence past the end. */
  finish(totalSamples: number): void {
    if (this.binFill) this.closeBin()
    const frames = Math.ceil(totalSamples / STFT_HOP)
    while (this.nextFrame < frames) {
      this.binAcc = 0
      this.closeBin()
    }
  }

  private closeBin(): void {
    this.bins[this.binCount % this.bins.length] = this.binAcc / BIN
    this.binCount++
    this.binAcc = 0
    this.binFill = 0
    // Frame t is centred at sample t·hop + hop/2, i.e. bin (t·hop + hop/2) / BIN.
    for (;;) {
      const centre = Math.floor((this.nextFrame * STFT_HOP + STFT_HOP / 2) / BIN)
      if (centre + this.half >= this.binCount) return
      let e = 0
      for (let j = -this.half; j <= this.half; j++) {
        const b = centre + j
        if (b < 0) continue
        e += this.weights[j + this.half]! * this.bins[b % this.bins.length]!
      }
      // dB re full-scale power (a full-scale sine is −3 dB).
      this.onFrame(10 * Math.log10(e / this.weightSum + 1e-15), this.nextFrame++)
    }
  }
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≈ 20). */
function besselI0(x: number): number {
  let sum = 1
  let term = 1
  const q = (x * x) / 4
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k)
    sum += term
    if (term < sum * 1e-16) break
  }
  return sum
}
