// Infant verification metrics (protocol C of docs/evaluation.md): trials between recordings, cosine scores,
// equal error rate and the minimum detection cost, as in the NIST SRE / VoxCeleb / CryCeleb evaluations.
import { rocCurve, type RocPoint as RocCurvePoint } from '../eval/roc'
import { cosine } from './backbone'

export interface TrialRecording {
  infant: string
  platform: string
}

export interface Trials {
  /** Pairs of recording indices (i < j). */
  a: Int32Array
  b: Int32Array
  target: Uint8Array
}

/** Every pair of recordings (optionally only those on the same platform); target = same infant. */
export function verificationTrials(recs: readonly TrialRecording[], samePlatform: boolean): Trials {
  const a: number[] = []
  const b: number[] = []
  const target: number[] = []
  for (let i = 0; i < recs.length; i++)
    for (let j = i + 1; j < recs.length; j++) {
      if (samePlatform && recs[i]!.platform !== recs[j]!.platform) continue
      a.push(i)
      b.push(j)
      target.push(recs[i]!.infant === recs[j]!.infant ? 1 : 0)
    }
  return { a: Int32Array.from(a), b: Int32Array.from(b), target: Uint8Array.from(target) }
}

export function trialScores(embeddings: readonly Float32Array[], trials: Trials): Float64Array {
  const s = new Float64Array(trials.a.length)
  for (let k = 0; k < s.length; k++) s[k] = cosine(embeddings[trials.a[k]!]!, embeddings[trials.b[k]!]!)
  return s
}

interface RocPoint {
  fpr: number
  fnr: number
}

/** Operating points for every threshold between distinct scores (accept when score ≥ threshold). */
function roc(scores: ArrayLike<number>, target: ArrayLike<number>): RocPoint[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((i, j) => scores[j]! - scores[i]!)
  let nT = 0
  for (let i = 0; i < target.length; i++) nT += target[i]! ? 1 : 0
  const nN = target.length - nT
  const pts: RocPoint[] = [{ fpr: 0, fnr: 1 }]
  let tp = 0
  let fp = 0
  for (let k = 0; k < idx.length; k++) {
    if (target[idx[k]!]) tp++
    else fp++
    // Ties move together: a threshold cannot separate equal scores.
    if (k + 1 < idx.length && scores[idx[k + 1]!] === scores[idx[k]!]) continue
    pts.push({ fpr: fp / nN, fnr: 1 - tp / nT })
  }
  return pts
}

/**
 * Equal error rate: where the ROC polyline crosses FNR = FPR (linear interpolation between the operating
 * points around the crossing). NaN without both target and non-target trials.
 */
export function equalErrorRate(scores: ArrayLike<number>, target: ArrayLike<number>): number {
  if (!hasBothClasses(target)) return Number.NaN
  const pts = roc(scores, target)
  for (let k = 1; k < pts.length; k++) {
    const p = pts[k - 1]!
    const q = pts[k]!
    const d0 = p.fnr - p.fpr
    const d1 = q.fnr - q.fpr
    if (d0 >= 0 && d1 <= 0) {
      if (d0 === d1) return (p.fpr + p.fnr) / 2
      const u = d0 / (d0 - d1)
      return p.fpr + u * (q.fpr - p.fpr)
    }
  }
  return Number.NaN
}

/**
 * Minimum normalised detection cost over thresholds: min over θ of C_miss·P_miss·p + C_fa·P_fa·(1 − p),
 * divided by min(C_miss·p, C_fa·(1 − p)) (the cost of the best trivial decision), so 1.0 means no better than
 * always accepting or always rejecting.
 */
export function minDcf(
  scores: ArrayLike<number>,
  target: ArrayLike<number>,
  pTarget = 0.05,
  cMiss = 1,
  cFa = 1,
): number {
  if (!hasBothClasses(target)) return Number.NaN
  let best = Infinity
  for (const p of roc(scores, target))
    best = Math.min(best, cMiss * p.fnr * pTarget + cFa * p.fpr * (1 - pTarget))
  return best / Math.min(cMiss * pTarget, cFa * (1 - pTarget))
}

export interface VerificationFigures {
  eer: number
  eer_all_pairs: number
  min_dcf: number
  target_trials: number
  nontarget_trials: number
  target_trials_all_pairs: number
  nontarget_trials_all_pairs: number
  /** ROC points of the same-platform trials (target = positive), for the workstation's chart. */
  roc?: RocCurvePoint[]
}

/** Protocol C's figures for recording embeddings (L2-normalised) and their infants and platforms. */
export function verificationFigures(
  embeddings: readonly Float32Array[],
  recs: readonly TrialRecording[],
): VerificationFigures {
  const same = verificationTrials(recs, true)
  const all = verificationTrials(recs, false)
  const sSame = trialScores(embeddings, same)
  const sAll = trialScores(embeddings, all)
  const count = (t: Uint8Array) => t.reduce((n, v) => n + v, 0)
  return {
    eer: equalErrorRate(sSame, same.target),
    eer_all_pairs: equalErrorRate(sAll, all.target),
    min_dcf: minDcf(sSame, same.target),
    target_trials: count(same.target),
    nontarget_trials: same.target.length - count(same.target),
    target_trials_all_pairs: count(all.target),
    nontarget_trials_all_pairs: all.target.length - count(all.target),
    roc: rocCurve(sSame, same.target),
  }
}

function hasBothClasses(target: ArrayLike<number>): boolean {
  let t = 0
  for (let i = 0; i < target.length; i++) t += target[i]! ? 1 : 0
  return t > 0 && t < target.length
}
