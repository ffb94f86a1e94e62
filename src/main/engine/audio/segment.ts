// Cry segmentation into expirations, streaming, in bounded memory.
//
// Boundaries follow the convention cry analysis uses (Praat's silence detection): a stretch is sounding while
// its intensity is within 25 dB of the loudest voiced sound nearby, pauses under 100 ms do not end it (no
// inspiration is that short) and sounds under 100 ms are dropped. Only infant-like sound may sound: a frame
// counts when a voiced frame (clear periodicity at 150–1500 Hz over a floor-subtracted spectrum) lies within
// 50 ms of it, so ward noise, clicks and the breath between expirations stay silent. Each expiration is kept
// as a cry when enough of it is voiced, it stands clearly above the adaptive noise floor (continuous hum is
// in the floor), its pitch is above adult speaking voices, and its pitch moves as a voice does (monitor
// alarms hold a note). Every threshold is a physical or physiological quantity; see docs/architecture.md.
import { CryDetector, DETECTOR_LOOKAHEAD, DETECTOR_MIN_SNR_DB, DetectorContext } from './cry-detector'
import { CryFrameAnalyzer, FRAME_S, SPECTRAL_STEP, type CryFrame } from './cry-frames'
import { BLOCK_FRAMES, HALF_WINDOW_BLOCKS } from './noise-floor'

export interface CrySegment {
  startS: number
  endS: number
}

/** A sounding stretch and what decided it (diagnostics, evaluation). */
export interface CryCandidate extends CrySegment {
  voicedFraction: number
  medianSnrDb: number
  /** Median pitch of the voiced frames, Hz (0 when none). */
  medianF0Hz: number
  /** Interquartile range of the voiced frames' pitch, semitones: ~0 for electronic tones. */
  f0IqrSemitones: number
  /** Share of pitch steps (20 ms apart) under 0.02 semitone: a voice never holds that still for long. */
  steadyStepFraction: number
  accepted: boolean
}

export interface SegmentOptions {
  /** A frame sounds when its intensity is within this many dB of the loudest frame nearby. */
  silenceThresholdDb?: number
  /** "Nearby": ± this many seconds (longer than a Donate-a-Cry clip, shorter than a cry bout). */
  referenceWindowS?: number
  /** Pauses shorter than this stay inside an expiration. */
  minSilenceS?: number
  /** Expirations shorter than this are dropped. */
  minSoundS?: number
  /** A frame may sound only this far above the noise floor (200–4000 Hz), whatever the loudest sound nearby. */
  minFrameSnrDb?: number
  /** Periodicity at or above which a frame is voiced. */
  voicedPeriodicity?: number
  /** Periodicity at or above which a frame counts as phonated when an expiration is judged (not for its
   * boundaries; pitch statistics stay on voiced frames). Dysphonated cries (irregular, subharmonic, noisy
   * phonation) stay weakly periodic, so a lower value finds more of them, but it also lets through more adult
   * speech and room noise: at 0.35, the simulated ward's dysphonated recall rose 0.47 → 0.54 (seed 1) and
   * false detections 47 → 50, adult-speech clips with a "cry" 13.6 → 19.8 %. Default: the voicing threshold. */
  phonatedPeriodicity?: number
  /** A frame may sound when a voiced frame lies within this many seconds. */
  voicingSpreadS?: number
  /** Share of voiced frames an expiration needs to be a cry. */
  minVoicedFraction?: number
  /** Median level above the noise floor (200–4000 Hz) an expiration needs to be a cry. */
  minMedianSnrDb?: number
  /** Median pitch an expiration needs: infant cries sit above adult speaking voices. */
  minMedianF0Hz?: number
  /** Pitch spread (interquartile range, semitones) an expiration needs: voices wander, alarms hold a note. */
  minF0IqrSemitones?: number
  /** Largest share of dead-steady pitch steps an expiration may have (alarm sequences change note, then hold). */
  maxSteadyStepFraction?: number
  /** Longer sounding stretches are cut here: no expiration lasts this long. */
  maxExpirationS?: number
  /** Seed sound with the learned cry detector (cry-detector.ts) instead of periodicity alone. */
  cryDetector?: boolean
  /** P(cry) at or above which the detector calls a frame a cry. */
  detectorThreshold?: number
  /** P(cry) at or above which a frame keeps an already sounding stretch going (hysteresis, as sound event
   * detection thresholds its frame probabilities): a cry's weaker moments do not split it. */
  detectorHoldThreshold?: number
  /** The hysteresis runs backwards too: a frame before a stretch opens sounds when an unbroken run of frames
   * at or above the hold threshold leads from it to a cry frame (hysteresis thresholding as usually defined:
   * the connected run above the low threshold around a frame above the high one), so a cry's weak onset is
   * not cut off. */
  detectorHoldBackward?: boolean
  /** With the detector, voiced frames seed sound too (a stretch is still judged by the detector's frames). */
  seedVoiced?: boolean
  /** Pitch rules (low pitch, steady pitch) judge a stretch only when it has this many voiced frames. */
  minPitchFrames?: number
  /** Also report rejected stretches, with their statistics, through `candidates` (diagnostics). */
  collectCandidates?: boolean
}

