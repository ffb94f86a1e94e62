// The acoustic measures clinicians read for each cry: duration, level, pitch (Boersma's autocorrelation
// tracker, pitch.ts), voicing, harmonics-to-noise ratio and spectral centroid. Pure: samples in, numbers out,
// at any sample rate.
import FFT from 'fft.js'
import type { CryMeasures as StoredCryMeasures } from '../../../shared/contract'
import { crossCorrelationHarmonicity, trackPitch } from './pitch'
import { hann } from './spectrum'

/**
 * What `measureCry` answers: the measures every cry stores and the UI reads (their one definition, with what
 * each means, is the contract's `CryMeasures`), the f0 contour, and HNR by cross-correlation.
 */
export type CryMeasures = StoredCryMeasures & {
  /** f0 every 10 ms (frame i centred at (i + 0.5) × 10 ms), 0 where unvoiced. */
  f0Contour: Float32Array
  /** HNR over Praat's cross-correlation harmonicity ("To Harmonicity (cc)", the one Praat's voice report
   * quotes), for comparison with Praat; computed, not stored. Null when no frame is voiced. */
  hnrCcDb: number | null
}

export const CONTOUR_HOP_S = 0.01
const CENTROID_MIN_HZ = 100

export function measureCry(samples: Float32Array, sampleRate: number): CryMeasures {
  const durationS = samples.length / sampleRate
  let sumSq = 0
  let peak = 0
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!
    sumSq += v * v
    const a = Math.abs(v)
    if (a > peak) peak = a
  }
  const silent = samples.length === 0 || sumSq === 0
  const track = trackPitch(samples, sampleRate, { hopS: CONTOUR_HOP_S })
  let voiced = 0
  let f0Sum = 0
  let f0Min = Infinity
  let f0Max = -Infinity
  let hnrSum = 0
  let ccSum = 0
  const cc = crossCorrelationHarmonicity(samples, sampleRate, track)
  for (let i = 0; i < track.f0.length; i++) {
    const f = track.f0[i]!
    if (f <= 0) continue
    voiced++
    f0Sum += f
    f0Min = Math.min(f0Min, f)
    f0Max = Math.max(f0Max, f)
    const r = Math.min(0.999999, Math.max(1e-6, track.strength[i]!))
    hnrSum += 10 * Math.log10(r / (1 - r))
    const q = Math.min(0.999999, Math.max(1e-6, cc[i]!))
    ccSum += 10 * Math.log10(q / (1 - q))
  }
  return {
    durationS,
    rmsDbfs: silent ? null : 10 * Math.log10(sumSq / samples.length),
    peak: samples.length ? peak : null,
    f0MeanHz: voiced ? f0Sum / voiced : null,
    f0MinHz: voiced ? f0Min : null,
    f0MaxHz: voiced ? f0Max : null,
    f0Contour: track.f0,
    voicedFraction: track.f0.length ? voiced / track.f0.length : null,
    hnrDb: voiced ? hnrSum / voiced : null,
    hnrCcDb: voiced ? ccSum / voiced : null,
    spectralCentroidHz: silent ? null : spectralCentroid(samples, sampleRate),
  }
}

/** Centroid of the mean power spectrum of 32 ms Hann frames (half overlapping). */
export function spectralCentroid(samples: Float32Array, sampleRate: number): number | null {
  let n = 1
  while (n < 0.032 * sampleRate) n <<= 1
  const fft = new FFT(n)
  const w = hann(n)
  const frame = new Float64Array(n)
  const spec = fft.createComplexArray() as number[]
  const power = new Float64Array(n / 2 + 1)
  const hop = n / 2
  for (let start = -hop; start < samples.length; start += hop) {
    for (let i = 0; i < n; i++) frame[i] = (samples[start + i] ?? 0) * w[i]!
    fft.realTransform(spec, frame)
    for (let k = 0; k <= n / 2; k++) power[k]! += spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2
  }
  let num = 0
  let den = 0
  for (let k = 0; k <= n / 2; k++) {
    const hz = (k * sampleRate) / n
    if (hz < CENTROID_MIN_HZ) continue
    num += hz * power[k]!
    den += power[k]!
  }
  return den > 0 ? num / den : null
}
