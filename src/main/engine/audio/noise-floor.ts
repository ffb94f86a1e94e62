// Per-frequency noise floor by low-percentile statistics (after Martin's minimum statistics, made robust): the
// floor of a block is the 10th percentile of the 100 ms mean power spectra within ±3 s of it, scaled by the
// estimator's bias; blocks of digital silence (muted phones, fade-ins) are left out, since no microphone is
// that quiet and a floor of zero would make everything else look loud. A centred window
// (a 3 s look-ahead) means a cry at the very start of a recording is measured against the quiet after it,
// and a window longer than any expiration means a long cry never becomes its own floor. Stationary tones
// (monitors, ventilators, music boxes) sit in the floor of their own bins and so stop counting as sound.
// Where WebAssembly SIMD is available the block means live in a ring in a kernel's memory and the percentile is
// rankedColumnsF64 (simd/dsp.as.ts), bit-identical to the JavaScript insertion below.
import { DspArena, dspAvailable, type DspExports } from './simd/dsp'
import { BINS } from './spectrum'

export const BLOCK_FRAMES = 10
export const HALF_WINDOW_BLOCKS = 30
export const FLOOR_PERCENTILE = 10
/** The floor is recomputed every this many blocks (0.5 s) and held in between: it moves on a scale of
 * seconds, and the per-bin percentile is the costliest step of segmentation. */
export const UPDATE_BLOCKS = 5
/**
 * Mean ÷ 10th percentile of 100 ms block means (5 Hann frames of 32 ms every 20 ms), for stationary noise:
 * the bias of the percentile. Measured on white noise (test/unit/audio-segment.test.ts checks it); a property
 * of the estimator, not of any recording.
 */
export const PERCENTILE_BIAS = 2.0
/** Mean sample power below −100 dBFS (under 16-bit quantisation noise) is digital silence. */
const DIGITAL_SILENCE = 1e-10
/** Parseval for a one-sided power spectrum of a 512-point Hann-windowed frame: Σ P ≈ mean power × this. */
const POWER_TO_SPECTRUM = (512 * 192) / 2

export class NoiseFloor {
  /** Block means, oldest first, at most 2K + 1 of them plus the blocks not yet released. */
  private readonly blocks: (Float64Array | null)[] = []
  private firstBlock = 0
  private acc: Float64Array = new Float64Array(BINS)
  private accFrames = 0
  private completed = 0
  private released = 0
  private current: Float64Array | null = null
  private readonly simd: {
    k: DspExports
    /** Block mean j lives in slots[j % slots.length]. */
    slots: Float64Array[]
    rows: Int32Array
    sorted: number
    out: Float64Array
  } | null

  constructor(
    private readonly onBlockFloor: (block: number, floor: Float64Array) => void,
    private readonly blockFrames = BLOCK_FRAMES,
    private readonly halfWindow = HALF_WINDOW_BLOCKS,
    /** Bins the floor is needed for (from 0): the segmenter uses only those below 4 kHz. */
    private readonly floorBins = BINS,
  ) {
    this.simd = dspAvailable() ? this.buildSimd() : null
    if (this.simd) this.acc = this.simd.slots[0]!
  }

  private buildSimd(): NonNullable<NoiseFloor['simd']> {
    // Held at once: the blocks of a window (2K + 1), the one released and the one being summed, and a spare.
    const n = 2 * this.halfWindow + 4
    const arena = new DspArena((n * BINS + 2 * n + BINS) * 8 + n * 4, n + 8)
    const slots = Array.from({ length: n }, () => arena.f64(BINS))
    const rows = arena.i32(n)
    const sorted = arena.f64(2 * n).byteOffset
    return { k: arena.k, slots, rows, sorted, out: arena.f64(BINS) }
  }

  pushFrame(power: Float64Array): void {
    const acc = this.acc
    for (let k = 0; k < BINS; k++) acc[k]! += power[k]!
    if (++this.accFrames === this.blockFrames) this.closeBlock()
  }