export const SEGMENT_DEFAULTS: Required<SegmentOptions> = {
  silenceThresholdDb: 25,
  referenceWindowS: 5,
  minSilenceS: 0.1,
  minSoundS: 0.1,
  minFrameSnrDb: 0,
  voicedPeriodicity: 0.5,
  phonatedPeriodicity: 0.5,
  voicingSpreadS: 0.05,
  minVoicedFraction: 0.3,
  minMedianSnrDb: DETECTOR_MIN_SNR_DB,
  minMedianF0Hz: 0,
  minF0IqrSemitones: 0,
  maxSteadyStepFraction: 0.5,
  maxExpirationS: 10,
  cryDetector: true,
  detectorThreshold: 0.5,
  seedVoiced: false,
  detectorHoldThreshold: 0.1,
  detectorHoldBackward: true,
  minPitchFrames: 10,
  collectCandidates: false,
}

/**
 * Stage 0 before the learned detector: sound seeded by periodicity alone, a stretch judged by its voiced share,
 * its level (12 dB over the floor) and its pitch (above adult voices, moving as a voice does). Kept as the
 * reference `iclas eval segmentation --method rules` and `segmentation-sim --method rules` compare against.
 */
export const RULE_BASED_OPTIONS: SegmentOptions = {
  cryDetector: false,
  minMedianSnrDb: 12,
  minMedianF0Hz: 250,
  minF0IqrSemitones: 0.15,
}

/** Why sounding stretches were not kept as cries (the first test each failed), counted over a recording. */
export type RejectionReason = 'short' | 'unvoiced' | 'faint' | 'low-pitch' | 'steady-pitch'

/** What the segmenter heard in a recording, whatever it kept: the import's reason when no cry is found. */
export interface SegmentSummary {
  /** Loudest 10 ms intensity, dB re full scale (−Infinity for an empty or digitally silent recording). */
  maxIntensityDb: number
  /** Largest band level above the noise floor (200–4000 Hz) of any frame, dB. */
  maxSnrDb: number
  /** Sounding stretches considered, and those kept as cries. */
  candidates: number
  accepted: number
  rejected: Record<RejectionReason, number>
}

let detectorInstance: CryDetector | null = null
/** One detector per thread: its weights are read once. */
function sharedDetector(): CryDetector {
  return (detectorInstance ??= new CryDetector())
}

/** How far behind the input a cry's end is reported, at most (noise-floor, detector and reference look-aheads). */
export const SEGMENTER_LATENCY_S =
  (HALF_WINDOW_BLOCKS + 1) * BLOCK_FRAMES * FRAME_S +
  (DETECTOR_LOOKAHEAD + 1) * SPECTRAL_STEP * FRAME_S +
  SEGMENT_DEFAULTS.referenceWindowS +
  SEGMENT_DEFAULTS.minSilenceS

/**
 * Streaming segmenter: push 16 kHz mono chunks, collect cries from the returned arrays (they come out about
 * 8 s behind the input), call finish() at the end.
 */
