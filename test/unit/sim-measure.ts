// Plain measurements the simulator's tests make on synthetic and real cries: an autocorrelation f0 tracker,
// levels and a coarse long-term spectrum. Deliberately simple and independent of the synthesizer's own code,
// so a test measures what the synthesizer produced, not what it meant to produce.
import FFT from 'fft.js'

export interface PitchTrack {
  /** f0 of voiced frames, Hz (one per voiced 10 ms frame). */
  f0Hz: number[]
  /** Best normalised autocorrelation per frame (0…1): periodicity. */
  periodicity: number[]
  frames: number
}

/** Normalised autocorrelation on 40 ms frames every 10 ms; voiced where the peak in [minHz, maxHz] exceeds 0.5. */
export function trackPitch(samples: Float32Array, sampleRate: number, minHz = 150, maxHz = 1500): PitchTrack {
  const frame = Math.round(0.04 * sampleRate)
  const hop = Math.round(0.01 * sampleRate)
  const minLag = Math.max(2, Math.floor(sampleRate / maxHz))
  const maxLag = Math.ceil(sampleRate / minHz)
  const f0Hz: number[] = []
  const periodicity: number[] = []
  let frames = 0
  const r = new Float64Array(maxLag + 2)
  for (let start = 0; start + frame + maxLag + 1 <= samples.length; start += hop) {
    frames++
    let e0 = 0
    for (let i = 0; i < frame; i++) e0 += samples[start + i]! ** 2
    if (e0 === 0) {
      periodicity.push(0)
      continue
    }
    let best = 0
    for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
      let xy = 0
      let e1 = 0
      for (let i = 0; i < frame; i++) {
        const y = samples[start + i + lag]!
        xy += samples[start + i]! * y
        e1 += y * y
      }
      r[lag] = e1 > 0 ? xy / Math.sqrt(e0 * e1) : 0
      if (lag >= minLag && lag <= maxLag && r[lag]! > best) best = r[lag]!
    }
    periodicity.push(best)
    if (best < 0.5) continue
    // The shortest lag with a local peak near the best avoids octave-down errors.
    for (let lag = minLag; lag <= maxLag; lag++) {
      if (r[lag]! >= 0.9 * best && r[lag]! >= r[lag - 1]! && r[lag]! >= r[lag + 1]!) {
        const a = r[lag - 1]!
        const b = r[lag]!
        const c = r[lag + 1]!
        const shift = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c)
        f0Hz.push(sampleRate / (lag + shift))
        break
      }
    }
  }
  return { f0Hz, periodicity, frames }
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

export function rmsDb(samples: Float32Array, from = 0, to = samples.length): number {
  let e = 0
  for (let i = from; i < to; i++) e += samples[i]! ** 2
  return 10 * Math.log10(e / Math.max(1, to - from) + 1e-20)
}

/** Long-term spectrum in `bands` log-spaced bands from 200 Hz to 7 kHz, dB, normalised to mean 0. */
export function bandSpectrum(samples: Float32Array, sampleRate: number, bands = 12): number[] {
  const n = 512
  const fft = new FFT(n)
  const out = fft.createComplexArray() as number[]
  const frame = new Array<number>(n)
  const power = new Float64Array(n / 2 + 1)
  for (let start = 0; start + n <= samples.length; start += n / 2) {
    for (let i = 0; i < n; i++) frame[i] = samples[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n))
    fft.realTransform(out, frame)
    for (let k = 0; k <= n / 2; k++) power[k]! += out[2 * k]! ** 2 + out[2 * k + 1]! ** 2
  }
  const edges = Array.from({ length: bands + 1 }, (_, b) => 200 * (7000 / 200) ** (b / bands))
  const db = edges.slice(0, -1).map((lo, b) => {
    let e = 1e-20
    for (let k = 0; k <= n / 2; k++) {
      const f = (k * sampleRate) / n
      if (f >= lo && f < edges[b + 1]!) e += power[k]!
    }
    return 10 * Math.log10(e)
  })
  const m = mean(db)
  return db.map((x) => x - m)
}
