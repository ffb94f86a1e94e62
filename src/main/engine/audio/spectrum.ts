// Short-time spectra for segmentation: a streaming STFT (fft.js) and the periodicity of a frame computed from
// its power spectrum (Wiener–Khinchin: the autocorrelation is the transform of the power spectrum, so the
// noise floor can be subtracted before looking for a pitch period).
import FFT from 'fft.js'
import {
  DspArena,
  dspAvailable,
  fftTables,
  fftTablesDoubles,
  type DspExports,
  type FftTables,
} from './simd/dsp'

export const STFT_SIZE = 512
/** 10 ms at 16 kHz: the frame rate of segmentation, of the f0 contour and of protocol A's metrics. */
export const STFT_HOP = 160
export const BINS = STFT_SIZE / 2 + 1

export function hann(n: number): Float64Array {
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)
  return w
}

/**
 * Cuts a stream into frames of STFT_SIZE samples every STFT_HOP samples and hands each frame's power
 * spectrum to `onFrame` (a scratch array, valid during the call only). Frame t is centred on the middle of
 * the t-th 10 ms slice of the signal (samples before the start count as silence), so frame times line up
 * with 10 ms metric frames.
 */
export class StftFramer {
  /**
   * Where WebAssembly SIMD is available, the ring, window and power spectrum live in a kernel's memory and
   * stftPowerF64 (simd/dsp.as.ts) does the window, FFT and power in one call; otherwise fft.js below.
   */
  private readonly simd = stftSimd()
  private readonly fft = new FFT(STFT_SIZE)
  private readonly window = hann(STFT_SIZE)
  private readonly ring = this.simd?.ring ?? new Float32Array(STFT_SIZE)
  private readonly frame = new Float64Array(STFT_SIZE)
  private readonly spectrum: number[] = this.fft.createComplexArray() as number[]
  private readonly power = this.simd?.power ?? new Float64Array(BINS)
  /** Samples seen, counting the silence before the start that centres frame 0 on the first 10 ms slice. */
  private pos = STFT_SIZE / 2 - STFT_HOP / 2
  private nextFrameEnd = STFT_SIZE
  frames = 0

  /** `hop` may be a multiple of STFT_HOP: frame t is then centred on the middle of 10 ms slice t × hop / 160. */
  constructor(
    private readonly onFrame: (power: Float64Array, t: number) => void,
    private readonly hop = STFT_HOP,
  ) {}

  push(x: Float32Array): void {
    const ring = this.ring
    let i = 0
    while (i < x.length) {
      const take = Math.min(this.nextFrameEnd - this.pos, x.length - i)
      const at = this.pos % STFT_SIZE
      const first = Math.min(take, STFT_SIZE - at)
      ring.set(x.subarray(i, i + first), at)
      if (first < take) ring.set(x.subarray(i + first, i + take), 0)
      this.pos += take
      i += take
      if (this.pos === this.nextFrameEnd) {
        this.emit(this.pos % STFT_SIZE)
        this.nextFrameEnd += this.hop
      }
    }
  }

  /** Pads the end with silence so the last partial 10 ms slice gets its frame. */
  flush(totalSamples: number): void {
    const want = Math.ceil(totalSamples / this.hop)
    const pad = new Float32Array(this.hop)
    while (this.frames < want) this.push(pad)
  }

  private emit(oldest: number): void {
    const simd = this.simd
    if (simd) {
      const { k, fft } = simd
      k.stftPowerF64(
        simd.ring.byteOffset,
        oldest,
        simd.win,
        fft.z,
        fft.half,
        fft.rev,
        fft.twC,
        fft.twS,
        fft.twRe,
        fft.twIm,
        simd.power.byteOffset,
      )
      this.onFrame(this.power, this.frames++)
      return
    }
    const { frame, ring, window } = this
    const tail = STFT_SIZE - oldest
    for (let i = 0; i < tail; i++) frame[i] = ring[oldest + i]! * window[i]!
    for (let i = tail; i < STFT_SIZE; i++) frame[i] = ring[i - tail]! * window[i]!
    powerSpectrum(this.fft, frame, this.spectrum, this.power)
    this.onFrame(this.power, this.frames++)
  }
}

interface StftSimd {
  k: DspExports
  ring: Float32Array
  power: Float64Array
  win: number
  fft: FftTables
}

function stftSimd(): StftSimd | null {
  if (!dspAvailable()) return null
  const half = STFT_SIZE / 2
  const arena = new DspArena((STFT_SIZE + BINS + fftTablesDoubles(half)) * 8 + STFT_SIZE * 4)
  const ring = arena.f32(STFT_SIZE)
  const power = arena.f64(BINS)
  const win = arena.f64(STFT_SIZE)
  win.set(hann(STFT_SIZE))
  return { k: arena.k, ring, power, win: win.byteOffset, fft: fftTables(arena, half) }
}