export class CrySegmenter {
  private readonly o: Required<SegmentOptions>
  private readonly analyzer: CryFrameAnalyzer
  private readonly out: CrySegment[] = []
  /** Every sounding stretch considered, when collectCandidates is set. */
  readonly candidates: CryCandidate[] = []
  private readonly lookAhead: number
  private readonly spread: number
  // Frame features by t % ring length, typed (no allocation per frame).
  private readonly ringIntensity: Float64Array
  private readonly ringSnr: Float64Array
  private readonly ringF0: Float64Array
  private readonly ringVoiced: Uint8Array
  private readonly ringPhonated: Uint8Array
  /** Frames that seed sound (the detector's cries, or voiced frames without it). */
  private readonly ringSeed: Uint8Array
  /** Frames the detector calls a cry. */
  private readonly ringCry: Uint8Array
  /** Frames whose P(cry) keeps an open stretch sounding (hysteresis). */
  private readonly ringHold: Uint8Array
  private readonly detector: CryDetector | null
  private readonly context = new DetectorContext()
  private arrived = 0
  /** Frames [0, seeded) have their seed decided (the detector's verdict lags its look-ahead). */
  private seeded = 0
  private processed = 0
  /** Backward hysteresis: frames up to here lead to a cry frame through held frames (or, below, do not). */
  private leadsToSeedUntil = -1
  private leadsNowhereUntil = -1
  /** Sliding maximum of intensity over the reference window (monotonic deque of frame indices). */
  private readonly maxQueue: number[] = []
  private readonly maxValues: number[] = []
  // Current candidate: frames [start, end) sounding, stats over every frame from start to the last one seen.
  private candStart = -1
  private candEnd = -1
  private candVoiced: number[] = []
  private candSnr: number[] = []
  private candF0: number[] = []
  private readonly stats: SegmentSummary = {
    maxIntensityDb: -Infinity,
    maxSnrDb: -Infinity,
    candidates: 0,
    accepted: 0,
    rejected: { short: 0, unvoiced: 0, faint: 0, 'low-pitch': 0, 'steady-pitch': 0 },
  }

  /** `detector`: another detector than the shipped one (its cross-validation, scripts/cry-detector-cv.ts). */
  constructor(options: SegmentOptions = {}, detector?: CryDetector) {
    this.o = { ...SEGMENT_DEFAULTS, ...options }
    this.lookAhead = Math.round(this.o.referenceWindowS / FRAME_S)
    this.spread = Math.round(this.o.voicingSpreadS / FRAME_S)
    const ring = 2 * this.lookAhead + 2
    this.ringIntensity = new Float64Array(ring)
    this.ringSnr = new Float64Array(ring)
    this.ringF0 = new Float64Array(ring)
    this.ringVoiced = new Uint8Array(ring)
    this.ringPhonated = new Uint8Array(ring)
    this.ringSeed = new Uint8Array(ring)
    this.ringCry = new Uint8Array(ring)
    this.ringHold = new Uint8Array(ring)
    this.detector = this.o.cryDetector ? (detector ?? sharedDetector()) : null
    this.analyzer = new CryFrameAnalyzer((f) => this.arrive(f))
  }

  /** Feeds 16 kHz mono samples; returns the cries completed so far (each returned once). */
  push(x: Float32Array): CrySegment[] {
    this.analyzer.push(x)
    return this.drain()
  }

  finish(): CrySegment[] {
    this.analyzer.finish()
    if (this.detector) for (let k = 0; k < DETECTOR_LOOKAHEAD; k++) if (this.context.flushOne()) this.judge()
    while (this.processed < this.seeded) this.process(this.processed)
    this.closeCandidate()
    return this.drain()
  }

  /** What was heard so far (complete after finish()). */
  summary(): SegmentSummary {
    return { ...this.stats, rejected: { ...this.stats.rejected } }
  }

  private drain(): CrySegment[] {
    return this.out.splice(0)
  }

  private arrive(f: CryFrame): void {
    const voiced = f.periodicity >= this.o.voicedPeriodicity
    const i = f.t % this.ringVoiced.length
    this.ringIntensity[i] = f.intensityDb
    this.ringSnr[i] = f.snrDb
    this.ringF0[i] = f.f0
    this.ringVoiced[i] = voiced ? 1 : 0
    this.ringPhonated[i] = f.periodicity >= this.o.phonatedPeriodicity ? 1 : 0
    // Frames past the end of the audio read −150 dB: not a sound.
    if (f.intensityDb > -150) {
      if (f.intensityDb > this.stats.maxIntensityDb) this.stats.maxIntensityDb = f.intensityDb
      if (f.snrDb > this.stats.maxSnrDb) this.stats.maxSnrDb = f.snrDb
    }
    this.arrived = f.t + 1
    if (!this.detector) this.seed(f.t, voiced)
    else if (f.t % SPECTRAL_STEP === 0 && this.context.push(f.features)) this.judge()
    while (this.processed + this.lookAhead < this.seeded) this.process(this.processed)
  }

