// Gaussian mixture by EM, step for step scikit-learn's GaussianMixture (1.2): responsibilities → M-step with
// nk + 10·eps, reg_covar on the covariance diagonal, precision factor U = (L⁻¹)ᵀ; convergence when the mean
// log-likelihood (measured before each M-step) changes by less than tol; the returned parameters are those after
// the last M-step. So from the same initial responsibilities the log-likelihoods match scikit-learn's.
//
// Singular covariances (192-d embeddings, a few dozen cries): the parity mode ('none') keeps scikit-learn's
// plain maximum-likelihood M-step. The default ('oas') shrinks each full/tied covariance towards a scaled
// identity with the Oracle Approximating Shrinkage intensity (Chen, Wiesel, Eldar & Hero 2010), computed from the
// component's effective sample size: the estimator designed for n ≲ d Gaussian data, with no tuned constant.
// Which structure (full / tied / diag) and how many components is then chosen on held-out recordings
// (gmm-select.ts).
import {
  choleskyLower,
  gramLower,
  inverseLower,
  logSumExpRows,
  mahalanobisRows,
  transformRows,
  weightedScatter,
} from './linalg'
import { pack, unpack, type PackedArray } from './serial'
import type { FitSteps } from './steps'
import { checkMatrix, type AnomalyModel, type AnomalyModelJson } from './types'

export type CovarianceType = 'full' | 'diag' | 'tied'
export type Shrinkage = 'none' | 'oas'

export interface EmSettings {
  k: number
  covarianceType: CovarianceType
  regCovar: number
  tol: number
  maxIter: number
  shrinkage: Shrinkage
}

/** Parameters in scikit-learn's terms, except `precChol` for full/tied is stored as Uᵀ = L⁻¹ (lower, row-major). */
export interface MixtureParams {
  k: number
  d: number
  covarianceType: CovarianceType
  weights: Float64Array
  means: Float64Array
  /** full: k·d·d (each L⁻¹); tied: d·d; diag: k·d (1/σ). */
  precChol: Float64Array
}

export interface EmResult {
  params: MixtureParams
  iterations: number
  converged: boolean
  /** Mean log-likelihood of the training rows before the last M-step (scikit-learn's lower_bound_). */
  lowerBound: number
}

const EPS10 = 10 * 2.220446049250313e-16
const LOG_2PI = Math.log(2 * Math.PI)

export class IllDefinedCovarianceError extends Error {
  constructor() {
    super(
      'Gaussian mixture: a component has an ill-defined covariance (too few or collapsed cries); ' +
        'use fewer components or a larger reg_covar',
    )
  }
}

/** log(w_k) + log N(x_i | μ_k, Σ_k), n×k row-major. */
export function weightedLogProb(
  p: MixtureParams,
  x: Float64Array,
  n: number,
  out = new Float64Array(n * p.k),
) {
  const { k, d, means, precChol, weights } = p
  const col = new Float64Array(n)
  if (p.covarianceType === 'full') {
    const scratch = new Float64Array(4 * d)
    for (let c = 0; c < k; c++) {
      const ut = precChol.subarray(c * d * d, (c + 1) * d * d)
      let logDet = 0
      for (let j = 0; j < d; j++) logDet += Math.log(ut[j * d + j])
      mahalanobisRows(x, n, d, means.subarray(c * d, c * d + d), ut, col, scratch)
      const base = -0.5 * d * LOG_2PI + logDet + Math.log(weights[c])
      for (let i = 0; i < n; i++) out[i * k + c] = base - 0.5 * col[i]
    }
  } else if (p.covarianceType === 'tied') {
    let logDet = 0
    for (let j = 0; j < d; j++) logDet += Math.log(precChol[j * d + j])
    const y = new Float64Array(n * d)
    transformRows(x, n, d, precChol, y)
    const my = new Float64Array(k * d)
    transformRows(means, k, d, precChol, my)
    for (let c = 0; c < k; c++) {
      const base = -0.5 * d * LOG_2PI + logDet + Math.log(weights[c])
      const mo = c * d
      for (let i = 0; i < n; i++) {
        const yo = i * d
        let q = 0
        for (let j = 0; j < d; j++) {
          const t = y[yo + j] - my[mo + j]
          q += t * t
        }
        out[i * k + c] = base - 0.5 * q
      }
    }
  } else {
    for (let c = 0; c < k; c++) {
      const po = c * d
      let logDet = 0
      for (let j = 0; j < d; j++) logDet += Math.log(precChol[po + j])
      const base = -0.5 * d * LOG_2PI + logDet + Math.log(weights[c])
      for (let i = 0; i < n; i++) {
        const xo = i * d
        let q = 0
        for (let j = 0; j < d; j++) {
          const t = (x[xo + j] - means[po + j]) * precChol[po + j]
          q += t * t
        }
        out[i * k + c] = base - 0.5 * q
      }
    }
  }
  return out
}

