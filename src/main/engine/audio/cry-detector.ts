// The learned frame-level cry detector of stage 0 (issue 13): per 20 ms spectrum, the level above the adaptive
// noise floor in 24 mel bands (200–4000 Hz, the band both phones of the corpus keep), the overall level above
// the floor, periodicity and log pitch; a small perceptron reads seven such frames (±60 ms) and gives
// P(infant cry). Every input is a ratio to the recording's own floor, so the recording's level does not decide.
// It is trained by training/cry_detector.py on the simulator's truth (every phonation type, ward sounds),
// ../shared's hand-marked cries and its non-cry sound, split by source recording; the weights are the JSON
// beside this file, written by that script with its cross-validated figures (models/cry-detector.card.json).
//
// Written by hand rather than run by onnxruntime-node: it runs inside the synchronous streaming segmenter on
// every sounding frame (up to 50 a second of audio), where onnxruntime's asynchronous call per block would make
// segmentation asynchronous everywhere it is used; the forward pass is two matrix-vector products, pinned to
// PyTorch's outputs by test/unit/cry-detector.test.ts. Where WebAssembly SIMD is available the products run as a
// kernel of simd/dsp.as.ts (bit-identical to `probabilityJs`, the JavaScript fallback: each output's sum keeps its
// order, two outputs per SIMD lane pair).
import { DspArena, dspAvailable, type DspExports } from './simd/dsp'
import weights from './cry-detector-weights.json'
import { BINS, STFT_SIZE } from './spectrum'

const RATE = 16000
export const DETECTOR_BANDS = 24
/** Per spectrum: the bands, the overall level above the floor, periodicity, log pitch. */
export const FEATURES_PER_FRAME = DETECTOR_BANDS + 3
/** Spectra read on each side of the one judged, every DETECTOR_STRIDE spectra: ±60 ms. (±200 ms, every other
 * spectrum, was tried: no lower cross-validated loss, and fewer hand-marked cries found.) */
export const DETECTOR_CONTEXT = 3
export const DETECTOR_STRIDE = 1
/** Spectra the detector waits for after the one it judges. */
export const DETECTOR_LOOKAHEAD = DETECTOR_CONTEXT * DETECTOR_STRIDE
export const DETECTOR_INPUTS = FEATURES_PER_FRAME * (2 * DETECTOR_CONTEXT + 1)
/** The detector is asked only about spectra this far above the floor (the segmenter and its training data). */
export const DETECTOR_MIN_SNR_DB = 3
const LO_HZ = 200
const HI_HZ = 4000
/** A band's level above its floor is clipped to this range, dB (a band below the floor says only that). */
const MIN_DB = -10
const MAX_DB = 50

const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700)
const hzOfMel = (m: number) => 700 * (10 ** (m / 2595) - 1)

interface Band {
  first: number
  w: Float64Array
}

/** Triangular mel filters over the FFT bins, each at least one bin wide. */
function melBands(): Band[] {
  const binHz = RATE / STFT_SIZE
  const edges = Array.from({ length: DETECTOR_BANDS + 2 }, (_, i) =>
    hzOfMel(mel(LO_HZ) + ((mel(HI_HZ) - mel(LO_HZ)) * i) / (DETECTOR_BANDS + 1)),
  )
  const bands: Band[] = []
  for (let b = 0; b < DETECTOR_BANDS; b++) {
    const [l, c, r] = [edges[b]!, edges[b + 1]!, edges[b + 2]!]
    const first = Math.max(1, Math.floor(l / binHz))
    const last = Math.min(BINS - 1, Math.ceil(r / binHz))
    const w = new Float64Array(last - first + 1)
    for (let k = first; k <= last; k++) {
      const f = k * binHz
      w[k - first] = Math.max(0, f <= c ? (f - l) / (c - l) : (r - f) / (r - c))
    }
    if (!w.some((x) => x > 0)) w[Math.round(c / binHz) - first] = 1
    bands.push({ first, w })
  }
  return bands
}

const BANDS = melBands()

/** Highest FFT bin the features read: the noise floor must be known up to here. */
export const DETECTOR_TOP_BIN = Math.max(...BANDS.map((b) => b.first + b.w.length - 1))

