// Model-free backbones: interpretable acoustic embeddings with the same interface as the ONNX ones, for
// comparison (what does a trained network add?) and as a fallback when no model can run.
//
// - `acoustic`: per cry, mean and standard deviation of the 80 log-mel energies over the louder half of its
//   frames (spectral envelope and its variability; unit-normalised as a block) plus six cry-voice descriptors
//   (f0 median and spread in octaves re 440 Hz, f0 movement, voiced share, HNR median and spread in dB/10),
//   weighted 0.03 against the spectral block. The descriptors are kept small because on Donate-a-Cry they vary
//   more within an infant (hunger vs. pain, onset vs. end of a bout) than between infants: measured with
//   protocol C on all 278 infants, same-platform EER was 35.9 % / 35.4 % / 36.6 % / 39.3 % at weights
//   0 / 0.03 / 0.1 / 0.3. They stay in the vector for what they say, not for verification. 166 dims, L2-normalised.
// - `logmel-stats` and `mfcc-stats`: the "for scale" baselines of docs/evaluation.md, reproduced exactly: mean
//   and std of 80 log-mels (or 20 MFCCs) over the louder half of the frames of the whole recording, with no
//   cry segmentation (scope 'recording'), L2-normalised.
import { l2Normalise, throwIfAborted, type Backbone, type ProviderReport } from './backbone'
import { KaldiFbank, type FeatureMatrix } from './fbank'
import { hnrDb, VoicingAnalyser } from './voicing'

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
const VOICED_PERIODICITY = 0.5
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
  private readonly voicing = new VoicingAnalyser()
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

  /** f0 median, f0 10–90 % range, mean |Δf0| per frame (octaves), voiced share, HNR median and IQR (dB / 10). */
  private prosody(cry: Float32Array): number[] {
    const track = this.voicing.analyse(cry)
    const n = track.f0.length
    if (n === 0) return [0, 0, 0, 0, 0, 0]
    const logE = Array.from(track.energy, (e) => Math.log(e + 1e-12))
    const thr = median(logE)
    const octaves: number[] = []
    const hnr: number[] = []
    let loudFrames = 0
    let moves = 0
    let moveSum = 0
    let prev: number | null = null
    for (let t = 0; t < n; t++) {
      if (logE[t]! < thr) {
        prev = null
        continue
      }
      loudFrames++
      if (track.periodicity[t]! <= VOICED_PERIODICITY) {
        prev = null
        continue
      }
      const o = Math.log2(track.f0[t]! / 440)
      octaves.push(o)
      hnr.push(hnrDb(track.periodicity[t]!) / 10)
      if (prev !== null) {
        moveSum += Math.abs(o - prev)
        moves++
      }
      prev = o
    }
    const voiced = loudFrames ? octaves.length / loudFrames : 0
    if (octaves.length < 3) return [0, 0, 0, voiced, 0, 0]
    return [
      median(octaves),
      quantile(octaves, 0.9) - quantile(octaves, 0.1),
      moves ? moveSum / moves : 0,
      voiced,
      median(hnr),
      quantile(hnr, 0.75) - quantile(hnr, 0.25),
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
