// The sounds of a neonatal ward other than the infant's own cry, synthesized because no shared recording of
// a ward may ship with the project: pulse-oximeter beeps, IEC 60601-1-8 alarm bursts, speech-like babble
// (formant-filtered pulse trains with syllable rhythm), doors, and far-away infants. Each returns audio
// normalised to a peak of 1; the caller sets the level.
import { synthesizeCry } from './cry-synth'
import { BandPass, OnePole, Resonator, fade, peakAbs } from './dsp'
import type { Rng } from './rng'
import { makeVoice } from './voice'

const TWO_PI = 2 * Math.PI

function normalise(buf: Float32Array): Float32Array {
  const peak = peakAbs(buf)
  if (peak > 0) for (let i = 0; i < buf.length; i++) buf[i]! /= peak
  return buf
}

/** A tone burst with a few harmonics and short fades, added into `out` at `at` seconds. */
function addTone(
  out: Float32Array,
  fs: number,
  at: number,
  lengthS: number,
  hz: number,
  harmonics: number[],
  gain = 1,
): void {
  const from = Math.round(at * fs)
  const n = Math.min(Math.round(lengthS * fs), out.length - from)
  const rampS = Math.min(0.01, lengthS / 4)
  for (let i = 0; i < n; i++) {
    const t = i / fs
    let s = 0
    for (let k = 0; k < harmonics.length; k++) {
      if ((k + 1) * hz < 0.45 * fs) s += harmonics[k]! * Math.sin(TWO_PI * (k + 1) * hz * t)
    }
    out[from + i]! += gain * s * fade(t / rampS) * fade((lengthS - t) / rampS)
  }
}

/** Pulse-oximeter beeps, one per heartbeat (neonatal 120–170 bpm); the pitch follows the saturation. */
export function monitorBeeps(rng: Rng, fs: number, durationS: number): Float32Array {
  const out = new Float32Array(Math.round(durationS * fs))
  const bpm = rng.uniform(120, 170)
  let hz = rng.uniform(700, 1000)
  const lengthS = rng.uniform(0.05, 0.09)
  for (let t = rng.uniform(0, 0.3); t + lengthS < durationS; t += (60 / bpm) * rng.logNormal(1, 0.03)) {
    hz = Math.min(1100, Math.max(600, hz + rng.gauss(0, 4)))
    addTone(out, fs, t, lengthS, hz, [1, 0.25, 0.1])
  }
  return normalise(out)
}

/** Alarm priorities of IEC 60601-1-8: bursts of 10, 3 or 1 pulses, repeated until someone silences it. */
export type AlarmPriority = 'high' | 'medium' | 'low'

export function alarm(rng: Rng, fs: number, durationS: number, priority: AlarmPriority): Float32Array {
  const out = new Float32Array(Math.round(durationS * fs))
  // The standard asks for a fundamental of 150–1000 Hz with at least four harmonics.
  const hz = rng.uniform(400, 1000)
  const harmonics = [1, 0.6, 0.45, 0.3, 0.2]
  const pulseS = priority === 'high' ? rng.uniform(0.08, 0.12) : rng.uniform(0.15, 0.22)
  const spacingS = priority === 'high' ? rng.uniform(0.05, 0.1) : rng.uniform(0.12, 0.2)
  const pattern = priority === 'high' ? [3, 2, 3, 2] : priority === 'medium' ? [3] : [2]
  const repeatS = priority === 'high' ? rng.uniform(3, 6) : priority === 'medium' ? rng.uniform(4, 10) : 16
  for (let burst = 0; burst < durationS; burst += repeatS) {
    let t = burst
    for (const [g, pulses] of pattern.entries()) {
      for (let p = 0; p < pulses; p++) {
        if (t + pulseS < durationS) addTone(out, fs, t, pulseS, hz, harmonics)
        t += pulseS + spacingS
      }
      t += g % 2 === 0 ? 0.2 : 0.6
    }
  }
  return normalise(out)
}

// Adult vowel formants (F1, F2, F3 in Hz), roughly Peterson & Barney's averages.
const VOWELS: [number, number, number][] = [
  [270, 2290, 3010],
  [390, 1990, 2550],
  [530, 1840, 2480],
  [660, 1720, 2410],
  [730, 1090, 2440],
  [570, 840, 2410],
  [440, 1020, 2240],
  [300, 870, 2240],
  [490, 1350, 1690],
]

