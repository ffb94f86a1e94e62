// Kaldi-compatible log-mel filterbank (the input of every ECAPA backbone), matching
// torchaudio.compliance.kaldi.fbank. Written by hand because no npm package reproduces Kaldi's exact
// framing, DC removal, pre-emphasis with replicate edge, mel warping and log floor; the JavaScript path's FFT
// is fft.js.
// On the hot path: window, mel weights (by FFT bin) and scratch buffers are built once per extractor; the real FFT
// is a complex FFT of half the size, split (see `fft`). Where WebAssembly SIMD is available (every Node and
// Electron the app runs on), the whole fbank runs as one kernel of ../audio/simd/dsp.as.ts, FFT included (about
// 2.2 µs a frame, 2.2–2.5× faster than this file's JavaScript; bench embed on 2026-12-03: 76–95 % of raw
// onnxruntime against 70–78 % with ICLAS_NO_SIMD=1); `computeJs` is the JavaScript path, kept as the fallback
// and as the kernel's reference in test/unit/dsp-simd.test.ts.
import FFT from 'fft.js'
import { DspArena, dspAvailable, fftTables, fftTablesDoubles, type FftTables } from '../audio/simd/dsp'

export type FbankWindow = 'hamming' | 'hanning' | 'povey' | 'rectangular' | 'blackman'

export interface FbankOptions {
  sampleRate: number
  numMelBins: number
  frameLengthMs: number
  frameShiftMs: number
  window: FbankWindow
  preemphasis: number
  removeDcOffset: boolean
  lowFreq: number
  /** ≤ 0 means relative to Nyquist, as in Kaldi. */
  highFreq: number
  /** Samples in [-1, 1] are multiplied by this first (Kaldi works on 16-bit integer scale). */
  waveformScale: number
  blackmanCoeff: number
}

/** The embedding's feature definition (WeSpeaker / 3D-Speaker convention; see the model cards' `input`). */
export const EMBEDDING_FBANK: Readonly<FbankOptions> = Object.freeze({
  sampleRate: 16000,
  numMelBins: 80,
  frameLengthMs: 25,
  frameShiftMs: 10,
  window: 'hamming',
  preemphasis: 0.97,
  removeDcOffset: true,
  lowFreq: 20,
  highFreq: 0,
  waveformScale: 32768,
  blackmanCoeff: 0.42,
})

/** A [frames × bins] matrix, row-major. */
export interface FeatureMatrix {
  data: Float32Array
  frames: number
  bins: number
}

/** Kaldi's log floor: torch.finfo(torch.float).eps. */
const LOG_FLOOR = 1.1920928955078125e-7

/** Frames one pass of the kernels takes (5 s at the embedding's 10 ms shift); longer inputs go in chunks. */
const SIMD_CHUNK_FRAMES = 512

/** The extractor's WebAssembly memory: its constants, one chunk's samples and log-mel rows, FFT scratch. */
interface FbankSimd {
  arena: DspArena
  capFrames: number
  wave: Float32Array
  prefix: Float64Array
  out: Float32Array
  /** Pointers of the constants and the FFT's scratch and tables. */
  win: number
  fft: FftTables
  band: number
  low: number
  high: number
  energies: number
  spec: number
}

export class KaldiFbank {
  readonly options: FbankOptions
  readonly windowSize: number
  readonly windowShift: number
  readonly fftSize: number
  /** Window × waveform scale, applied in the same pass as DC removal and pre-emphasis. */
  private readonly scaledWindow: Float64Array
  /**
   * A complex FFT of half the size: the real frame, read as interleaved complex pairs, is one complex signal of
   * fftSize/2 points, whose spectrum `spectrum` is split into the real frame's below (the textbook real-FFT
   * trick; measured 1.9× faster than fft.js's realTransform at 512 points).
   */
  private readonly fft: FFT
  /** FFT input; samples past the window stay zero (the padding), so only [0, windowSize) is ever written. */
  private readonly frame: number[]
  private readonly spectrum: number[]
  /** cos and −sin of 2πk/fftSize: the twiddles of the split. */
  private readonly twiddleRe: Float64Array
  private readonly twiddleIm: Float64Array
  /** Mel energies of the frame being computed, plus one spare slot that absorbs zero weights. */
  private readonly energies: Float64Array
  /**
   * The mel matrix by FFT bin: triangles overlap only their neighbours, so bin k feeds at most two bands,
   * band[k] with weight lowWeight[k] and band[k] + 1 with highWeight[k] (a bin at an edge feeds the spare slot).
   * One pass over the bins, power computed on the fly, replaces a pass per band over a stored power spectrum.
   */
  private readonly firstBin: number
  private readonly endBin: number
  private readonly band: Int32Array
  private readonly lowWeight: Float64Array
  private readonly highWeight: Float64Array
  /** Built on first use with room for the frames asked for (null: no WebAssembly SIMD here). */
  private simd: FbankSimd | null | undefined

