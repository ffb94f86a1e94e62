// Source–filter cry synthesizer. No library synthesizes infant cries, so it is written here: a harmonic
// glottal source with spectral tilt, jitter and shimmer, pitch-synchronous breath noise, subharmonics and
// chaos for dysphonation, through a cascade of formant resonators; expirations are joined by short, quiet,
// noisy inspirations. Everything is drawn from the caller's Rng, so a seed reproduces the cry exactly.
import { BandPass, Resonator, dbToGain, fade, peakAbs } from './dsp'
import type { Rng } from './rng'
import {
  MELODY_SHAPES,
  deviationAt,
  type CryState,
  type DeviationProfile,
  type MelodyShape,
  type Phonation,
  type Voice,
} from './voice'

export interface SynthesizedExpiration {
  /** Seconds from the start of `samples`. */
  startS: number
  endS: number
  phonation: Phonation
  /** Mean of the f0 contour the source followed, Hz. */
  f0MeanHz: number
}

export interface SynthesizedCry {
  samples: Float32Array
  sampleRate: number
  expirations: SynthesizedExpiration[]
  inspirations: { startS: number; endS: number }[]
  /** The phonation type covering most of the cry's expiration time. */
  phonation: Phonation
}

interface ExpirationPlan {
  durationS: number
  phonation: Phonation
  f0BaseHz: number
  shape: MelodyShape
  depthSemitones: number
  /** 1 = the voice's own melody, 0 = monotone. */
  flatness: number
  levelDb: number
  noiseDb: number
}

const TWO_PI = 2 * Math.PI
/** Harmonics stop here (or at 45 % of the rate): cry energy above it is tens of dB down. */
const MAX_HARMONIC_HZ = 9000
/** Resonators keep ringing after the source stops. */
const RING_S = 0.03
const CONTROL_STEP = 16

export function synthesizeCry(voice: Voice, state: CryState, rng: Rng): SynthesizedCry {
  const fs = state.sampleRate ?? 16000
  const dev = deviationAt(state)
  const count = Math.max(
    1,
    state.expirations ?? Math.round(rng.logNormal(voice.expirationsPerCryMedian, 0.4)),
  )
  // Expirations of one cry share part of their pitch offset: cries differ more than expirations of a cry.
  const cryOffsetSemitones = rng.gauss(0, 0.6 * voice.f0SpreadSemitones)
  const plans = Array.from({ length: count }, () => planExpiration(voice, dev, cryOffsetSemitones, rng))

  // Layout: lead, then expiration (pause, inspiration, pause, expiration)…, then the resonators' ring.
  const lead = rng.uniform(0.02, 0.1)
  const expirations: SynthesizedExpiration[] = []
  const inspirations: { startS: number; endS: number }[] = []
  let t = lead
  for (let i = 0; i < count; i++) {
    const plan = plans[i]!
    expirations.push({ startS: t, endS: t + plan.durationS, phonation: plan.phonation, f0MeanHz: 0 })
    t += plan.durationS
    if (i === count - 1) break
    // Now and then the infant pauses to catch its breath; usually the next expiration follows at once.
    t += rng.uniform(0.03, 0.12) + (rng.chance(0.12) ? rng.uniform(0.3, 1.4) : 0)
    const insp = Math.min(0.5, Math.max(0.07, rng.logNormal(voice.inspirationMedianS, 0.35)))
    inspirations.push({ startS: t, endS: t + insp })
    t += insp + rng.uniform(0.02, 0.1)
  }
  const samples = new Float32Array(Math.ceil((t + RING_S + 0.02) * fs))

  for (let i = 0; i < count; i++) {
    const e = expirations[i]!
    e.f0MeanHz = renderExpiration(samples, Math.round(e.startS * fs), plans[i]!, voice, rng, fs)
  }
  for (const [i, insp] of inspirations.entries()) {
    renderInspiration(samples, insp.startS, insp.endS, plans[i]!.levelDb - rng.uniform(14, 26), rng, fs)
  }

  const timeByType = new Map<Phonation, number>()
  for (const e of expirations)
    timeByType.set(e.phonation, (timeByType.get(e.phonation) ?? 0) + e.endS - e.startS)
  const phonation = [...timeByType.entries()].sort((a, b) => b[1] - a[1])[0]![0]
  return { samples, sampleRate: fs, expirations, inspirations, phonation }
}

