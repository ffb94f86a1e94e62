// Pitch of a cry by Boersma's autocorrelation method (Praat's "To Pitch (ac)", 1993): per 10 ms frame, the
// normalised autocorrelation of a Hann-windowed frame divided by the window's own autocorrelation, candidate
// periods at its local maxima, and a Viterbi path through the candidates that charges octave jumps and
// voicing changes. Written by hand because no maintained JavaScript library tracks pitch over 150–1500 Hz
// (infant phonation to hyperphonation) with voicing decisions and the per-frame harmonicity HNR needs;
// the transforms are fft.js's.
import FFT from 'fft.js'
import { hann } from './spectrum'

export interface PitchOptions {
  minHz?: number
  maxHz?: number
  /** Praat's voicing threshold: a frame is voiced when its best candidate's strength exceeds this. */
  voicingThreshold?: number
  /** Frames quieter than this fraction of the loudest frame's peak are unvoiced (Praat's silence threshold). */
  silenceThreshold?: number
  octaveCost?: number
  octaveJumpCost?: number
  voicedUnvoicedCost?: number
  hopS?: number
}

const DEFAULTS: Required<PitchOptions> = {
  minHz: 150,
  maxHz: 1500,
  voicingThreshold: 0.45,
  silenceThreshold: 0.03,
  octaveCost: 0.01,
  octaveJumpCost: 0.35,
  voicedUnvoicedCost: 0.14,
  hopS: 0.01,
}

export interface PitchTrack {
  /** f0 in Hz per frame, 0 where unvoiced. Frame i is centred at (i + 0.5) × hop. */
  f0: Float32Array
  /** Normalised autocorrelation at the chosen period (0 where unvoiced): the autocorrelation harmonicity
   * r, as Praat's "To Harmonicity (ac)" reads it (HNR = 10·log10(r / (1 − r))). */
  strength: Float32Array
  hopS: number
}

interface Candidate {
  f0: number
  strength: number
}

/** Praat's default "max. number of candidates" (15, the unvoiced one included): every sub- and
 * superharmonic peak stays on the table for the path to choose from. */
const MAX_CANDIDATES = 14
/** Autocorrelation lags are resolved as finely as a signal sampled at this rate. */
const LAG_GRID_HZ = 64000