  constructor(options: Partial<FbankOptions> = {}) {
    const o = { ...EMBEDDING_FBANK, ...options }
    this.options = o
    // Kaldi truncates these to whole samples, then pads the window to a power of two.
    this.windowSize = Math.trunc(o.sampleRate * o.frameLengthMs * 0.001)
    this.windowShift = Math.trunc(o.sampleRate * o.frameShiftMs * 0.001)
    let n = 1
    while (n < this.windowSize) n <<= 1
    this.fftSize = n
    this.scaledWindow = makeWindow(o.window, this.windowSize, o.blackmanCoeff).map((w) => w * o.waveformScale)
    // fft.js needs at least 2 complex points; plain arrays are its fast path (typed ones measured slower).
    this.fft = new FFT(n / 2)
    this.frame = new Array<number>(n).fill(0)
    this.spectrum = this.fft.createComplexArray() as number[]
    this.twiddleRe = new Float64Array(n / 2 + 1)
    this.twiddleIm = new Float64Array(n / 2 + 1)
    for (let k = 0; k <= n / 2; k++) {
      this.twiddleRe[k] = Math.cos((2 * Math.PI * k) / n)
      this.twiddleIm[k] = -Math.sin((2 * Math.PI * k) / n)
    }
    const bins = o.numMelBins
    this.energies = new Float64Array(bins + 1)
    const bands = melBands(o, n)
    this.firstBin = bands.start[0]!
    this.endBin = bands.start[bins - 1]! + bands.weights[bins - 1]!.length
    this.band = new Int32Array(n / 2).fill(-1)
    this.lowWeight = new Float64Array(n / 2)
    this.highWeight = new Float64Array(n / 2)
    bands.weights.forEach((w, b) =>
      w.forEach((weight, j) => {
        const k = bands.start[b]! + j
        if (this.band[k] === -1) {
          this.band[k] = b
          this.lowWeight[k] = weight
        } else if (this.band[k] === b - 1) this.highWeight[k] = weight
        else throw new Error(`mel band ${b} overlaps more than its neighbour at FFT bin ${k}`)
      }),
    )
    // A bin no band uses, or only the last one (its high neighbour is the spare slot), stays harmless.
    for (let k = 0; k < n / 2; k++) if (this.band[k] === -1) this.band[k] = bins
  }

  /** Frames Kaldi produces for `samples` samples with snip_edges (0 when shorter than one window). */
  frameCount(samples: number): number {
    return samples < this.windowSize ? 0 : 1 + Math.floor((samples - this.windowSize) / this.windowShift)
  }

  /** Log-mel energies of a waveform in [-1, 1], before any mean subtraction. */
  compute(wave: Float32Array, out?: Float32Array): FeatureMatrix {
    const frames = this.frameCount(wave.length)
    const simd = frames > 0 ? this.simdFor(frames) : null
    if (!simd) return this.computeJs(wave, out)
    const bins = this.options.numMelBins
    const data = out && out.length >= frames * bins ? out : new Float32Array(frames * bins)
    const { windowSize: W, windowShift: shift, fftSize } = this
    const { preemphasis, removeDcOffset } = this.options
    for (let t0 = 0; t0 < frames; t0 += simd.capFrames) {
      const n = Math.min(simd.capFrames, frames - t0)
      const start = t0 * shift
      simd.wave.set(wave.subarray(start, start + (n - 1) * shift + W))
      simd.arena.k.fbankF64(
        simd.wave.byteOffset,
        n,
        shift,
        W,
        preemphasis,
        removeDcOffset ? 1 : 0,
        simd.win,
        simd.prefix.byteOffset,
        simd.fft.z,
        fftSize / 2,
        simd.fft.rev,
        simd.fft.twC,
        simd.fft.twS,
        simd.fft.twRe,
        simd.fft.twIm,
        this.firstBin,
        this.endBin,
        simd.band,
        simd.low,
        simd.high,
        simd.energies,
        simd.spec,
        bins,
        LOG_FLOOR,
        simd.out.byteOffset,
      )
      data.set(simd.out.subarray(0, n * bins), t0 * bins)
    }
    return { data: out ? data.subarray(0, frames * bins) : data, frames, bins }
  }