  /** The detector's verdict on the spectrum the context is centred on, for its 10 ms frames. */
  private judge(): void {
    const j = this.context.centre
    const p =
      this.context.centreSnrDb() > DETECTOR_MIN_SNR_DB ? this.detector!.probability(this.context.input) : 0
    for (let t = j * SPECTRAL_STEP; t < (j + 1) * SPECTRAL_STEP && t < this.arrived; t++) {
      const i = t % this.ringCry.length
      this.ringCry[i] = p >= this.o.detectorThreshold ? 1 : 0
      this.ringHold[i] = p >= this.o.detectorHoldThreshold ? 1 : 0
      this.seed(t, this.ringCry[i] === 1 || (this.o.seedVoiced && this.ringVoiced[i] === 1))
    }
  }

  /** Frame t is (or is not) a seed of sound: infant-like by the detector, or voiced without it. */
  private seed(t: number, isSeed: boolean): void {
    const i = t % this.ringSeed.length
    this.ringSeed[i] = isSeed ? 1 : 0
    const level = isSeed ? this.ringIntensity[i]! : -Infinity
    while (this.maxValues.length && this.maxValues[this.maxValues.length - 1]! <= level) {
      this.maxValues.pop()
      this.maxQueue.pop()
    }
    this.maxQueue.push(t)
    this.maxValues.push(level)
    this.seeded = t + 1
  }

  private process(t: number): void {
    const i = t % this.ringVoiced.length
    while (this.maxQueue[0]! < t - this.lookAhead) {
      this.maxQueue.shift()
      this.maxValues.shift()
    }
    const reference = this.maxValues[0]!
    let nearVoice = false
    for (let u = Math.max(0, t - this.spread); u <= t + this.spread && u < this.seeded; u++) {
      if (this.ringSeed[u % this.ringSeed.length]) {
        nearVoice = true
        break
      }
    }
    const held =
      this.detector !== null &&
      this.ringHold[i] === 1 &&
      (this.candStart >= 0 || (this.o.detectorHoldBackward && this.leadsToSeed(t)))
    const sounding =
      (nearVoice || held) &&
      this.ringIntensity[i]! > reference - this.o.silenceThresholdDb &&
      this.ringSnr[i]! >= this.o.minFrameSnrDb
    this.processed = t + 1
    this.step(t, sounding, i)
  }

  /** Whether an unbroken run of held frames from t (held itself) reaches a seed among the decided frames;
   * each run is scanned once. */
  private leadsToSeed(t: number): boolean {
    if (t <= this.leadsToSeedUntil) return true
    if (t <= this.leadsNowhereUntil) return false
    const ring = this.ringHold.length
    let u = t
    while (u < this.seeded && u < t + ring - 1 && this.ringHold[u % ring] === 1) {
      if (this.ringSeed[u % ring] === 1) {
        this.leadsToSeedUntil = u
        return true
      }
      u++
    }
    // A run still open at the decided edge is judged again once more of it is decided.
    if (u < this.seeded) this.leadsNowhereUntil = u
    return false
  }

  private step(t: number, sounding: boolean, i: number): void {
    const minGap = Math.round(this.o.minSilenceS / FRAME_S)
    if (this.candStart >= 0) {
      if (sounding) {
        this.candEnd = t + 1
      } else if (t - this.candEnd + 1 >= minGap) {
        this.closeCandidate()
      }
    } else if (sounding) {
      this.candStart = t
      this.candEnd = t + 1
      this.candVoiced = []
      this.candSnr = []
      this.candF0 = []
    }
    if (this.candStart >= 0) {
      // Phonated frames (weak periodicity included) say whether it is a voice; the pitch statistics are read
      // on clearly voiced frames only, where the pitch is the voice's and not a guess in noise.
      this.candVoiced.push(this.detector ? this.ringCry[i]! : this.ringPhonated[i]!)
      this.candSnr.push(this.ringSnr[i]!)
      this.candF0.push(this.ringVoiced[i]! ? this.ringF0[i]! : 0)
      if (this.candEnd - this.candStart >= Math.round(this.o.maxExpirationS / FRAME_S)) this.closeCandidate()
    }
  }