/** Adults talking near the cot: phrases of syllables (4–6 per second) from one to three speakers. */
export function speech(rng: Rng, fs: number, durationS: number): Float32Array {
  const out = new Float32Array(Math.round(durationS * fs))
  const speakers = Array.from({ length: rng.int(1, 3) }, () => ({
    f0: rng.chance(0.6) ? rng.uniform(170, 240) : rng.uniform(95, 135),
    scale: rng.uniform(0.9, 1.15),
    gain: rng.uniform(0.5, 1),
  }))
  let t = rng.uniform(0, 0.3)
  while (t < durationS - 0.5) {
    const who = rng.pick(speakers)
    const phraseS = Math.min(durationS - t, rng.uniform(0.8, 3.2))
    renderPhrase(out, fs, t, phraseS, who, rng)
    t += phraseS + rng.exponential(0.6) + 0.15
  }
  return normalise(out)
}

function renderPhrase(
  out: Float32Array,
  fs: number,
  at: number,
  lengthS: number,
  who: { f0: number; scale: number; gain: number },
  rng: Rng,
): void {
  const from = Math.round(at * fs)
  const n = Math.min(Math.round(lengthS * fs), out.length - from)
  const formants = [0, 1, 2].map((j) => new Resonator(VOWELS[0]![j]!, 80 + 40 * j, fs))
  const fricative = new BandPass(rng.uniform(3500, 6000), 2, fs)
  let syllableEnd = 0
  let syllableLen = 1
  let consonantS = 0
  let vowel = VOWELS[0]!
  let phase = 0
  let prev = 0
  for (let i = 0; i < n; i++) {
    const t = i / fs
    if (t >= syllableEnd) {
      syllableLen = rng.uniform(0.14, 0.26)
      syllableEnd = t + syllableLen
      consonantS = rng.chance(0.7) ? rng.uniform(0.02, 0.07) : 0
      vowel = rng.pick(VOWELS)
      vowel.forEach((f, j) => formants[j]!.set(f * who.scale, 70 + 50 * j, fs))
    }
    const inSyllable = 1 - (syllableEnd - t) / syllableLen
    // Declination over the phrase, a small rise-fall within each syllable.
    const f0 = who.f0 * (1.1 - 0.2 * (t / lengthS)) * (1 + 0.05 * Math.sin(Math.PI * inSyllable))
    phase += f0 / fs
    let src = 0
    if (phase >= 1) {
      phase -= 1
      src = 1
    }
    const tInSyllable = inSyllable * syllableLen
    let s: number
    if (tInSyllable < consonantS) {
      s = 0.03 * fricative.step(rng.next() * 2 - 1)
    } else {
      // Differentiated pulse train (glottal flow derivative) through three formants.
      let y = src - prev
      for (const r of formants) y = r.step(y)
      s = y * fade((tInSyllable - consonantS) / 0.03) * fade((syllableLen - tInSyllable) / 0.04)
    }
    prev = src
    out[from + i]! += who.gain * s * fade(t / 0.05) * fade((lengthS - t) / 0.1)
  }
}

/** A door: latch click, air and swing noise, and sometimes a bang as it closes. */
export function door(rng: Rng, fs: number): Float32Array {
  const swingS = rng.uniform(0.4, 1.2)
  const bang = rng.chance(0.5)
  const out = new Float32Array(Math.round((swingS + 0.6) * fs))
  const air = new OnePole(rng.uniform(300, 900), fs)
  const click = new BandPass(rng.uniform(2000, 4500), 3, fs)
  for (let i = 0; i < Math.round(0.012 * fs); i++) out[i]! += 1.5 * click.step(rng.next() * 2 - 1)
  for (let i = 0; i < Math.round(swingS * fs); i++) {
    out[i]! += 0.3 * air.step(rng.next() * 2 - 1) * Math.sin((Math.PI * i) / (swingS * fs))
  }
  if (bang) {
    const start = Math.round(swingS * fs)
    const body = [new Resonator(rng.uniform(80, 180), 40, fs), new Resonator(rng.uniform(250, 600), 120, fs)]
    const decayS = rng.uniform(0.08, 0.25)
    for (let i = start; i < out.length; i++) {
      const env = Math.exp(-(i - start) / (decayS * fs))
      let y = rng.next() * 2 - 1
      y = body[0]!.step(y) * 4 + body[1]!.step(y) * 2 + 0.5 * y
      out[i]! += env * y
    }
  }
  return normalise(out)
}

/** Another infant crying across the room: a different voice, dulled by distance. */
export function distantCry(rng: Rng, fs: number): Float32Array {
  const voice = makeVoice(`distant/${rng.nextUint32()}`)
  const cry = synthesizeCry(voice, { severity: 0, sampleRate: fs, expirations: rng.int(2, 8) }, rng)
  const lowPass = [new OnePole(rng.uniform(1500, 3000), fs), new OnePole(rng.uniform(2500, 4000), fs)]
  const out = cry.samples
  for (let i = 0; i < out.length; i++) out[i] = lowPass[1]!.step(lowPass[0]!.step(out[i]!))
  return normalise(out)
}
