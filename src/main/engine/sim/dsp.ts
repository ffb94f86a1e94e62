// Small filters for the synthesizer and the ward background, hand-written because they are a few lines each
// and run per sample inside the generators (a library call per sample would cost more than the filter).

/** Klatt's digital resonator: a two-pole band-pass with unity gain at 0 Hz, the building block of formant filters. */
export class Resonator {
  private a = 0
  private b = 0
  private c = 0
  private y1 = 0
  private y2 = 0

  constructor(freqHz: number, bandwidthHz: number, sampleRate: number) {
    this.set(freqHz, bandwidthHz, sampleRate)
  }

  set(freqHz: number, bandwidthHz: number, sampleRate: number): void {
    const r = Math.exp((-Math.PI * bandwidthHz) / sampleRate)
    this.c = -r * r
    this.b = 2 * r * Math.cos((2 * Math.PI * freqHz) / sampleRate)
    this.a = 1 - this.b - this.c
  }

  step(x: number): number {
    const y = this.a * x + this.b * this.y1 + this.c * this.y2
    this.y2 = this.y1
    this.y1 = y
    return y
  }

  reset(): void {
    this.y1 = 0
    this.y2 = 0
  }
}

/** RBJ band-pass biquad (0 dB peak gain), for noise bands whose level must not depend on their centre. */
export class BandPass {
  private b0: number
  private b2: number
  private a1: number
  private a2: number
  private x1 = 0
  private x2 = 0
  private y1 = 0
  private y2 = 0

  constructor(centreHz: number, q: number, sampleRate: number) {
    const w = (2 * Math.PI * Math.min(centreHz, 0.45 * sampleRate)) / sampleRate
    const alpha = Math.sin(w) / (2 * q)
    const a0 = 1 + alpha
    this.b0 = alpha / a0
    this.b2 = -alpha / a0
    this.a1 = (-2 * Math.cos(w)) / a0
    this.a2 = (1 - alpha) / a0
  }

  step(x: number): number {
    const y = this.b0 * x + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2
    this.x2 = this.x1
    this.x1 = x
    this.y2 = this.y1
    this.y1 = y
    return y
  }
}

/** One-pole low-pass (leaky integrator) with cut-off `freqHz`. */
export class OnePole {
  private k: number
  private y = 0

  constructor(freqHz: number, sampleRate: number) {
    this.k = 1 - Math.exp((-2 * Math.PI * freqHz) / sampleRate)
  }

  step(x: number): number {
    this.y += this.k * (x - this.y)
    return this.y
  }
}

export function dbToGain(db: number): number {
  return Math.pow(10, db / 20)
}

export function peakAbs(samples: Float32Array, from = 0, to = samples.length): number {
  let peak = 0
  for (let i = from; i < to; i++) {
    const a = Math.abs(samples[i]!)
    if (a > peak) peak = a
  }
  return peak
}

/** Raised-cosine fade: 0 at x ≤ 0, 1 at x ≥ 1. */
export function fade(x: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  return 0.5 - 0.5 * Math.cos(Math.PI * x)
}