export function powerSpectrum(fft: FFT, frame: Float64Array, scratch: number[], out: Float64Array): void {
  fft.realTransform(scratch, frame)
  for (let k = 0; k < out.length; k++) {
    const re = scratch[2 * k]!
    const im = scratch[2 * k + 1]!
    out[k] = re * re + im * im
  }
}

/**
 * Normalised autocorrelation of a windowed frame from its (cleaned) power spectrum, divided by the window's
 * own autocorrelation (Boersma 1993) so a periodic signal scores near 1 at its period whatever the lag.
 */
export class Periodicity {
  private readonly fft: FFT
  private readonly even: Float64Array
  private readonly out: number[]
  private readonly windowAc: Float64Array
  /** The kernel's memory (simd/dsp.as.ts autocorrelationF64), null without WebAssembly SIMD. */
  private readonly simd: {
    k: DspExports
    power: Float64Array
    ac: Float64Array
    windowAc: number
    fft: FftTables
  } | null

  constructor(private readonly n = STFT_SIZE) {
    this.fft = new FFT(n)
    this.even = new Float64Array(n)
    this.out = this.fft.createComplexArray() as number[]
    this.windowAc = new Float64Array(n / 2)
    const w = hann(n)
    let r0 = 0
    for (let i = 0; i < n; i++) r0 += w[i]! * w[i]!
    for (let lag = 0; lag < n / 2; lag++) {
      let r = 0
      for (let i = 0; i + lag < n; i++) r += w[i]! * w[i + lag]!
      this.windowAc[lag] = r / r0
    }
    this.simd = null
    if (n >= 8 && dspAvailable()) {
      const half = n / 2
      const arena = new DspArena((half + 1 + 2 * half + fftTablesDoubles(half)) * 8)
      const power = arena.f64(half + 1)
      const ac = arena.f64(half)
      const windowAc = arena.f64(half)
      windowAc.set(this.windowAc)
      this.simd = { k: arena.k, power, ac, windowAc: windowAc.byteOffset, fft: fftTables(arena, half) }
    }
  }

  /**
   * Writes r(lag)/r(0)/rw(lag) for lags 0 … n/2 − 1 into `ac` and returns it. `power` has n/2 + 1 bins.
   * The power spectrum is real and even, so one real transform of its even extension is the autocorrelation.
   */
  autocorrelation(power: Float64Array, ac: Float64Array): Float64Array {
    const simd = this.simd
    if (simd) {
      const { k, fft } = simd
      simd.power.set(power.subarray(0, fft.half + 1))
      k.autocorrelationF64(
        simd.power.byteOffset,
        simd.windowAc,
        fft.z,
        fft.half,
        fft.rev,
        fft.twC,
        fft.twS,
        fft.twRe,
        fft.twIm,
        simd.ac.byteOffset,
      )
      ac.set(simd.ac.subarray(0, Math.min(ac.length, fft.half)))
      return ac
    }
    const { n, even, out, windowAc } = this
    const half = n / 2
    for (let k = 0; k <= half; k++) even[k] = power[k]!
    for (let k = 1; k < half; k++) even[n - k] = power[k]!
    this.fft.realTransform(out, even)
    const r0 = out[0]!
    if (!(r0 > 0)) {
      ac.fill(0)
      return ac
    }
    for (let lag = 0; lag < half; lag++) ac[lag] = out[2 * lag]! / r0 / windowAc[lag]!
    return ac
  }
}

export interface PitchPick {
  /** Best normalised autocorrelation in the lag range (0 when none). */
  strength: number
  /** Its frequency in Hz (parabolic interpolation), 0 when unvoiced. */
  f0: number
}

/**
 * The pitch period in [minLag, maxLag]: the shortest lag whose peak is within `octaveTolerance` of the best
 * peak, so a strong subharmonic does not halve the pitch.
 */
export function pickPeriod(
  ac: Float64Array,
  sampleRate: number,
  minHz: number,
  maxHz: number,
  octaveTolerance = 0.9,
): PitchPick {
  const lo = Math.max(2, Math.floor(sampleRate / maxHz))
  const hi = Math.min(ac.length - 2, Math.ceil(sampleRate / minHz))
  let best = 0
  for (let l = lo; l <= hi; l++)
    if (ac[l]! > best && ac[l]! >= ac[l - 1]! && ac[l]! >= ac[l + 1]!) best = ac[l]!
  if (best <= 0) return { strength: 0, f0: 0 }
  for (let l = lo; l <= hi; l++) {
    const v = ac[l]!
    if (v >= octaveTolerance * best && v >= ac[l - 1]! && v >= ac[l + 1]!) {
      const a = ac[l - 1]!
      const c = ac[l + 1]!
      const d = a - 2 * v + c
      const shift = d < 0 ? (0.5 * (a - c)) / d : 0
      return { strength: Math.min(1, best), f0: sampleRate / (l + shift) }
    }
  }
  return { strength: 0, f0: 0 }
}