  /** The WebAssembly state with room for min(frames, SIMD_CHUNK_FRAMES) frames, or null without SIMD. */
  private simdFor(frames: number): FbankSimd | null {
    const want = Math.min(frames, SIMD_CHUNK_FRAMES)
    if (this.simd === null || (this.simd && this.simd.capFrames >= want)) return this.simd
    // The kernel takes the frame as complex pairs of a radix-2 FFT: an even window of at least 4 samples.
    if (this.windowSize % 2 || this.fftSize < 8 || !dspAvailable()) return (this.simd = null)
    // Room for a few seconds at once, so cries of every usual length share one memory.
    const cap = Math.min(SIMD_CHUNK_FRAMES, Math.max(want, 2 * (this.simd?.capFrames ?? 0), 320))
    const { fftSize: n, windowSize: W, windowShift: shift } = this
    const bins = this.options.numMelBins
    const half = n / 2
    const samples = (cap - 1) * shift + W
    const f64s = samples + 1 + W + fftTablesDoubles(half) + 3 * half + bins + 1
    const arena = new DspArena(f64s * 8 + (samples + cap * bins + half) * 4)
    const wave32 = arena.f32(samples)
    const prefix = arena.f64(samples + 1)
    const out32 = arena.f32(cap * bins)
    const win = arena.f64(W)
    win.set(this.scaledWindow)
    const fft = fftTables(arena, half)
    const band = arena.i32(half)
    band.set(this.band)
    const low = arena.f64(half)
    low.set(this.lowWeight)
    const high = arena.f64(half)
    high.set(this.highWeight)
    const energies = arena.f64(bins + 1)
    const spec = arena.f64(half)
    return (this.simd = {
      arena,
      capFrames: cap,
      wave: wave32,
      prefix,
      out: out32,
      win: win.byteOffset,
      fft,
      band: band.byteOffset,
      low: low.byteOffset,
      high: high.byteOffset,
      energies: energies.byteOffset,
      spec: spec.byteOffset,
    })
  }

  /** `compute` in plain JavaScript: the fallback without WebAssembly SIMD, and the kernels' reference. */
  computeJs(wave: Float32Array, out?: Float32Array): FeatureMatrix {
    const { numMelBins: bins, preemphasis: pre, removeDcOffset } = this.options
    const frames = this.frameCount(wave.length)
    const data = out && out.length >= frames * bins ? out : new Float32Array(frames * bins)
    const {
      frame,
      scaledWindow: win,
      windowSize: W,
      spectrum,
      energies,
      firstBin,
      endBin,
      band,
      lowWeight,
      highWeight,
    } = this
    const shift = this.windowShift
    const fft = this.fft
    const half = this.fftSize / 2
    const { twiddleRe, twiddleIm } = this
    // Frames overlap 2.5×: one prefix sum gives every frame's DC offset without re-adding its samples.
    const prefix = removeDcOffset ? prefixSums(wave, (frames - 1) * shift + W) : null
    for (let t = 0; t < frames; t++) {
      const off = t * shift
      const mean = prefix ? (prefix[off + W]! - prefix[off]!) / W : 0
      // DC removal, pre-emphasis (the first sample's predecessor is itself: torch's replicate padding),
      // window and scale in one pass.
      let prev = wave[off]! - mean
      frame[0] = (prev - pre * prev) * win[0]!
      for (let i = 1; i < W; i++) {
        const cur = wave[off + i]! - mean
        frame[i] = (cur - pre * prev) * win[i]!
        prev = cur
      }
      fft.transform(spectrum, frame)
      // Z = FFT of z[n] = x[2n] + i·x[2n+1]; X[k] = E[k] + W^k·O[k] with E[k] = (Z[k] + conj Z[M−k]) / 2 and
      // O[k] = (Z[k] − conj Z[M−k]) / 2i, M = fftSize/2, W = exp(−2πi / fftSize).
      energies.fill(0)
      for (let k = firstBin; k < endBin; k++) {
        const m = k === 0 ? 0 : half - k
        const a = spectrum[2 * k]!
        const b = spectrum[2 * k + 1]!
        const c = spectrum[2 * m]!
        const d = spectrum[2 * m + 1]!
        const er = 0.5 * (a + c)
        const ei = 0.5 * (b - d)
        const or = 0.5 * (b + d)
        const oi = 0.5 * (c - a)
        const wr = twiddleRe[k]!
        const wi = twiddleIm[k]!
        const re = er + wr * or - wi * oi
        const im = ei + wr * oi + wi * or
        const p = re * re + im * im
        const j = band[k]!
        energies[j] += lowWeight[k]! * p
        energies[j + 1] += highWeight[k]! * p
      }
      const row = t * bins
      for (let b = 0; b < bins; b++) {
        const e = energies[b]!
        data[row + b] = Math.log(e > LOG_FLOOR ? e : LOG_FLOOR)
      }
    }
    return { data: out ? data.subarray(0, frames * bins) : data, frames, bins }
  }
}