/** log p(x_i) under the mixture (scikit-learn's score_samples). */
export function logLikelihood(p: MixtureParams, x: Float64Array, n: number): Float64Array {
  const wlp = weightedLogProb(p, x, n)
  const out = new Float64Array(n)
  logSumExpRows(wlp, n, p.k, out)
  return out
}

/** OAS shrinkage of a d×d covariance in place (Chen et al. 2010, as sklearn.covariance.oas), given n samples. */
export function oasShrinkInPlace(s: Float64Array, d: number, nEff: number): number {
  let tr = 0
  let fro = 0
  for (let i = 0; i < d; i++) tr += s[i * d + i]
  for (let i = 0; i < d * d; i++) fro += s[i] * s[i]
  const mu = tr / d
  const alpha = fro / (d * d)
  const num = alpha + mu * mu
  const den = (nEff + 1) * (alpha - (mu * mu) / d)
  const shrink = den === 0 ? 1 : Math.min(num / den, 1)
  for (let i = 0; i < d * d; i++) s[i] *= 1 - shrink
  for (let i = 0; i < d; i++) s[i * d + i] += shrink * mu
  return shrink
}

/** Scratch reused across EM iterations of one fit. */
class EmWorkspace {
  readonly zt: Float64Array
  readonly cov: Float64Array
  readonly w: Float64Array
  gram: Float64Array | null = null
  constructor(n: number, d: number, full: boolean) {
    this.zt = new Float64Array(full ? n * d : 0)
    this.cov = new Float64Array(d * d)
    this.w = new Float64Array(n)
  }
}

/** M-step from responsibilities (n×k). `initial` reproduces scikit-learn's _initialize (weights = nk / n). */
export function mStep(
  x: Float64Array,
  n: number,
  d: number,
  resp: Float64Array,
  s: EmSettings,
  initial: boolean,
  ws = new EmWorkspace(n, d, s.covarianceType === 'full'),
): MixtureParams {
  const { k, covarianceType, regCovar } = s
  const nk = new Float64Array(k)
  const means = new Float64Array(k * d)
  for (let i = 0; i < n; i++) {
    const xo = i * d
    for (let c = 0; c < k; c++) {
      const r = resp[i * k + c]
      if (r === 0) continue
      nk[c] += r
      const mo = c * d
      for (let j = 0; j < d; j++) means[mo + j] += r * x[xo + j]
    }
  }
  for (let c = 0; c < k; c++) {
    nk[c] += EPS10
    for (let j = 0; j < d; j++) means[c * d + j] /= nk[c]
  }
  let precChol: Float64Array
  if (covarianceType === 'full') {
    precChol = new Float64Array(k * d * d)
    const cov = ws.cov
    for (let c = 0; c < k; c++) {
      let sr2 = 0
      for (let i = 0; i < n; i++) {
        const r = resp[i * k + c]
        ws.w[i] = r
        sr2 += r * r
      }
      weightedScatter(x, n, d, means.subarray(c * d, c * d + d), ws.w, cov, ws.zt)
      for (let i = 0; i < d * d; i++) cov[i] /= nk[c]
      if (s.shrinkage === 'oas')
        oasShrinkInPlace(cov, d, sr2 > 0 ? ((nk[c] - EPS10) * (nk[c] - EPS10)) / sr2 : 1)
      for (let j = 0; j < d; j++) cov[j * d + j] += regCovar
      if (!choleskyLower(cov, d)) throw new IllDefinedCovarianceError()
      precChol.set(inverseLower(cov, d), c * d * d)
    }
  } else if (covarianceType === 'tied') {
    // Σ = (XᵀX − Σ_k n_k μ_k μ_kᵀ) / Σ n_k, as scikit-learn; XᵀX does not change across iterations.
    if (!ws.gram) {
      ws.gram = new Float64Array(d * d)
      const xt = new Float64Array(n * d)
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xt[j * n + i] = x[i * d + j]
      gramLower(xt, d, n, ws.gram)
    }
    const cov = ws.cov
    cov.set(ws.gram)
    let total = 0
    for (let c = 0; c < k; c++) {
      total += nk[c]
      const mo = c * d
      for (let a = 0; a < d; a++) {
        const f = nk[c] * means[mo + a]
        for (let b = 0; b < d; b++) cov[a * d + b] -= f * means[mo + b]
      }
    }
    for (let i = 0; i < d * d; i++) cov[i] /= total
    if (s.shrinkage === 'oas') oasShrinkInPlace(cov, d, n)
    for (let j = 0; j < d; j++) cov[j * d + j] += regCovar
    if (!choleskyLower(cov, d)) throw new IllDefinedCovarianceError()
    precChol = inverseLower(cov, d)
  } else {
    precChol = new Float64Array(k * d)
    for (let c = 0; c < k; c++) {
      const mo = c * d
      for (let i = 0; i < n; i++) {
        const r = resp[i * k + c]
        if (r === 0) continue
        const xo = i * d
        for (let j = 0; j < d; j++) {
          const t = x[xo + j] - means[mo + j]
          precChol[mo + j] += r * t * t
        }
      }
      for (let j = 0; j < d; j++) {
        const v = precChol[mo + j] / nk[c] + regCovar
        if (!(v > 0)) throw new IllDefinedCovarianceError()
        precChol[mo + j] = 1 / Math.sqrt(v)
      }
    }
  }
  const weights = new Float64Array(k)
  let sum = 0
  for (let c = 0; c < k; c++) sum += nk[c]
  for (let c = 0; c < k; c++) weights[c] = nk[c] / (initial ? n : sum)
  return { k, d, covarianceType, weights, means, precChol }
}

