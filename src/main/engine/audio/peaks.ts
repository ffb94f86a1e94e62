// Waveform peaks for the review screen: min/max pairs at a fixed rate, computed once at import so the page
// never decodes an hour-long recording to draw it.
export const PEAKS_PER_SECOND = 100

export class PeakAccumulator {
  /** Int8 min/max pairs, grown by doubling (a 24 h recording has 17 million values: no JS number array). */
  private pairs = new Int8Array(1 << 16)
  private length = 0
  private min = Infinity
  private max = -Infinity
  private n = 0
  constructor(private readonly samplesPerPeak: number) {}

  push(chunk: Float32Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const v = chunk[i]!
      if (v < this.min) this.min = v
      if (v > this.max) this.max = v
      if (++this.n === this.samplesPerPeak) this.flush()
    }
  }

  private flush(): void {
    if (this.n === 0) return
    if (this.length + 2 > this.pairs.length) {
      const bigger = new Int8Array(this.pairs.length * 2)
      bigger.set(this.pairs)
      this.pairs = bigger
    }
    this.pairs[this.length++] = quantise(this.min)
    this.pairs[this.length++] = quantise(this.max)
    this.min = Infinity
    this.max = -Infinity
    this.n = 0
  }

  /** Int8 min/max pairs (value × 127). */
  finish(): Int8Array {
    this.flush()
    return this.pairs.slice(0, this.length)
  }
}

const quantise = (v: number) => Math.max(-127, Math.min(127, Math.round(v * 127)))

/** Reduces stored Int8 pairs to at most maxPeaks pairs over [startPair, endPair), as floats in [-1, 1]. */
export function reducePeaks(
  stored: Int8Array,
  startPair: number,
  endPair: number,
  maxPeaks: number,
): { peaks: number[]; pairsPerPeak: number } {
  const total = Math.max(0, endPair - startPair)
  const per = Math.max(1, Math.ceil(total / maxPeaks))
  const peaks: number[] = []
  for (let p = startPair; p < endPair; p += per) {
    let lo = 127
    let hi = -127
    for (let q = p; q < Math.min(endPair, p + per); q++) {
      lo = Math.min(lo, stored[2 * q]!)
      hi = Math.max(hi, stored[2 * q + 1]!)
    }
    peaks.push(lo / 127, hi / 127)
  }
  return { peaks, pairsPerPeak: per }
}