  /** Decides on the candidate: stats are over its frames [start, end). */
  private closeCandidate(): void {
    if (this.candStart < 0) return
    const n = this.candEnd - this.candStart
    const snr = this.candSnr.slice(0, n)
    // Frames after the end belong to the silence that closed it.
    let voiced = 0
    for (let i = 0; i < n; i++) voiced += this.candVoiced[i]!
    const f0s = this.candF0.slice(0, n)
    let steps = 0
    let steady = 0
    // Between consecutive spectra (SPECTRAL_STEP frames apart; the frames between share their values).
    const first = (SPECTRAL_STEP - (this.candStart % SPECTRAL_STEP)) % SPECTRAL_STEP
    for (let i = first + SPECTRAL_STEP; i < n; i += SPECTRAL_STEP) {
      const a = f0s[i - SPECTRAL_STEP]!
      const b = f0s[i]!
      if (!(a > 0 && b > 0)) continue
      steps++
      if (Math.abs(12 * Math.log2(b / a)) < 0.02) steady++
    }
    const c: CryCandidate = {
      startS: this.candStart * FRAME_S,
      endS: this.candEnd * FRAME_S,
      voicedFraction: voiced / n,
      medianSnrDb: median(snr),
      medianF0Hz: Math.max(0, median(f0s.filter((f) => f > 0))),
      f0IqrSemitones: iqrSemitones(f0s.filter((f) => f > 0)),
      steadyStepFraction: steps ? steady / steps : 0,
      accepted: false,
    }
    this.candStart = -1
    // Pitch rules need a pitch: without the detector every cry has one (it is how sound is seeded); with it,
    // an aperiodic (dysphonated) or very high (hyperphonated) cry may have too few voiced frames to judge.
    const pitched = !this.detector || f0s.filter((f) => f > 0).length >= this.o.minPitchFrames
    // The first test a stretch fails names it (the import's reason when no cry is found): a steady tone is
    // named as one even though the detector would refuse it too.
    const steadyTone =
      pitched &&
      (c.f0IqrSemitones < this.o.minF0IqrSemitones || c.steadyStepFraction > this.o.maxSteadyStepFraction)
    const rejection: RejectionReason | null =
      n * FRAME_S < this.o.minSoundS - 1e-9
        ? 'short'
        : steadyTone
          ? 'steady-pitch'
          : c.voicedFraction < this.o.minVoicedFraction
            ? 'unvoiced'
            : c.medianSnrDb < this.o.minMedianSnrDb
              ? 'faint'
              : pitched && c.medianF0Hz < this.o.minMedianF0Hz
                ? 'low-pitch'
                : null
    c.accepted = rejection === null
    this.stats.candidates++
    if (rejection) this.stats.rejected[rejection]++
    else this.stats.accepted++
    if (this.o.collectCandidates) this.candidates.push(c)
    if (c.accepted) this.out.push({ startS: c.startS, endS: c.endS })
  }
}

function iqrSemitones(f0: number[]): number {
  if (f0.length < 4) return 0
  const s = Float64Array.from(f0, (f) => 12 * Math.log2(f)).sort()
  return s[Math.floor(0.75 * (s.length - 1))]! - s[Math.floor(0.25 * (s.length - 1))]!
}

function median(v: number[]): number {
  if (!v.length) return -Infinity
  const s = Float64Array.from(v).sort()
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Segments a whole 16 kHz clip (tests, evaluation). Long recordings stream through CrySegmenter. */
export function segmentCries(
  samples16k: Float32Array,
  options: SegmentOptions = {},
  detector?: CryDetector,
): CrySegment[] {
  const seg = new CrySegmenter(options, detector)
  const out: CrySegment[] = []
  const step = 16000 * 4
  for (let o = 0; o < samples16k.length; o += step) out.push(...seg.push(samples16k.subarray(o, o + step)))
  out.push(...seg.finish())
  return out
}
