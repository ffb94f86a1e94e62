// Synthetic signals for the audio tests: seeded noise, harmonic "cries" with a melodic arc and vibrato, and
// electronic alarm beeps. Not a cry synthesizer (that is src/main/engine/sim): just enough structure to test
// segmentation and measures with known answers.

/** Deterministic uniform noise in [-1, 1) (mulberry32). */
export function noise(n: number, amplitude: number, seed = 1): Float32Array {
  let a = seed >>> 0
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    out[i] = amplitude * ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1)
  }
  return out
}

export interface ToneOptions {
  sampleRate: number
  durationS: number
  /** f0 at start, middle and end (a melodic arc), Hz. */
  f0: [number, number, number]
  amplitude: number
  harmonics?: number
  /** Vibrato depth as a fraction of f0 (voices waver; alarms do not). */
  vibrato?: number
  /** Onset/offset ramps, seconds. */
  rampS?: number
}

/** A harmonic tone with a rising-falling f0 arc, harmonics falling at 6 dB/octave, below Nyquist. */
export function harmonicTone(o: ToneOptions): Float32Array {
  const n = Math.round(o.durationS * o.sampleRate)
  const out = new Float32Array(n)
  const h = o.harmonics ?? 12
  const ramp = Math.max(1, Math.round((o.rampS ?? 0.03) * o.sampleRate))
  let phase = 0
  for (let i = 0; i < n; i++) {
    const u = i / Math.max(1, n - 1)
    const base =
      u < 0.5 ? o.f0[0] + (o.f0[1] - o.f0[0]) * (u / 0.5) : o.f0[1] + (o.f0[2] - o.f0[1]) * ((u - 0.5) / 0.5)
    const f = base * (1 + (o.vibrato ?? 0) * Math.sin((2 * Math.PI * 6 * i) / o.sampleRate))
    phase += (2 * Math.PI * f) / o.sampleRate
    let v = 0
    for (let k = 1; k <= h && k * f < o.sampleRate / 2; k++) v += Math.sin(k * phase) / k
    const env = Math.min(1, i / ramp, (n - 1 - i) / ramp)
    out[i] = o.amplitude * env * v
  }
  return out
}

/** Adds `part` into `into` at `atS` seconds. */
export function mixAt(into: Float32Array, part: Float32Array, atS: number, sampleRate: number): void {
  const at = Math.round(atS * sampleRate)
  for (let i = 0; i < part.length && at + i < into.length; i++) into[at + i]! += part[i]!
}

export interface SyntheticCry {
  startS: number
  endS: number
}

/**
 * A cry bout in noise: expirations of 0.4–1.2 s separated by 0.25–0.5 s pauses, f0 arcs around 300–600 Hz
 * with vibrato. Returns the signal and the true expirations.
 */
export function cryBout(
  sampleRate: number,
  durationS: number,
  { noiseAmplitude = 0.003, seed = 7, firstS = 1 } = {},
): { samples: Float32Array; cries: SyntheticCry[] } {
  const samples = noise(Math.round(durationS * sampleRate), noiseAmplitude, seed)
  const cries: SyntheticCry[] = []
  let t = firstS
  let k = 0
  while (true) {
    const len = 0.4 + 0.8 * (((k * 37) % 11) / 10)
    if (t + len > durationS - 0.5) break
    const base = 320 + 40 * (k % 5)
    mixAt(
      samples,
      harmonicTone({
        sampleRate,
        durationS: len,
        f0: [base, base * 1.35, base * 0.9],
        amplitude: 0.2,
        vibrato: 0.02,
      }),
      t,
      sampleRate,
    )
    cries.push({ startS: t, endS: t + len })
    t += len + 0.25 + 0.25 * (((k * 13) % 7) / 6)
    k++
  }
  return { samples, cries }
}