/**
 * One spectrum's features into `out` (FEATURES_PER_FRAME values): power and floor are per FFT bin.
 * Scaled to about unit range so the perceptron's inputs are comparable.
 */
export function frameFeatures(
  power: Float64Array,
  floor: Float64Array,
  snrDb: number,
  periodicity: number,
  f0: number,
  out: Float32Array,
  at = 0,
): void {
  for (let b = 0; b < DETECTOR_BANDS; b++) {
    const { first, w } = BANDS[b]!
    let p = 0
    let n = 0
    for (let i = 0; i < w.length; i++) {
      p += w[i]! * power[first + i]!
      n += w[i]! * floor[first + i]!
    }
    out[at + b] = clipDb(10 * Math.log10((p + 1e-20) / (n + 1e-20))) / 20
  }
  out[at + DETECTOR_BANDS] = clipDb(snrDb) / 20
  out[at + DETECTOR_BANDS + 1] = periodicity
  out[at + DETECTOR_BANDS + 2] = f0 > 0 ? Math.log2(f0 / 500) : 0
}

function clipDb(db: number): number {
  return Number.isFinite(db) ? Math.min(MAX_DB, Math.max(MIN_DB, db)) : MIN_DB
}

export interface DetectorWeights {
  /** Input standardisation: (x − mean) / scale, per input. */
  mean: number[]
  scale: number[]
  /** Dense layers, row-major [out][in], ReLU between them, a logistic output. */
  layers: { w: number[][]; b: number[] }[]
}

/** A multilayer perceptron over standardised inputs, returning P(cry). */
export class CryDetector {
  private readonly mean: Float64Array
  private readonly inv: Float64Array
  private readonly layers: { w: Float64Array; b: Float64Array; inputs: number }[]
  private readonly act: Float64Array[]
  /** The kernel's memory and arguments (null: no WebAssembly SIMD here). */
  private readonly simd: {
    k: DspExports
    x: Float32Array
    args: [number, number, number, number, number, number]
  } | null

  constructor(model: DetectorWeights = weights as DetectorWeights) {
    if (model.mean.length !== DETECTOR_INPUTS)
      throw new Error(`cry detector: ${model.mean.length} inputs, the features give ${DETECTOR_INPUTS}`)
    this.mean = Float64Array.from(model.mean)
    this.inv = Float64Array.from(model.scale, (s) => 1 / s)
    this.layers = model.layers.map((l) => ({
      w: Float64Array.from(l.w.flat()),
      b: Float64Array.from(l.b),
      inputs: l.w[0]!.length,
    }))
    this.act = [new Float64Array(DETECTOR_INPUTS), ...this.layers.map((l) => new Float64Array(l.b.length))]
    this.simd = dspAvailable() ? this.buildSimd() : null
  }

  /** The weights in the kernel's memory: per layer the pair-interleaved matrix, the row-major one, the bias. */
  private buildSimd(): NonNullable<CryDetector['simd']> {
    const n = DETECTOR_INPUTS
    const f64s = 3 * n + this.layers.reduce((t, l) => t + 2 * l.w.length + 2 * l.b.length + 2, 0)
    const arena = new DspArena(f64s * 8 + n * 4 + this.layers.length * 24, 8 + 4 * this.layers.length)
    const x = arena.f32(n)
    const mean = arena.f64(n)
    mean.set(this.mean)
    const inv = arena.f64(n)
    inv.set(this.inv)
    const act = arena.f64(n)
    const desc = arena.i32(6 * this.layers.length)
    this.layers.forEach((l, j) => {
      const outputs = l.b.length
      const wp = arena.f64(l.w.length)
      for (let o = 0; o + 1 < outputs; o += 2)
        for (let i = 0; i < l.inputs; i++) {
          wp[o * l.inputs + 2 * i] = l.w[o * l.inputs + i]!
          wp[o * l.inputs + 2 * i + 1] = l.w[(o + 1) * l.inputs + i]!
        }
      const w = arena.f64(l.w.length)
      w.set(l.w)
      const b = arena.f64(outputs + 1)
      b.set(l.b)
      const out = arena.f64(outputs + 1)
      desc.set([l.inputs, outputs, wp.byteOffset, w.byteOffset, b.byteOffset, out.byteOffset], 6 * j)
    })
    const args: [number, number, number, number, number, number] = [
      n,
      mean.byteOffset,
      inv.byteOffset,
      act.byteOffset,
      desc.byteOffset,
      this.layers.length,
    ]
    return { k: arena.k, x, args }
  }

