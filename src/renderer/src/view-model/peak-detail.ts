// Waveform detail on demand: the page starts from a few thousand peaks for the whole recording (precomputed at
// import) and, when the reviewer zooms in, fetches the finer peaks of the range in view and writes them into
// one array wavesurfer draws. Memory stays bounded (≤ MAX_VALUES) whatever the recording's length.

/** Peaks are stored at 100 per second at import; finer detail than that does not exist. */
export const STORED_PER_SECOND = 100
const MAX_VALUES = 4_000_000

export class PeakDetail {
  /** Values per second of `values`. */
  readonly perSecond: number
  /** Absolute peak level in [0, 1] per 1/perSecond s. */
  readonly values: Float32Array
  /** Ranges [startS, endS) already filled at full detail, sorted and merged. */
  private fine: [number, number][] = []

  constructor(readonly durationS: number) {
    this.perSecond = Math.min(STORED_PER_SECOND, MAX_VALUES / Math.max(durationS, 1))
    this.values = new Float32Array(Math.max(1, Math.ceil(durationS * this.perSecond)))
  }

  /**
   * Writes peaks (interleaved min/max pairs, each spanning `secondsPerPeak`) starting at startS. Coarse peaks
   * are spread over every value they cover; several fine peaks per value keep the largest.
   */
  fill(startS: number, secondsPerPeak: number, peaks: ArrayLike<number>): void {
    const r = this.perSecond
    const n = peaks.length / 2
    const endS = Math.min(this.durationS, startS + n * secondsPerPeak)
    const a = Math.max(0, Math.floor(startS * r))
    const b = Math.min(this.values.length, Math.ceil(endS * r))
    this.values.fill(0, a, b)
    for (let i = 0; i < n; i++) {
      const v = Math.max(Math.abs(peaks[2 * i]!), Math.abs(peaks[2 * i + 1]!))
      const t0 = startS + i * secondsPerPeak
      const j0 = Math.max(a, Math.floor(t0 * r))
      const j1 = Math.min(b, Math.max(j0 + 1, Math.ceil((t0 + secondsPerPeak) * r)))
      for (let j = j0; j < j1; j++) if (v > this.values[j]!) this.values[j] = v
    }
    if (secondsPerPeak <= 1 / r + 1e-9) this.markFine(startS, endS)
  }

  /** Whether [startS, endS) is already at full detail. */
  hasDetail(startS: number, endS: number): boolean {
    const a = Math.max(0, startS)
    const b = Math.min(this.durationS, endS)
    return this.fine.some(([s, e]) => s <= a + 1e-6 && e >= b - 1e-6)
  }

  private markFine(startS: number, endS: number): void {
    const all = [...this.fine, [startS, endS] as [number, number]].sort((x, y) => x[0] - y[0])
    const merged: [number, number][] = []
    for (const [s, e] of all) {
      const last = merged[merged.length - 1]
      if (last && s <= last[1] + 1e-6) last[1] = Math.max(last[1], e)
      else merged.push([s, e])
    }
    this.fine = merged
  }
}
