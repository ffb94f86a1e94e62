// Infant verification metrics (protocol C of docs/evaluation.md): trials between recordings, cosine scores,
// equal error rate and the minimum detection cost, as in the NIST SRE / VoxCeleb / CryCeleb evaluations.
import { rocCurve, type RocPoint as RocCurvePoint } from './roc'
import { cosine } from '../../engine/embed/backbone'

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

/**
 * Recordings of other infants that score normalisation compares each evaluated recording with: never an
 * evaluated infant (their identities must not leak into the scores), typically the infants a backbone was
 * trained on or, in cross-validation, the other folds.
 */
export interface ScoreCohort {
  embeddings: readonly Float32Array[]
  platforms: readonly string[]
}

/**
 * Cohort scores kept per recording by adaptive score normalisation (the closest ones). Chosen by 5-fold
 * infant-grouped cross-validation over the 264 infants outside the 14 evaluation infants (cohort: the other
 * folds), where the choice hardly matters: mean same-platform EER at top 10 / 25 / 50 / 100 / 200 / all, log-mel
 * statistics 29.5 / 29.1 / 29.5 / 29.1 / 29.1 / 28.9 %, MFCC statistics 30.6 / 30.7 / 29.9 / 29.9 / 30.3 / 29.6 %,
 * acoustic 32.0 / 32.1 / 32.0 / 33.0 / 31.4 / 31.7 % (cosine: 31.6, 32.5, 32.3 %).
 */
export const AS_NORM_TOP = 50

/**
 * Adaptive symmetric score normalisation (AS-norm; Matějka et al., Interspeech 2017): each recording's cosine
 * scores against the cohort recordings of its own platform (the trials are same-platform, so the phone's codec
 * is part of what "usual" means), its `top` highest kept; a trial's score is the mean of its two z-scores,
 * (s − μ_a)/σ_a and (s − μ_b)/σ_b. It removes each recording's own tendency to score high or low against
 * everyone (a short, noisy or codec-heavy recording), which a single threshold over all trials cannot.
 */
export function asNormScores(
  embeddings: readonly Float32Array[],
  recs: readonly TrialRecording[],
  trials: Trials,
  cohort: ScoreCohort,
  top = AS_NORM_TOP,
): Float64Array {
  const mu = new Float64Array(embeddings.length)
  const sd = new Float64Array(embeddings.length)
  const used = new Uint8Array(embeddings.length)
  for (let k = 0; k < trials.a.length; k++) used[trials.a[k]!] = used[trials.b[k]!] = 1
  for (let i = 0; i < embeddings.length; i++) {
    if (!used[i]) continue
    const s: number[] = []
    for (let c = 0; c < cohort.embeddings.length; c++)
      if (cohort.platforms[c] === recs[i]!.platform) s.push(cosine(embeddings[i]!, cohort.embeddings[c]!))
    if (s.length < 2)
      throw new Error(
        `score normalisation: ${s.length} cohort recording(s) on platform "${recs[i]!.platform}" (needs ≥ 2)`,
      )
    s.sort((x, y) => y - x)
    const kept = s.slice(0, Math.max(2, Math.min(top, s.length)))
    const m = kept.reduce((a, v) => a + v, 0) / kept.length
    const v = kept.reduce((a, x) => a + (x - m) ** 2, 0) / kept.length
    mu[i] = m
    sd[i] = Math.sqrt(v) || 1e-9
  }
  const raw = trialScores(embeddings, trials)
  const out = new Float64Array(raw.length)
  for (let k = 0; k < raw.length; k++) {
    const a = trials.a[k]!
    const b = trials.b[k]!
    out[k] = 0.5 * ((raw[k]! - mu[a]!) / sd[a]! + (raw[k]! - mu[b]!) / sd[b]!)
  }
  return out
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
  /** 95 % interval of the same-platform EER by bootstrap over infants (percentile method), [lo, hi]. */
  eer_ci95: [number, number]
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
  /** With a cohort, trials are scored by AS-norm (`asNormScores`) instead of raw cosine. */
  cohort?: ScoreCohort,
): VerificationFigures {
  const same = verificationTrials(recs, true)
  const all = verificationTrials(recs, false)
  const score = (t: Trials) =>
    cohort ? asNormScores(embeddings, recs, t, cohort) : trialScores(embeddings, t)
  const sSame = score(same)
  const sAll = score(all)
  const count = (t: Uint8Array) => t.reduce((n, v) => n + v, 0)
  return {
    eer: equalErrorRate(sSame, same.target),
    eer_ci95: eerBootstrapInterval(sSame, same, recs),
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

/**
 * The EER's 95 % interval by resampling infants with replacement (B = 1000, fixed seed), since infants, not
 * trials, are the independent units: every trial of an infant drawn twice counts twice, a pair between two drawn
 * infants counts the product of their draws, and pairs between an infant's two copies (a recording with itself)
 * never occur. Each replicate's EER is the weighted ROC's crossing, as `equalErrorRate` computes it unweighted.
 */
export function eerBootstrapInterval(
  scores: ArrayLike<number>,
  trials: Trials,
  recs: readonly TrialRecording[],
  replicates = 1000,
  seed = 20261202,
): [number, number] {
  const infants = [...new Set(recs.map((r) => r.infant))]
  if (infants.length < 2 || !hasBothClasses(trials.target)) return [Number.NaN, Number.NaN]
  const index = new Map(infants.map((id, i) => [id, i]))
  const ia = Int32Array.from(trials.a, (r) => index.get(recs[r]!.infant)!)
  const ib = Int32Array.from(trials.b, (r) => index.get(recs[r]!.infant)!)
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((i, j) => scores[j]! - scores[i]!)
  let state = seed >>> 0
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const draws = new Float64Array(infants.length)
  const eers: number[] = []
  for (let b = 0; b < replicates; b++) {
    draws.fill(0)
    for (let k = 0; k < infants.length; k++) draws[Math.floor(random() * infants.length)]! += 1
    let nT = 0
    let nN = 0
    const w = new Float64Array(order.length)
    for (let k = 0; k < order.length; k++) {
      const t = order[k]!
      const weight = trials.target[t] ? draws[ia[t]!]! : draws[ia[t]!]! * draws[ib[t]!]!
      w[k] = weight
      if (trials.target[t]) nT += weight
      else nN += weight
    }
    if (nT === 0 || nN === 0) continue
    let tp = 0
    let fp = 0
    let prev = { fpr: 0, fnr: 1 }
    for (let k = 0; k < order.length; k++) {
      if (trials.target[order[k]!]) tp += w[k]!
      else fp += w[k]!
      if (k + 1 < order.length && scores[order[k + 1]!] === scores[order[k]!]) continue
      const q = { fpr: fp / nN, fnr: 1 - tp / nT }
      const d0 = prev.fnr - prev.fpr
      const d1 = q.fnr - q.fpr
      if (d0 >= 0 && d1 <= 0) {
        eers.push(d0 === d1 ? (prev.fpr + prev.fnr) / 2 : prev.fpr + (d0 / (d0 - d1)) * (q.fpr - prev.fpr))
        break
      }
      prev = q
    }
  }
  if (!eers.length) return [Number.NaN, Number.NaN]
  eers.sort((a, b) => a - b)
  const at = (q: number) => eers[Math.min(eers.length - 1, Math.max(0, Math.round(q * (eers.length - 1))))]!
  return [at(0.025), at(0.975)]
}