  /** P(cry) of the middle spectrum of `x` (DETECTOR_INPUTS values: the frames in time order). */
  probability(x: Float32Array): number {
    const simd = this.simd
    if (!simd) return this.probabilityJs(x)
    simd.x.set(x.subarray(0, DETECTOR_INPUTS))
    const [n, mean, inv, act, desc, count] = simd.args
    return 1 / (1 + Math.exp(-simd.k.mlpF64(simd.x.byteOffset, n, mean, inv, act, desc, count)))
  }

  /** `probability` in plain JavaScript: the fallback without WebAssembly SIMD, and the kernel's reference. */
  probabilityJs(x: Float32Array): number {
    const a0 = this.act[0]!
    for (let i = 0; i < DETECTOR_INPUTS; i++) a0[i] = (x[i]! - this.mean[i]!) * this.inv[i]!
    for (let l = 0; l < this.layers.length; l++) {
      const { w, b, inputs } = this.layers[l]!
      const a = this.act[l]!
      const z = this.act[l + 1]!
      const last = l === this.layers.length - 1
      for (let o = 0; o < b.length; o++) {
        let s = b[o]!
        const row = o * inputs
        for (let i = 0; i < inputs; i++) s += w[row + i]! * a[i]!
        z[o] = last ? s : s > 0 ? s : 0
      }
    }
    return 1 / (1 + Math.exp(-this.act[this.layers.length]![0]!))
  }
}

/**
 * The detector's input window over a stream of spectra: push each spectrum's features in order; once the
 * DETECTOR_LOOKAHEAD spectra after a spectrum have arrived, `input` holds that spectrum's window (every
 * DETECTOR_STRIDE-th spectrum within ±DETECTOR_LOOKAHEAD, in time order; spectra before the start and after the
 * end read as zeros: call `flushOne` DETECTOR_LOOKAHEAD times at the end) and `centre` its index.
 */
export class DetectorContext {
  readonly input = new Float32Array(DETECTOR_INPUTS)
  private static readonly SPAN = 2 * DETECTOR_LOOKAHEAD + 1
  private readonly ring = new Float32Array(DetectorContext.SPAN * FEATURES_PER_FRAME)
  private pushed = 0
  private readonly zeros = new Float32Array(FEATURES_PER_FRAME)

  /** Index of the spectrum whose window `input` holds after the last push (negative: none yet). */
  get centre(): number {
    return this.pushed - 1 - DETECTOR_LOOKAHEAD
  }

  /** Adds the next spectrum's features; returns true when `input` now holds a window (centre ≥ 0). */
  push(features: Float32Array): boolean {
    const span = DetectorContext.SPAN
    this.ring.set(features.subarray(0, FEATURES_PER_FRAME), (this.pushed % span) * FEATURES_PER_FRAME)
    this.pushed++
    const centre = this.centre
    for (let k = 0; k < 2 * DETECTOR_CONTEXT + 1; k++) {
      const j = centre + (k - DETECTOR_CONTEXT) * DETECTOR_STRIDE
      if (j < 0) this.input.fill(0, k * FEATURES_PER_FRAME, (k + 1) * FEATURES_PER_FRAME)
      else {
        const from = (j % span) * FEATURES_PER_FRAME
        this.input.set(this.ring.subarray(from, from + FEATURES_PER_FRAME), k * FEATURES_PER_FRAME)
      }
    }
    return centre >= 0
  }

  /** Pushes the zeros after the end: each call completes the window of one more of the last spectra. */
  flushOne(): boolean {
    return this.push(this.zeros)
  }

  /** The centre spectrum's overall level above the floor, dB (clipped as the features are). */
  centreSnrDb(): number {
    return this.input[DETECTOR_CONTEXT * FEATURES_PER_FRAME + DETECTOR_BANDS]! * 20
  }
}
