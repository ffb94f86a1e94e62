// Per-10 ms features for cry segmentation, computed on a stream: level above the adaptive noise floor in the
// 200–4000 Hz band (the band phones and recorders share), periodicity and pitch in the infant range, and
// Praat's intensity. Frames come out in order, about 3 s after their audio went in (the noise floor's
// look-ahead); memory is bounded by that delay.
import { DETECTOR_TOP_BIN, FEATURES_PER_FRAME, frameFeatures } from './cry-detector'
import { IntensityTracker } from './intensity'
import { BLOCK_FRAMES, HALF_WINDOW_BLOCKS, NoiseFloor } from './noise-floor'
import { BINS, Periodicity, pickPeriod, STFT_HOP, STFT_SIZE, StftFramer } from './spectrum'

export interface CryFrame {
  /** Frame index: the 10 ms slice [t, t + 1) × 10 ms. */
  t: number
  /** Intensity in dB re full scale (Praat's definition). */
  intensityDb: number
  /** Band level above the noise floor, dB. */
  snrDb: number
  /** Normalised autocorrelation at the pitch period in 150–1500 Hz (0 when the frame is at the floor). */
  periodicity: number
  /** Pitch in Hz, 0 when none. */
  f0: number
  /** The cry detector's features of the frame's spectrum (cry-detector.ts), FEATURES_PER_FRAME values. */
  features: Float32Array
}

const RATE = 16000
const BIN_HZ = RATE / STFT_SIZE
export const BAND_LO_HZ = 200
export const BAND_HI_HZ = 4000
const BAND_LO = Math.ceil(BAND_LO_HZ / BIN_HZ)
const BAND_HI = Math.floor(BAND_HI_HZ / BIN_HZ)
/** Infant phonation and hyperphonation. */
export const F0_MIN_HZ = 150
export const F0_MAX_HZ = 1500
/** Frames this close to the floor are not worth a pitch search. */
const PITCH_SEARCH_SNR_DB = 3

/**
 * Spectra are taken every 20 ms and shared by the two 10 ms frames they centre on: voicing is spread over
 * ±50 ms anyway and the noise floor moves over seconds, while intensity (the boundaries) stays at 10 ms.
 * It halves the FFTs, the costliest part of segmentation.
 */
export const SPECTRAL_STEP = 2
const SPECTRA_PER_BLOCK = BLOCK_FRAMES / SPECTRAL_STEP
/** Spectra waiting for their noise floor: the floor's look-ahead plus a block, with room to spare. */
const PENDING = (HALF_WINDOW_BLOCKS + 3) * SPECTRA_PER_BLOCK
/** Intensity runs ahead of the spectra by at most the pending frames plus one piece of input. */
const PIECE = 16000
const INTENSITY_RING = PENDING * SPECTRAL_STEP + 2 * (PIECE / STFT_HOP)

export class CryFrameAnalyzer {
  private readonly framer: StftFramer
  private readonly floor: NoiseFloor
  private readonly intensity: IntensityTracker
  /** Power spectra of frames [released, framed), in a ring (no allocation per frame). */
  private readonly spectra = Array.from({ length: PENDING }, () => new Float64Array(BINS))
  private readonly intensities = new Float64Array(INTENSITY_RING)
  private framed = 0
  private released = 0
  private intensityFrames = 0
  private readonly periodicity = new Periodicity()
  private readonly clean = new Float64Array(BINS)
  private readonly ac = new Float64Array(STFT_SIZE / 2)
  private readonly frameOut: CryFrame = {
    t: 0,
    intensityDb: 0,
    snrDb: 0,
    periodicity: 0,
    f0: 0,
    features: new Float32Array(FEATURES_PER_FRAME),
  }
  private samples = 0
  private finished = false

  /** `onFrame` receives a reused object: copy what you keep. */
  constructor(private readonly onFrame: (f: CryFrame) => void) {
    this.floor = new NoiseFloor(
      (b, floor) => this.releaseBlock(b, floor),
      SPECTRA_PER_BLOCK,
      HALF_WINDOW_BLOCKS,
      Math.max(BAND_HI, DETECTOR_TOP_BIN) + 1,
    )
    this.framer = new StftFramer((p, j) => {
      if (j - this.released >= PENDING) throw new Error('segmentation buffer overrun')
      this.spectra[j % PENDING]!.set(p)
      this.framed = j + 1
      this.floor.pushFrame(p)
    }, STFT_HOP * SPECTRAL_STEP)
    this.intensity = new IntensityTracker((db, t) => {
      this.intensities[t % INTENSITY_RING] = db
      this.intensityFrames = t + 1
    })
  }

  push(x: Float32Array): void {
    // In pieces, so intensity (undelayed) never runs further ahead of the spectra than its ring holds.
    for (let o = 0; o < x.length; o += PIECE) {
      const piece = x.subarray(o, o + PIECE)
      this.samples += piece.length
      this.intensity.push(piece)
      this.framer.push(piece)
    }
  }

  finish(): void {
    this.finished = true
    this.intensity.finish(this.samples)
    this.framer.flush(this.samples)
    this.floor.finish()
  }

  private releaseBlock(block: number, floor: Float64Array): void {
    const frames = this.finished ? Math.ceil(this.samples / STFT_HOP) : this.framed * SPECTRAL_STEP
    const end = Math.min((block + 1) * BLOCK_FRAMES, frames)
    let sn = 0
    for (let k = BAND_LO; k <= BAND_HI; k++) sn += floor[k]!
    let snrDb = 0
    let periodicity = 0
    let f0 = 0
    for (let t = block * BLOCK_FRAMES; t < end; t++) {
      if (t % SPECTRAL_STEP === 0) {
        const j = t / SPECTRAL_STEP
        const p = this.spectra[j % PENDING]!
        this.released = j + 1
        let sp = 0
        for (let k = BAND_LO; k <= BAND_HI; k++) sp += p[k]!
        snrDb = 10 * Math.log10(sp / sn)
        periodicity = 0
        f0 = 0
        if (snrDb > PITCH_SEARCH_SNR_DB) {
          // Pitch on the spectrum with the floor subtracted: stationary tones and hiss no longer correlate.
          const c = this.clean
          for (let k = 3; k <= BAND_HI; k++) c[k] = Math.max(0, p[k]! - floor[k]!)
          const pick = pickPeriod(this.periodicity.autocorrelation(c, this.ac), RATE, F0_MIN_HZ, F0_MAX_HZ)
          periodicity = pick.strength
          f0 = pick.f0
        }
        frameFeatures(p, floor, snrDb, periodicity, f0, this.frameOut.features)
      }
      const f = this.frameOut
      f.t = t
      // Intensity has no floor delay, so frame t is always there (silence past the end otherwise).
      f.intensityDb = t < this.intensityFrames ? this.intensities[t % INTENSITY_RING]! : -150
      f.snrDb = snrDb
      f.periodicity = periodicity
      f.f0 = f0
      this.onFrame(f)
    }
  }
}

export const FRAME_S = STFT_HOP / RATE