  /** End of input: close the partial block and release every remaining floor. */
  finish(): void {
    if (this.accFrames > 0) this.closeBlock()
    while (this.released < this.completed) this.release()
  }

  private closeBlock(): void {
    const inv = 1 / this.accFrames
    let total = 0
    for (let k = 0; k < BINS; k++) total += this.acc[k]! *= inv
    this.blocks.push(total < DIGITAL_SILENCE * POWER_TO_SPECTRUM ? null : this.acc)
    this.accFrames = 0
    this.completed++
    if (this.simd) {
      this.acc = this.simd.slots[this.completed % this.simd.slots.length]!
      this.acc.fill(0)
    } else this.acc = new Float64Array(BINS)
    while (this.completed - this.released > this.halfWindow) this.release()
  }

  private release(): void {
    const b = this.released
    if (this.current === null || b % UPDATE_BLOCKS === 0) this.current = this.compute(b)
    this.released++
    this.onBlockFloor(b, this.current)
    // Blocks older than the next block's window are no longer needed.
    while (this.firstBlock < this.released - this.halfWindow) {
      this.blocks.shift()
      this.firstBlock++
    }
  }

  private compute(b: number): Float64Array {
    const lo = Math.max(this.firstBlock, b - this.halfWindow)
    const hi = Math.min(this.completed - 1, b + this.halfWindow)
    if (this.simd) return this.computeSimd(lo, hi)
    const window: Float64Array[] = []
    for (let j = lo; j <= hi; j++) {
      const m = this.blocks[j - this.firstBlock]
      if (m) window.push(m)
    }
    const floor = new Float64Array(BINS)
    if (window.length) {
      const rank = Math.floor((FLOOR_PERCENTILE / 100) * (window.length - 1) + 0.5)
      // The rank + 1 smallest block means of every bin, kept sorted while the blocks are read in order (each
      // block's bins are contiguous): a block mean above a bin's current (rank + 1)-th smallest costs one
      // comparison, so this reads the window once instead of selecting a gathered column per bin.
      const keep = rank + 1
      const bins = this.floorBins
      const smallest = new Float64Array(bins * keep).fill(Infinity)
      for (let j = 0; j < window.length; j++) keepSmallest(window[j]!, smallest, bins, keep)
      for (let k = 0; k < bins; k++) floor[k] = smallest[k * keep + rank]! * PERCENTILE_BIAS + 1e-12
      floor.fill(1e-12, bins)
    } else floor.fill(1e-12)
    return floor
  }

  private computeSimd(lo: number, hi: number): Float64Array {
    const { k, rows, sorted, out } = this.simd!
    let count = 0
    for (let j = lo; j <= hi; j++) {
      const m = this.blocks[j - this.firstBlock]
      if (m) rows[count++] = m.byteOffset
    }
    const floor = new Float64Array(BINS)
    if (count) {
      const rank = Math.floor((FLOOR_PERCENTILE / 100) * (count - 1) + 0.5)
      const bins = this.floorBins
      k.rankedColumnsF64(
        rows.byteOffset,
        count,
        bins,
        rank + 1,
        rank,
        PERCENTILE_BIAS,
        1e-12,
        sorted,
        out.byteOffset,
      )
      floor.set(out.subarray(0, bins))
      floor.fill(1e-12, bins)
    } else floor.fill(1e-12)
    return floor
  }
}

/** Inserts each of the first `bins` values of `m` into its bin's sorted run of the `keep` smallest seen so far
 * (`smallest`, `keep` values per bin). */
function keepSmallest(m: Float64Array, smallest: Float64Array, bins: number, keep: number): void {
  const lastSlot = keep - 1
  for (let k = 0, base = 0; k < bins; k++, base += keep) {
    const v = m[k]!
    if (v >= smallest[base + lastSlot]!) continue
    let i = base + lastSlot
    while (i > base && smallest[i - 1]! > v) {
      smallest[i] = smallest[i - 1]!
      i--
    }
    smallest[i] = v
  }
}