function planExpiration(
  voice: Voice,
  dev: DeviationProfile,
  cryOffsetSemitones: number,
  rng: Rng,
): ExpirationPlan {
  const pHyper = Math.min(0.9, voice.hyperphonationRate + dev.hyperphonationAdd)
  const pDys = Math.min(0.9 - pHyper, voice.dysphonationRate + dev.dysphonationAdd)
  const phonation: Phonation = (['phonation', 'hyperphonation', 'dysphonation'] as const)[
    rng.weighted([1 - pHyper - pDys, pHyper, pDys])
  ]
  const median = voice.expirationMedianS * (1 - dev.expirationShortening)
  const durationS = Math.min(4, Math.max(0.08, rng.logNormal(median, voice.expirationSigma)))
  const offset = cryOffsetSemitones + rng.gauss(0, 0.8 * voice.f0SpreadSemitones)
  let f0BaseHz = voice.f0MeanHz * 2 ** ((dev.f0RiseSemitones + offset) / 12)
  const flatness = 1 - dev.melodyFlattening
  let depthSemitones = voice.melodyDepthSemitones * flatness * rng.logNormal(1, 0.3)
  if (phonation === 'hyperphonation') {
    // A register shift, not a continuation of the phonation melody: 1–2 kHz with a narrower excursion.
    f0BaseHz = rng.uniform(1050, 1750) * 2 ** (dev.f0RiseSemitones / 24)
    depthSemitones *= 0.5
  }
  return {
    durationS,
    phonation,
    f0BaseHz,
    shape: MELODY_SHAPES[rng.weighted(voice.melodyShapeWeights)]!,
    depthSemitones,
    flatness,
    levelDb: voice.levelDb + rng.gauss(0, 2) - dev.levelDropDb,
    noiseDb: voice.breathNoiseDb + rng.gauss(0, 2) + dev.noiseAddDb,
  }
}

/** Melody in semitones relative to the expiration's base f0, at fraction `x` of the expiration. */
function melody(shape: MelodyShape, x: number, depth: number, peakAt: number): number {
  switch (shape) {
    case 'rising-falling': {
      const u = x < peakAt ? (0.5 * x) / peakAt : 0.5 + (0.5 * (x - peakAt)) / (1 - peakAt)
      return depth * (Math.pow(Math.sin(Math.PI * u), 0.7) - 0.55)
    }
    case 'falling':
      return depth * (0.45 - Math.pow(x, 1.3))
    case 'rising':
      return depth * (x - 0.5) * 0.8
    case 'flat':
      return 0.15 * depth * Math.sin(Math.PI * x)
  }
}

