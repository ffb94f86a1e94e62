// Model-free backbones: interpretable acoustic embeddings with the same interface as the ONNX ones, for
// comparison (what does a trained network add?) and as a fallback when no model can run.
//
// - `acoustic`: per cry, mean and standard deviation of the 80 log-mel energies over the louder half of its
//   frames (spectral envelope and its variability; unit-normalised as a block) plus six cry-voice descriptors
//   from the project's measureCry (Boersma pitch, HNR, centroid): mean f0 and f0 range in octaves re 440 Hz,
//   mean |Δf0| between voiced 10 ms frames (octaves), voiced share, mean HNR (dB / 10) and spectral centroid
//   (octaves re 1 kHz), weighted 0.03 against the spectral block. The descriptors are kept small because on
//   Donate-a-Cry they vary more within an infant (hunger vs. pain, onset vs. end of a bout) than between
//   infants: with protocol C on all 278 infants (project segmenter), same-platform EER was 32.8 % / 31.8 % /
//   32.7 % / 33.7 % at weights 0 / 0.03 / 0.1 / 0.3. 166 dims, L2-normalised.
// - `logmel-stats` and `mfcc-stats`: the "for scale" baselines of docs/evaluation.md, by the same method: mean
//   and std of 80 log-mels (or 20 MFCCs) over the louder half of the frames of the whole recording, with no
//   cry segmentation (scope 'recording'), L2-normalised.
import { measureCry } from '../audio/measures'
import { l2Normalise, throwIfAborted, type Backbone, type ProviderReport } from './backbone'
import { KaldiFbank, type FeatureMatrix } from './fbank'

export type AcousticBackboneName = 'acoustic' | 'logmel-stats' | 'mfcc-stats'

export const ACOUSTIC_BACKBONES: Record<AcousticBackboneName, { description: string; dim: number }> = {
  acoustic: {
    description:
      'Interpretable acoustic embedding per cry: log-mel mean/std over the louder frames + f0, voicing and HNR statistics (no model)',
    dim: 166,
  },
  'logmel-stats': {
    description:
      'For-scale baseline: mean/std of 80 log-mel energies over the louder half of the whole recording (no segmentation)',
    dim: 160,
  },
  'mfcc-stats': {
    description:
      'For-scale baseline: mean/std of 20 MFCCs over the louder half of the whole recording (no segmentation)',
    dim: 40,
  },
}

const PROSODY_WEIGHT = 0.03
const N_MFCC = 20

const CPU_ONLY: ProviderReport = {
  requested: 'cpu',
  active: 'cpu',
  attempts: [{ provider: 'cpu', ok: true, ms: 0 }],
}

export class AcousticBackbone implements Backbone {
  readonly kind = 'acoustic' as const
  readonly dim: number
  readonly trainedOn = { train: [], validation: [] }
  readonly provider = CPU_ONLY
  /** 'recording': the for-scale baselines describe a whole recording, so evaluation feeds them the clip. */
  readonly scope: 'cry' | 'recording'
  private readonly fbank = new KaldiFbank()
  private readonly dct: Float64Array

  constructor(
    readonly name: AcousticBackboneName,
    private readonly prosodyWeight = PROSODY_WEIGHT,
  ) {
    this.dim = ACOUSTIC_BACKBONES[name].dim
    this.scope = name === 'acoustic' ? 'cry' : 'recording'
    this.dct = dctMatrix(N_MFCC, 80)
  }

  async embedCries(cries16k: Float32Array[], opts: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const out: Float32Array[] = []
    for (const [i, cry] of cries16k.entries()) {
      throwIfAborted(opts.signal)
      const logmel = this.fbank.compute(cry)
      if (logmel.frames === 0)
        throw new RangeError(`cry ${i}: ${cry.length} samples, shorter than one 25 ms frame`)
      out.push(this.embedOne(cry, logmel))
    }
    return out
  }

