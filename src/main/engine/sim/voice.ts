// An infant's voice: the stable parameter set behind all of its cries, drawn once from a seed, and the
// deviation that can shift it. Ranges follow the infant-cry literature (Golub & Corwin's phonation types,
// LaGasse et al. 2005): phonation f0 250–700 Hz with means of 350–550 Hz, hyperphonation 1000–2000 Hz,
// expirations of about 0.5–2 s; the infant vocal tract (~8 cm) puts formants near 1.1, 2.5 and 4.5 kHz
// (measured cry spectra are smoother than a tube model, so the bandwidths are wide).
// Infants must differ in every dimension an embedding can see, because personal baselines rely on it.
import { Rng } from './rng'

export type Phonation = 'phonation' | 'hyperphonation' | 'dysphonation'
export const PHONATIONS: readonly Phonation[] = ['phonation', 'hyperphonation', 'dysphonation']

/** Melody shapes of an expiration's f0 contour, most often rising–falling. */
export type MelodyShape = 'rising-falling' | 'falling' | 'rising' | 'flat'
export const MELODY_SHAPES: readonly MelodyShape[] = ['rising-falling', 'falling', 'rising', 'flat']

export interface Voice {
  seed: string
  /** Mean f0 of ordinary phonation, Hz. */
  f0MeanHz: number
  /** Expiration-to-expiration spread of the mean f0 (standard deviation, semitones). */
  f0SpreadSemitones: number
  /** Rise–fall excursion of the melody, semitones. */
  melodyDepthSemitones: number
  /** Where the melody peaks, as a fraction of the expiration. */
  melodyPeakAt: number
  /** Relative frequency of each shape in MELODY_SHAPES order. */
  melodyShapeWeights: number[]
  /** Slow f0 wander within an expiration (standard deviation, semitones). */
  wanderSemitones: number
  /** Cycle-to-cycle period perturbation (relative standard deviation). */
  jitter: number
  /** Cycle-to-cycle amplitude perturbation (relative standard deviation). */
  shimmer: number
  /** Slope of the harmonic source spectrum, dB per octave (negative). */
  tiltDbPerOctave: number
  formantsHz: number[]
  formantBandwidthsHz: number[]
  /** Aperiodic (breath) noise relative to the harmonic source, dB. */
  breathNoiseDb: number
  /** Median expiration length, s, and its log-space spread. */
  expirationMedianS: number
  expirationSigma: number
  /** Median length of the inspiratory sound between expirations, s. */
  inspirationMedianS: number
  /** Median number of expirations in one cry. */
  expirationsPerCryMedian: number
  /** Share of expirations with hyperphonation / dysphonation when the infant is well. */
  hyperphonationRate: number
  dysphonationRate: number
  /** Typical peak level of an expiration at the ward microphone, dBFS. */
  levelDb: number
}

/** How far each aspect of a cry moves at full severity (severity 1). Other infants never change. */
export interface DeviationProfile {
  /** f0 rise of phonation, semitones. */
  f0RiseSemitones: number
  /** Added share of hyperphonated expirations. */
  hyperphonationAdd: number
  /** Added share of dysphonated expirations. */
  dysphonationAdd: number
  /** More aperiodic noise in every expiration, dB. */
  noiseAddDb: number
  /** Share of the melody's excursion removed (1 = flat). */
  melodyFlattening: number
  /** Share of the expiration length removed. */
  expirationShortening: number
  /** Weaker cry, dB. */
  levelDropDb: number
}

export const DEFAULT_DEVIATION: DeviationProfile = {
  f0RiseSemitones: 4,
  hyperphonationAdd: 0.3,
  dysphonationAdd: 0.25,
  noiseAddDb: 8,
  melodyFlattening: 0.7,
  expirationShortening: 0.4,
  levelDropDb: 6,
}

/** The condition of the infant at the time of one cry. */
export interface CryState {
  /** 0 = the infant's usual cry, 1 = the full deviation. */
  severity: number
  deviation?: Partial<DeviationProfile>
  /** Output rate, Hz (default 16000). */
  sampleRate?: number
  /** Number of expirations; drawn from the voice when absent. */
  expirations?: number
}

/** A voice drawn from `seed`: the same seed gives the same infant. */
export function makeVoice(seed: number | string): Voice {
  const rng = new Rng(`voice/${seed}`)
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))
  // Vocal-tract length scales all formants together; each formant then varies a little on its own.
  const tractScale = rng.logNormal(1, 0.07)
  const formantsHz = [1150, 2500, 4500, 6500].map((f) => f * tractScale * rng.logNormal(1, 0.05))
  const shapeWeights = [rng.uniform(2, 6), rng.uniform(0.3, 2), rng.uniform(0.2, 1.2), rng.uniform(0.1, 1)]
  return {
    seed: String(seed),
    f0MeanHz: clamp(rng.gauss(410, 60), 310, 580),
    f0SpreadSemitones: rng.uniform(1, 2.2),
    melodyDepthSemitones: rng.uniform(2, 6),
    melodyPeakAt: rng.uniform(0.25, 0.6),
    melodyShapeWeights: shapeWeights,
    wanderSemitones: rng.uniform(0.2, 0.7),
    jitter: rng.uniform(0.004, 0.015),
    shimmer: rng.uniform(0.03, 0.09),
    tiltDbPerOctave: rng.uniform(-7, -1),
    formantsHz,
    formantBandwidthsHz: formantsHz.map((f) => f * rng.uniform(0.15, 0.28)),
    breathNoiseDb: rng.uniform(-26, -14),
    expirationMedianS: clamp(rng.logNormal(0.7, 0.25), 0.4, 1.4),
    expirationSigma: rng.uniform(0.6, 0.85),
    inspirationMedianS: rng.uniform(0.12, 0.25),
    expirationsPerCryMedian: rng.uniform(3, 8),
    hyperphonationRate: rng.uniform(0.02, 0.08),
    dysphonationRate: rng.uniform(0.04, 0.15),
    levelDb: rng.uniform(-14, -6),
  }
}

export function deviationAt(state: CryState): DeviationProfile {
  const s = Math.min(1, Math.max(0, state.severity))
  const p = { ...DEFAULT_DEVIATION, ...state.deviation }
  return {
    f0RiseSemitones: p.f0RiseSemitones * s,
    hyperphonationAdd: p.hyperphonationAdd * s,
    dysphonationAdd: p.dysphonationAdd * s,
    noiseAddDb: p.noiseAddDb * s,
    melodyFlattening: p.melodyFlattening * s,
    expirationShortening: p.expirationShortening * s,
    levelDropDb: p.levelDropDb * s,
  }
}