/** Renders one expiration into `out` at `offset`; returns the mean f0 of its contour. */
function renderExpiration(
  out: Float32Array,
  offset: number,
  plan: ExpirationPlan,
  voice: Voice,
  rng: Rng,
  fs: number,
): number {
  const n = Math.round(plan.durationS * fs)
  const total = Math.min(n + Math.round(RING_S * fs), out.length - offset)
  const buf = new Float32Array(total)
  const dys = plan.phonation === 'dysphonation'

  // f0 contour: melody + slow wander (three slow sinusoids) + an onset glide from below.
  // A flattened melody is monotone throughout: the deviation damps the wander and the glide as well.
  const wander = [0, 1, 2].map(() => ({
    hz: rng.uniform(0.7, 4.5),
    phase: rng.uniform(0, TWO_PI),
    amp: (plan.flatness * voice.wanderSemitones * rng.uniform(0.6, 1.4)) / Math.sqrt(1.5),
  }))
  const peakAt = Math.min(0.8, Math.max(0.15, voice.melodyPeakAt + rng.gauss(0, 0.08)))
  const glideS = rng.uniform(0.02, 0.06)
  // The contour is smooth: computed every CONTROL_STEP samples (1 ms at 16 kHz) and interpolated.
  const f0Control = new Float64Array(Math.ceil(n / CONTROL_STEP) + 2)
  for (let c = 0; c < f0Control.length; c++) {
    const ts = (c * CONTROL_STEP) / fs
    let st = melody(plan.shape, Math.min(1, (c * CONTROL_STEP) / n), plan.depthSemitones, peakAt)
    for (const w of wander) st += w.amp * Math.sin(TWO_PI * w.hz * ts + w.phase)
    st -= 2.5 * plan.flatness * (1 - fade(ts / glideS))
    f0Control[c] = plan.f0BaseHz * 2 ** (st / 12)
  }
  const f0 = new Float32Array(n)
  let f0Sum = 0
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / CONTROL_STEP)
    const frac = i / CONTROL_STEP - c
    f0[i] = f0Control[c]! + frac * (f0Control[c + 1]! - f0Control[c]!)
    f0Sum += f0[i]!
  }

  // Dysphonation: subharmonics (alternating cycles), strong jitter, weaker harmonics, more noise.
  const jitter = voice.jitter * (dys ? rng.uniform(3, 8) : 1)
  const subharmonic = dys && rng.chance(0.6) ? rng.uniform(0.2, 0.6) : 0
  const harmonicGain = dys ? dbToGain(-rng.uniform(3, 14)) : 1
  const noiseDb = plan.noiseDb + (dys ? rng.uniform(4, 12) : 0)
  // Voicing often starts after and stops before the breath (breathy onsets and offsets), and some expirations
  // break into noise for a moment: real expirations are rarely voiced from end to end.
  const voiceOnS = rng.chance(0.5) ? Math.min(0.25 * plan.durationS, rng.uniform(0.01, 0.12)) : 0
  const voiceOffS = rng.chance(0.5) ? Math.min(0.25 * plan.durationS, rng.uniform(0.01, 0.15)) : 0
  const voiceBreak =
    plan.durationS > 0.5 && rng.chance(0.25)
      ? { atS: rng.uniform(0.2, 0.7) * plan.durationS, lengthS: rng.uniform(0.05, 0.2) }
      : null

  const tiltExp = voice.tiltDbPerOctave / (20 * Math.log10(2))
  const maxHarm = Math.min(MAX_HARMONIC_HZ, 0.45 * fs)
  const harmAmp = new Float64Array(Math.ceil(maxHarm / 150) + 2)
  let harmPower = 0
  for (let k = 1; k < harmAmp.length; k++) {
    harmAmp[k] = Math.pow(k, tiltExp)
    if (k * plan.f0BaseHz < maxHarm) harmPower += harmAmp[k]! ** 2 / 2
  }
  const noiseGain = Math.sqrt(harmPower) * dbToGain(noiseDb) * Math.sqrt(3)
  const unvoicedNoiseGain = Math.sqrt(harmPower) * dbToGain(-8) * Math.sqrt(3)

  const attack = Math.min(0.3 * plan.durationS, rng.uniform(0.03, 0.09))
  const release = Math.min(0.35 * plan.durationS, rng.uniform(0.06, 0.18))
  let phase = rng.uniform(0, TWO_PI)
  let cycleRate = 1
  let cycleAmp = 1
  let odd = false
  let harmonics = Math.max(1, Math.min(harmAmp.length - 1, Math.floor(maxHarm / f0[0]!)))
  for (let i = 0; i < n; i++) {
    const f = f0[i]!
    phase += (TWO_PI * f * cycleRate) / fs
    if (phase >= TWO_PI) {
      // A new glottal cycle: draw its period and amplitude perturbations.
      phase -= TWO_PI
      odd = !odd
      cycleRate = 1 + Math.max(-0.3, Math.min(0.3, jitter * rng.normal()))
      cycleAmp = Math.max(0.2, 1 + voice.shimmer * rng.normal())
      if (subharmonic) {
        cycleAmp *= odd ? 1 - subharmonic : 1
        cycleRate *= odd ? 1 + 0.3 * subharmonic : 1 - 0.3 * subharmonic
      }
      harmonics = Math.max(1, Math.min(harmAmp.length - 1, Math.floor(maxHarm / f)))
    }
    // sin(kφ) by the Chebyshev recurrence: one sin and one cos per sample instead of one per harmonic.
    const s1 = Math.sin(phase)
    const c2 = 2 * Math.cos(phase)
    let sPrev = 0
    let sK = s1
    let sum = harmAmp[1]! * s1
    for (let k = 2; k <= harmonics; k++) {
      const sNext = c2 * sK - sPrev
      sPrev = sK
      sK = sNext
      sum += harmAmp[k]! * sK
    }
    const t = i / fs
    let voicing = fade((t - voiceOnS) / 0.02) * fade((plan.durationS - voiceOffS - t) / 0.02)
    if (voiceBreak)
      voicing *=
        1 - fade((t - voiceBreak.atS) / 0.02) * fade((voiceBreak.atS + voiceBreak.lengthS - t) / 0.02)
    // Breath noise is louder in the open phase of the glottal cycle; unvoiced stretches are noise alone.
    const noise =
      (rng.next() * 2 - 1) *
      (voicing * noiseGain * (0.65 + 0.35 * Math.cos(phase)) + (1 - voicing) * unvoicedNoiseGain)
    const env = fade(t / attack) * fade((plan.durationS - t) / release)
    buf[i] = env * (voicing * cycleAmp * harmonicGain * sum + noise)
  }

  // Vocal tract: formant resonators in cascade, each formant moving a little from cry to cry.
  const resonators = voice.formantsHz
    .map((fHz, j) => ({ f: fHz * rng.logNormal(1, 0.04), b: voice.formantBandwidthsHz[j]! }))
    .filter((r) => r.f < 0.45 * fs)
    .map((r) => new Resonator(r.f, r.b, fs))
  for (let i = 0; i < total; i++) {
    let y = buf[i]!
    for (const r of resonators) y = r.step(y)
    buf[i] = y
  }

  const gain = dbToGain(plan.levelDb) / Math.max(1e-9, peakAbs(buf))
  for (let i = 0; i < total; i++) out[offset + i]! += gain * buf[i]!
  return f0Sum / n
}

/** The inspiratory sound: short, quiet band noise, sometimes with a faint high whistle. */
function renderInspiration(
  out: Float32Array,
  startS: number,
  endS: number,
  levelDb: number,
  rng: Rng,
  fs: number,
): void {
  const from = Math.round(startS * fs)
  const n = Math.min(Math.round((endS - startS) * fs), out.length - from)
  const band = new BandPass(rng.uniform(1500, 3800), rng.uniform(0.8, 2), fs)
  const whistle = rng.chance(0.35) ? { hz: rng.uniform(600, 1400), gain: rng.uniform(0.2, 0.6) } : null
  const buf = new Float32Array(n)
  let phase = 0
  for (let i = 0; i < n; i++) {
    const x = i / n
    let s = band.step(rng.next() * 2 - 1)
    if (whistle) {
      phase += (TWO_PI * whistle.hz * (1 + 0.15 * x)) / fs
      s += whistle.gain * 0.3 * Math.sin(phase)
    }
    buf[i] = s * Math.sin(Math.PI * x)
  }
  const gain = dbToGain(levelDb) / Math.max(1e-9, peakAbs(buf))
  for (let i = 0; i < n; i++) out[from + i]! += gain * buf[i]!
}