export function trackPitch(
  samples: Float32Array,
  sampleRate: number,
  options: PitchOptions = {},
): PitchTrack {
  const o = { ...DEFAULTS, ...options }
  const hop = Math.max(1, Math.round(o.hopS * sampleRate))
  const frames = Math.max(0, Math.ceil(samples.length / hop))
  // Three periods of the lowest pitch, as Praat's ac method uses.
  const win = 2 * Math.round((3 / o.minHz) * sampleRate * 0.5)
  const maxLag = Math.min(win - 1, Math.ceil(sampleRate / o.minHz))
  let n = 1
  while (n < win + maxLag + 2) n <<= 1
  // The autocorrelation is read on a lag grid finer than the samples (band-limited interpolation by
  // zero-padding the power spectrum), so a 1200 Hz period at 8 kHz (6.7 samples) is not blurred into losing
  // against its own double.
  const up = Math.max(1, Math.ceil(LAG_GRID_HZ / sampleRate))
  const ac = new Autocorrelator(n, up, maxLag + 2)
  const w = hann(win)
  const frame = new Float64Array(n)
  frame.set(w)
  const windowAc = Float64Array.from(ac.compute(frame))
  for (let lag = windowAc.length - 1; lag >= 0; lag--) windowAc[lag] = windowAc[lag]! / windowAc[0]!
  // The shortest lag is rounded up, so no period shorter than the ceiling's is ever a candidate.
  const minFine = Math.max(2 * up, Math.ceil((sampleRate * up) / o.maxHz))
  const maxFine = maxLag * up

  let globalPeak = 0
  for (let i = 0; i < samples.length; i++) globalPeak = Math.max(globalPeak, Math.abs(samples[i]!))
  const cands: Candidate[][] = []
  for (let f = 0; f < frames; f++) {
    const centre = f * hop + hop / 2
    const start = Math.round(centre - win / 2)
    frame.fill(0)
    let localPeak = 0
    let mean = 0
    for (let i = 0; i < win; i++) {
      const v = samples[start + i] ?? 0
      mean += v
      localPeak = Math.max(localPeak, Math.abs(v))
    }
    mean /= win
    for (let i = 0; i < win; i++) frame[i] = ((samples[start + i] ?? 0) - mean) * w[i]!
    const list: Candidate[] = [{ f0: 0, strength: 0 }]
    if (globalPeak > 0 && localPeak >= o.silenceThreshold * globalPeak) {
      const r = ac.compute(frame)
      if (r[0]! > 0) {
        const norm = (lag: number) => r[lag]! / r[0]! / windowAc[lag]!
        for (let lag = minFine; lag <= maxFine; lag++) {
          const v = norm(lag)
          const before = norm(lag - 1)
          const after = norm(lag + 1)
          if (v < 0.5 * o.voicingThreshold || v < before || v < after) continue
          const d = before - 2 * v + after
          const shift = d < 0 ? (0.5 * (before - after)) / d : 0
          const peak = v - 0.25 * d * shift * shift
          const f = (sampleRate * up) / (lag + shift)
          // Refinement may carry a peak at the shortest lag past the ceiling: it is not a candidate.
          if (f > o.maxHz || f < o.minHz) continue
          // Praat: an interpolated strength above 1 (a windowing artefact) is reflected, r → 1/r.
          list.push({ f0: f, strength: peak > 1 ? 1 / peak : peak })
        }
      }
      // Praat's unvoiced candidate: the voicing threshold, raised for frames near the silence threshold.
      list[0]!.strength =
        o.voicingThreshold +
        Math.max(0, 2 - localPeak / globalPeak / (o.silenceThreshold / (1 + o.voicingThreshold)))
    } else list[0]!.strength = 1
    cands.push([
      list[0]!,
      ...list
        .slice(1)
        .sort((a, b) => localScore(b, o) - localScore(a, o))
        .slice(0, MAX_CANDIDATES),
    ])
  }
  return viterbi(cands, o, hop / sampleRate)
}

function localScore(c: Candidate, o: Required<PitchOptions>): number {
  // Praat's octave cost favours higher candidates slightly, so a period and its double do not tie; charged
  // from the ceiling down as Praat's path finder does (a voiced candidate never scores above its strength).
  return c.f0 > 0 ? c.strength - o.octaveCost * Math.log2(o.maxHz / c.f0) : c.strength
}

function viterbi(cands: Candidate[][], o: Required<PitchOptions>, hopS: number): PitchTrack {
  const frames = cands.length
  const f0 = new Float32Array(frames)
  const strength = new Float32Array(frames)
  if (frames === 0) return { f0, strength, hopS }
  let cost = cands[0]!.map((c) => -localScore(c, o))
  const from: Int8Array[] = [new Int8Array(cands[0]!.length)]
  for (let t = 1; t < frames; t++) {
    const cur = cands[t]!
    const prev = cands[t - 1]!
    const next = new Array<number>(cur.length)
    const arg = new Int8Array(cur.length)
    for (let j = 0; j < cur.length; j++) {
      let best = Infinity
      for (let i = 0; i < prev.length; i++) {
        const c = cost[i]! + transition(prev[i]!, cur[j]!, o)
        if (c < best) {
          best = c
          arg[j] = i
        }
      }
      next[j] = best - localScore(cur[j]!, o)
    }
    cost = next
    from.push(arg)
  }
  let k = 0
  for (let j = 1; j < cost.length; j++) if (cost[j]! < cost[k]!) k = j
  for (let t = frames - 1; t >= 0; t--) {
    const c = cands[t]![k]!
    f0[t] = c.f0
    strength[t] = c.f0 > 0 ? c.strength : 0
    k = from[t]![k]!
  }
  return { f0, strength, hopS }
}

