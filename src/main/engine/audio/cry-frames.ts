// Per-10 ms features for cry segmentation, computed on a stream: level above the adaptive noise floor in the
// 200–4000 Hz band (the band phones and recorders share), periodicity and pitch in the infant range, and
// Praat's intensity. Frames come out in order, about 3 s after their audio went in (the noise floor's
// look-ahead); memory is bounded by that delay.
import { IntensityTracker } from './intensity'
import { BLOCK_FRAMES, NoiseFloor } from './noise-floor'
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

export class CryFrameAnalyzer {
  private readonly framer: StftFramer
  private readonly floor: NoiseFloor
  private readonly intensity: IntensityTracker
  private readonly spectra: Float64Array[] = []
  private readonly intensities: number[] = []
  private spectraFirst = 0
  private intensityFirst = 0
  private readonly periodicity = new Periodicity()
  private readonly clean = new Float64Array(BINS)
  private readonly ac = new Float64Array(STFT_SIZE / 2)
  private samples = 0
  private emitted = 0

  constructor(private readonly onFrame: (f: CryFrame) => void) {
    this.floor = new NoiseFloor((b, floor) => this.releaseBlock(b, floor))
    this.framer = new StftFramer((p) => {
      this.spectra.push(p)
      this.floor.pushFrame(p)
    })
    this.intensity = new IntensityTracker((db) => this.intensities.push(db))
  }

  push(x: Float32Array): void {
    this.samples += x.length
    this.intensity.push(x)
    this.framer.push(x)
  }

  finish(): void {
    this.intensity.finish(this.samples)
    this.framer.flush(this.samples)
    this.floor.finish()
  }

  get framesOut(): number {
    return this.emitted
  }

  private releaseBlock(block: number, floor: Float64Array): void {
    const end = Math.min((block + 1) * BLOCK_FRAMES, this.spectraFirst + this.spectra.length)
    for (let t = block * BLOCK_FRAMES; t < end; t++) {
      const p = this.spectra.shift()!
      this.spectraFirst++
      // Intensity runs ahead of the spectra (no floor delay), so its frame t is always there.
      const intensityDb = this.intensities[t - this.intensityFirst] ?? -150
      this.intensities.shift()
      this.intensityFirst++
      let sp = 0
      let sn = 0
      for (let k = BAND_LO; k <= BAND_HI; k++) {
        sp += p[k]!
        sn += floor[k]!
      }
      const snrDb = 10 * Math.log10(sp / sn)
      let periodicity = 0
      let f0 = 0
      if (snrDb > PITCH_SEARCH_SNR_DB) {
        // Pitch on the spectrum with the floor subtracted: stationary tones and hiss no longer correlate.
        const c = this.clean
        for (let k = 0; k < BINS; k++) c[k] = k >= 3 && k <= BAND_HI ? Math.max(0, p[k]! - floor[k]!) : 0
        const pick = pickPeriod(this.periodicity.autocorrelation(c, this.ac), RATE, F0_MIN_HZ, F0_MAX_HZ)
        periodicity = pick.strength
        f0 = pick.f0
      }
      this.emitted++
      this.onFrame({ t, intensityDb, snrDb, periodicity, f0 })
    }
  }
}

export const FRAME_S = STFT_HOP / RATE