export function responsibilitiesFromLabels(labels: ArrayLike<number>, n: number, k: number): Float64Array {
  const resp = new Float64Array(n * k)
  for (let i = 0; i < n; i++) resp[i * k + labels[i]] = 1
  return resp
}

/** EM from initial responsibilities. Yields after every iteration. */
export function* emSteps(
  x: Float64Array,
  n: number,
  d: number,
  s: EmSettings,
  initialResp: Float64Array,
): FitSteps<EmResult> {
  const ws = new EmWorkspace(n, d, s.covarianceType === 'full')
  let params = mStep(x, n, d, initialResp, s, true, ws)
  let lowerBound = -Infinity
  let converged = false
  let iter = 0
  const wlp = new Float64Array(n * s.k)
  const norm = new Float64Array(n)
  for (iter = 1; iter <= s.maxIter; iter++) {
    const prev = lowerBound
    weightedLogProb(params, x, n, wlp)
    logSumExpRows(wlp, n, s.k, norm)
    let mean = 0
    for (let i = 0; i < n; i++) mean += norm[i]
    mean /= n
    for (let i = 0; i < n; i++)
      for (let c = 0; c < s.k; c++) wlp[i * s.k + c] = Math.exp(wlp[i * s.k + c] - norm[i])
    params = mStep(x, n, d, wlp, s, false, ws)
    lowerBound = mean
    yield {
      stage: 'gmm',
      fraction: iter / s.maxIter,
      detail: `K=${s.k} ${s.covarianceType}: EM step ${iter}, mean log-likelihood ${mean.toFixed(3)}`,
    }
    if (Math.abs(lowerBound - prev) < s.tol) {
      converged = true
      break
    }
  }
  return { params, iterations: Math.min(iter, s.maxIter), converged, lowerBound }
}

/** scikit-learn's _n_parameters, for BIC. */
export function parameterCount(k: number, d: number, t: CovarianceType): number {
  const cov = t === 'full' ? (k * d * (d + 1)) / 2 : t === 'diag' ? k * d : (d * (d + 1)) / 2
  return cov + k * d + k - 1
}

export interface GmmJson extends AnomalyModelJson {
  kind: 'gmm'
  params: {
    k: number
    covarianceType: CovarianceType
    regCovar: number
    shrinkage: Shrinkage
    tol: number
    kmeansInits?: number
  }
  weights: PackedArray
  means: PackedArray
  precisionCholeskyT: PackedArray
  fit: { n: number; iterations: number; converged: boolean; lowerBound: number; selection?: unknown }
}

/** A fitted mixture. Raw anomaly score = −log p(x). */
export class GaussianMixture implements AnomalyModel<'gmm', GmmJson> {
  readonly kind = 'gmm' as const
  constructor(
    readonly mixture: MixtureParams,
    readonly settings: GmmJson['params'],
    readonly fit: GmmJson['fit'],
  ) {}

  get d(): number {
    return this.mixture.d
  }

  logLikelihood(x: ArrayLike<number>, n: number): Float64Array {
    checkMatrix(x, n, this.d)
    const x64 = x instanceof Float64Array ? x : Float64Array.from({ length: n * this.d }, (_, i) => x[i])
    return logLikelihood(this.mixture, x64, n)
  }

  score(x: Float32Array | Float64Array, n: number): Float64Array {
    const ll = this.logLikelihood(x, n)
    for (let i = 0; i < n; i++) ll[i] = -ll[i]
    return ll
  }

  toJSON(): GmmJson {
    const { k, d, weights, means, precChol, covarianceType } = this.mixture
    return {
      kind: 'gmm',
      version: 1,
      d,
      params: { ...this.settings },
      weights: pack(weights),
      means: pack(means, [k, d]),
      precisionCholeskyT: pack(
        precChol,
        covarianceType === 'full' ? [k, d, d] : covarianceType === 'tied' ? [d, d] : [k, d],
      ),
      fit: { ...this.fit },
    }
  }

  static fromJSON(j: GmmJson): GaussianMixture {
    const mixture: MixtureParams = {
      k: j.params.k,
      d: j.d,
      covarianceType: j.params.covarianceType,
      weights: unpack(j.weights),
      means: unpack(j.means),
      precChol: unpack(j.precisionCholeskyT),
    }
    return new GaussianMixture(mixture, j.params, j.fit)
  }
}