function prefixSums(x: Float32Array, n: number): Float64Array {
  const p = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) p[i + 1] = p[i]! + x[i]!
  return p
}

/** Per-utterance mean subtraction over time, in place (the models' input normalisation). */
export function subtractMean(m: FeatureMatrix): FeatureMatrix {
  const { data, frames, bins } = m
  if (frames === 0) return m
  const mean = new Float64Array(bins)
  for (let t = 0; t < frames; t++) {
    const row = t * bins
    for (let b = 0; b < bins; b++) mean[b] += data[row + b]!
  }
  for (let b = 0; b < bins; b++) mean[b] /= frames
  for (let t = 0; t < frames; t++) {
    const row = t * bins
    for (let b = 0; b < bins; b++) data[row + b] = data[row + b]! - mean[b]!
  }
  return m
}

function makeWindow(kind: FbankWindow, n: number, blackmanCoeff: number): Float64Array {
  const w = new Float64Array(n)
  const a = (2 * Math.PI) / (n - 1) // symmetric windows (torch periodic=False), as Kaldi
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'hamming':
        w[i] = 0.54 - 0.46 * Math.cos(a * i)
        break
      case 'hanning':
        w[i] = 0.5 - 0.5 * Math.cos(a * i)
        break
      case 'povey':
        w[i] = Math.pow(0.5 - 0.5 * Math.cos(a * i), 0.85)
        break
      case 'rectangular':
        w[i] = 1
        break
      case 'blackman':
        w[i] = blackmanCoeff - 0.5 * Math.cos(a * i) + (0.5 - blackmanCoeff) * Math.cos(2 * a * i)
        break
    }
  }
  return w
}

const mel = (hz: number) => 1127 * Math.log(1 + hz / 700)

/** Kaldi's triangular mel filters (no VTLN), kept as one dense run of nonzero weights per band. */
function melBands(o: FbankOptions, fftSize: number): { start: Int32Array; weights: Float64Array[] } {
  const nyquist = 0.5 * o.sampleRate
  const high = o.highFreq <= 0 ? o.highFreq + nyquist : o.highFreq
  if (o.lowFreq < 0 || o.lowFreq >= nyquist || high <= 0 || high > nyquist || high <= o.lowFreq)
    throw new RangeError(`bad mel range: low ${o.lowFreq} Hz, high ${high} Hz at ${o.sampleRate} Hz`)
  const binWidth = o.sampleRate / fftSize
  const melLow = mel(o.lowFreq)
  const delta = (mel(high) - melLow) / (o.numMelBins + 1)
  const start = new Int32Array(o.numMelBins)
  const weights: Float64Array[] = []
  for (let b = 0; b < o.numMelBins; b++) {
    const left = melLow + b * delta
    const center = left + delta
    const right = center + delta
    const row: number[] = []
    let first = -1
    // Kaldi's matrix has fftSize/2 columns: the Nyquist bin never contributes.
    for (let k = 0; k < fftSize / 2; k++) {
      const m = mel(binWidth * k)
      const w = Math.max(0, Math.min((m - left) / (center - left), (right - m) / (right - center)))
      if (w <= 0) continue
      if (first < 0) first = k
      row[k - first] = w // a triangle's support is contiguous
    }
    start[b] = Math.max(0, first)
    weights.push(Float64Array.from(row))
  }
  return { start, weights }
}