function transition(a: Candidate, b: Candidate, o: Required<PitchOptions>): number {
  if (a.f0 === 0 && b.f0 === 0) return 0
  if (a.f0 === 0 || b.f0 === 0) return o.voicedUnvoicedCost
  return o.octaveJumpCost * Math.abs(Math.log2(a.f0 / b.f0))
}

/**
 * Linear autocorrelation (the frame is zero-padded, so not circular) via |FFT|², returned on a lag grid `up`
 * times finer than the samples by zero-padding the power spectrum before the inverse transform.
 */
class Autocorrelator {
  private readonly fft: FFT
  private readonly fine: FFT
  private readonly spec: number[]
  private readonly power: Float64Array
  private readonly back: number[]
  private readonly out: Float64Array

  constructor(
    private readonly n: number,
    private readonly up: number,
    lags: number,
  ) {
    this.fft = new FFT(n)
    this.fine = new FFT(n * up)
    this.spec = this.fft.createComplexArray() as number[]
    this.power = new Float64Array(n * up)
    this.back = this.fine.createComplexArray() as number[]
    this.out = new Float64Array(lags * up + 2)
  }

  compute(frame: Float64Array): Float64Array {
    const { n, up, spec, power, back, out } = this
    this.fft.realTransform(spec, frame)
    // Even, real power spectrum on the fine grid: bins 0 … n/2 and their mirror, zeros between.
    power.fill(0)
    const big = n * up
    for (let k = 0; k <= n / 2; k++) {
      const p = spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2
      const v = k === n / 2 ? p / 2 : p
      power[k] = v
      if (k > 0) power[big - k] = v
    }
    this.fine.realTransform(back, power)
    for (let lag = 0; lag < out.length; lag++) out[lag] = back[2 * lag]!
    return out
  }
}

/**
 * Praat's cross-correlation harmonicity ("To Harmonicity (cc)", one period of the floor per window) at the
 * periods a pitch track chose: per voiced frame, the largest normalised cross-correlation between a window of
 * 1 / minHz seconds and the same window one period later, searched within ±10 % of the track's period and
 * refined by a parabola; 0 where the track is unvoiced. HNR = 10·log10(r / (1 − r)). The cross-correlation
 * needs no window correction, so it reads a little higher than the autocorrelation on the same cry.
 */
export function crossCorrelationHarmonicity(
  samples: Float32Array,
  sampleRate: number,
  track: PitchTrack,
  minHz = DEFAULTS.minHz,
): Float32Array {
  const hop = Math.max(1, Math.round(track.hopS * sampleRate))
  const w = Math.max(2, Math.round(sampleRate / minHz))
  const out = new Float32Array(track.f0.length)
  const at = (i: number) => samples[i] ?? 0
  const cc = (start: number, lag: number): number => {
    let xy = 0
    let xx = 0
    let yy = 0
    for (let i = 0; i < w; i++) {
      const a = at(start + i)
      const b = at(start + i + lag)
      xy += a * b
      xx += a * a
      yy += b * b
    }
    return xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0
  }
  for (let f = 0; f < track.f0.length; f++) {
    const f0 = track.f0[f]!
    if (!(f0 > 0)) continue
    const period = sampleRate / f0
    const centre = f * hop + hop / 2
    const start = Math.round(centre - (w + period) / 2)
    const lo = Math.max(1, Math.floor(period * 0.9))
    const hi = Math.ceil(period * 1.1)
    let best = -1
    let bestLag = lo
    for (let lag = lo; lag <= hi; lag++) {
      const r = cc(start, lag)
      if (r > best) {
        best = r
        bestLag = lag
      }
    }
    let r = best
    if (bestLag > lo && bestLag < hi) {
      const a = cc(start, bestLag - 1)
      const c = cc(start, bestLag + 1)
      const d = a - 2 * best + c
      if (d < 0) r = best - (a - c) ** 2 / (8 * d)
    }
    out[f] = Math.max(0, Math.min(1, r))
  }
  return out
}