  private embedOne(cry: Float32Array, logmel: FeatureMatrix): Float32Array {
    const loud = louderHalf(logmel)
    if (this.name === 'logmel-stats') return l2Normalise(meanStd(logmel.data, logmel.bins, loud))
    if (this.name === 'mfcc-stats') {
      const mfcc = applyDct(logmel, this.dct, N_MFCC)
      return l2Normalise(meanStd(mfcc, N_MFCC, loud))
    }
    const spectral = l2Normalise(meanStd(logmel.data, logmel.bins, loud))
    const prosody = this.prosody(cry)
    const v = new Float32Array(this.dim)
    v.set(spectral)
    for (let k = 0; k < prosody.length; k++) v[spectral.length + k] = this.prosodyWeight * prosody[k]!
    return l2Normalise(v)
  }

  /** Mean f0 and f0 range (octaves), mean |Δf0| (octaves / 10 ms), voiced share, HNR / 10 dB, centroid (octaves). */
  private prosody(cry: Float32Array): number[] {
    const m = measureCry(cry, 16000)
    const centroid = m.spectralCentroidHz ? Math.log2(m.spectralCentroidHz / 1000) : 0
    if (!m.f0MeanHz || !m.f0MinHz || !m.f0MaxHz) return [0, 0, 0, m.voicedFraction ?? 0, 0, centroid]
    let moves = 0
    let moveSum = 0
    const c = m.f0Contour
    for (let i = 1; i < c.length; i++)
      if (c[i]! > 0 && c[i - 1]! > 0) {
        moveSum += Math.abs(Math.log2(c[i]! / c[i - 1]!))
        moves++
      }
    return [
      Math.log2(m.f0MeanHz / 440),
      Math.log2(m.f0MaxHz / m.f0MinHz),
      moves ? moveSum / moves : 0,
      m.voicedFraction ?? 0,
      (m.hnrDb ?? 0) / 10,
      centroid,
    ]
  }

  async dispose(): Promise<void> {}
}

/** Indices of the frames whose mean log-mel energy is at or above the median (the louder half). */
export function louderHalf(m: FeatureMatrix): Int32Array {
  const e = new Float64Array(m.frames)
  for (let t = 0; t < m.frames; t++) {
    let s = 0
    for (let b = 0; b < m.bins; b++) s += m.data[t * m.bins + b]!
    e[t] = s / m.bins
  }
  const thr = median(Array.from(e))
  const idx: number[] = []
  for (let t = 0; t < m.frames; t++) if (e[t]! >= thr) idx.push(t)
  return Int32Array.from(idx)
}

/** [mean over the chosen frames of each column, then their population standard deviations]. */
export function meanStd(data: Float32Array, cols: number, frames: Int32Array): Float32Array {
  const out = new Float32Array(2 * cols)
  const n = frames.length
  if (n === 0) return out
  for (let c = 0; c < cols; c++) {
    let s = 0
    for (const t of frames) s += data[t * cols + c]!
    const mean = s / n
    let v = 0
    for (const t of frames) v += (data[t * cols + c]! - mean) ** 2
    out[c] = mean
    out[cols + c] = Math.sqrt(v / n)
  }
  return out
}

/** Orthonormal DCT-II rows 0..n-1 over `bins` log-mel energies (MFCCs without liftering). */
function dctMatrix(n: number, bins: number): Float64Array {
  const m = new Float64Array(n * bins)
  for (let k = 0; k < n; k++) {
    const scale = k === 0 ? Math.sqrt(1 / bins) : Math.sqrt(2 / bins)
    for (let j = 0; j < bins; j++) m[k * bins + j] = scale * Math.cos((Math.PI / bins) * (j + 0.5) * k)
  }
  return m
}

function applyDct(m: FeatureMatrix, dct: Float64Array, n: number): Float32Array {
  const out = new Float32Array(m.frames * n)
  for (let t = 0; t < m.frames; t++)
    for (let k = 0; k < n; k++) {
      let s = 0
      for (let j = 0; j < m.bins; j++) s += dct[k * m.bins + j]! * m.data[t * m.bins + j]!
      out[t * n + k] = s
    }
  return out
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo)
}

function median(xs: number[]): number {
  return xs.length ? quantile(xs, 0.5) : 0
}
