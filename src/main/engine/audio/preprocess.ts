// Stage 0 preprocessing at 16 kHz: high-pass (DC and handling rumble), clipping detection, and the per-cry
// peak normalisation the method prescribes before embedding. Streaming where it runs on whole recordings.
import { PIPELINE_RATE } from './resample'

/** High-pass corner: below infant phonation (f0 ≥ ~150 Hz), above DC, rumble and most mains hum. */
export const HIGH_PASS_HZ = 100

/**
 * Second-order Butterworth high-pass (RBJ biquad, Q = 1/√2), state kept across chunks so a recording
 * filters the same in one piece or in many.
 */
export class HighPass {
  private readonly b0: number
  private readonly b1: number
  private readonly b2: number
  private readonly a1: number
  private readonly a2: number
  private x1 = 0
  private x2 = 0
  private y1 = 0
  private y2 = 0

  constructor(cornerHz = HIGH_PASS_HZ, sampleRate = PIPELINE_RATE) {
    const w = (2 * Math.PI * cornerHz) / sampleRate
    const alpha = Math.sin(w) / (2 * Math.SQRT1_2)
    const cos = Math.cos(w)
    const a0 = 1 + alpha
    this.b0 = (1 + cos) / 2 / a0
    this.b1 = -(1 + cos) / a0
    this.b2 = this.b0
    this.a1 = (-2 * cos) / a0
    this.a2 = (1 - alpha) / a0
  }

  /** Filters in place and returns the same array. */
  process(x: Float32Array): Float32Array {
    const { b0, b1, b2, a1, a2 } = this
    let { x1, x2, y1, y2 } = this
    for (let i = 0; i < x.length; i++) {
      const x0 = x[i]!
      const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
      x2 = x1
      x1 = x0
      y2 = y1
      y1 = y0
      x[i] = y0
    }
    Object.assign(this, { x1, x2, y1, y2 })
    return x
  }
}

/** A sample at or above this magnitude is at full scale. After resampling, a clipped plateau rings by
 * well under 1 %, so it stays above this level. */
export const CLIP_LEVEL = 0.99
/** Clipping is flagged per 10 ms frame, so a cry can be told whether it was clipped. */
export const CLIP_FRAME_S = 0.01
const MAX_CLIPPED_FRAMES = 1_000_000

/**
 * Counts full-scale samples on the 16 kHz signal before filtering, and remembers which 10 ms frames hold a
 * run of at least 3 of them (a single full-scale sample is a peak, a run is a flattened wave).
 */
export class ClipDetector {
  clippedSamples = 0
  samples = 0
  /** Indices of 10 ms frames with clipping (capped: a recording clipped everywhere stops adding). */
  readonly clippedFrames: number[] = []
  private run = 0
  private readonly frameLen: number

  constructor(sampleRate = PIPELINE_RATE) {
    this.frameLen = Math.round(sampleRate * CLIP_FRAME_S)
  }

  push(x: Float32Array): void {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!
      if (v >= CLIP_LEVEL || v <= -CLIP_LEVEL) {
        this.clippedSamples++
        if (++this.run === 3) this.mark(this.samples + i)
      } else this.run = 0
    }
    this.samples += x.length
  }

  private mark(sample: number): void {
    const f = Math.floor(sample / this.frameLen)
    const last = this.clippedFrames[this.clippedFrames.length - 1]
    if (last !== f && this.clippedFrames.length < MAX_CLIPPED_FRAMES) this.clippedFrames.push(f)
  }

  get fraction(): number {
    return this.samples ? this.clippedSamples / this.samples : 0
  }
}

/** True when any clipped frame (sorted indices, as ClipDetector keeps them) falls within [startS, endS). */
export function clippedWithin(clippedFrames: readonly number[], startS: number, endS: number): boolean {
  const a = Math.floor(startS / CLIP_FRAME_S)
  const b = Math.ceil(endS / CLIP_FRAME_S)
  let lo = 0
  let hi = clippedFrames.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (clippedFrames[mid]! < a) lo = mid + 1
    else hi = mid
  }
  return lo < clippedFrames.length && clippedFrames[lo]! < b
}

/** Divides by the peak magnitude so the cry spans [−1, 1]; silence stays silence. Returns a new array. */
export function peakNormalise(samples: Float32Array): Float32Array {
  let peak = 0
  for (let i = 0; i < samples.length; i++) {
    const a = Math.abs(samples[i]!)
    if (a > peak) peak = a
  }
  const out = new Float32Array(samples.length)
  if (peak === 0) return out
  const g = 1 / peak
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! * g
  return out
}

/**
 * The samples of one cry from a 16 kHz recording, peak-normalised (÷ peak) as the method prescribes before
 * embedding. Times are clamped to the recording.
 */
export function extractCry(samples16k: Float32Array, startS: number, endS: number): Float32Array {
  const a = Math.max(0, Math.min(samples16k.length, Math.round(startS * PIPELINE_RATE)))
  const b = Math.max(a, Math.min(samples16k.length, Math.round(endS * PIPELINE_RATE)))
  return peakNormalise(samples16k.subarray(a, b))
}
