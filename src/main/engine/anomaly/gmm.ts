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
import { pack, unpack, type PackedArray } from './serial'
import { ptr, SimdArena } from './simd/kernels'
import { copyValues } from './split'
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
/**
 * Rows per block of the covariance scatter: the block (d × 128 doubles, 192 KiB at d = 192) stays in a core's
 * second-level cache while its products are summed.
 */
const SCATTER_BLOCK = 128
/** Rows per chunk when scoring (a multiple of the Mahalanobis kernel's four rows): 1.5 MiB of rows at d = 192. */
const SCORE_ROWS = 1024
const LOG_2PI = Math.log(2 * Math.PI)

export class IllDefinedCovarianceError extends Error {
  constructor() {
    super(
      'Gaussian mixture: a component has an ill-defined covariance (too few or collapsed cries); ' +
        'use fewer components or a larger reg_covar',
    )
  }
}

/**
 * The rows and scratch of one EM run (or one scoring call) in SIMD memory: the embeddings once (a scoring call:
 * up to `capacity` of them at a time, see loadRows), then per component a mean and a precision factor copied in
 * before each kernel call.
 */
export class MixtureWorkspace {
  readonly arena: SimdArena
  readonly x: Float64Array
  readonly out: Float64Array
  readonly scratch: Float64Array
  readonly mean: Float64Array
  readonly ut: Float64Array
  readonly cov: Float64Array
  /** The scatter's block of rows, centred, weighted and transposed (d rows of blk + 2: see scatterF64). */
  private readonly block: Float64Array
  private readonly blk: number
  /** tied: Uᵀx for every row. */
  readonly y: Float64Array
  readonly w: Float64Array
  private readonly sqrtW: Float64Array
  gram: Float64Array | null = null

  /** Rows held now (≤ the capacity the workspace was made for). */
  n: number

  constructor(
    x: ArrayLike<number>,
    n: number,
    readonly d: number,
    readonly type: CovarianceType,
    readonly forFit: boolean,
    capacity = n,
  ) {
    this.n = n
    const nd = capacity * d
    this.blk = forFit && type !== 'diag' ? Math.max(1, Math.min(n, SCATTER_BLOCK)) : 0
    const sw = forFit ? n : 0
    const y = type === 'tied' ? nd : 0
    this.arena = new SimdArena(
      SimdArena.bytes({ f64: [nd, n, 4 * d, d, d * d, d * d, d * (this.blk + 2), sw, y] }),
    )
    this.x = this.arena.f64(nd)
    copyValues(this.x, x, n * d)
    this.out = this.arena.f64(capacity)
    this.scratch = this.arena.f64(4 * d)
    this.mean = this.arena.f64(d)
    this.ut = this.arena.f64(d * d)
    this.cov = this.arena.f64(d * d)
    this.block = this.arena.f64(d * (this.blk + 2))
    this.sqrtW = this.arena.f64(sw)
    this.y = this.arena.f64(y)
    this.w = new Float64Array(n)
  }

  /** Holds rows from..from + count of x (n × d) instead, count ≤ the capacity. */
  loadRows(x: ArrayLike<number>, from: number, count: number): void {
    const { d } = this
    if (count * d > this.x.length) throw new Error('MixtureWorkspace: more rows than its capacity')
    copyValues(this.x, x, count * d, from * d)
    this.n = count
  }

  /** ws.out[i] = ‖Uᵀ(xᵢ − μ)‖² for the factor and mean given (copied in). */
  mahalanobis(mean: Float64Array | null, ut: Float64Array, transformed = false): Float64Array {
    if (mean) this.mean.set(mean)
    this.ut.set(ut)
    this.arena.k.mahalanobisF64(
      ptr(this.x),
      this.n,
      this.d,
      mean ? ptr(this.mean) : 0,
      ptr(this.ut),
      ptr(this.out),
      transformed ? ptr(this.y) : 0,
      ptr(this.scratch),
    )
    return this.out
  }

  /** out[at..at + d) = Σᵢ wᵢ xᵢ over the rows with wᵢ ≠ 0, in row order (as the scalar loop sums them). */
  weightedSum(w: Float64Array, out: Float64Array, at: number): void {
    this.sqrtW.set(w)
    this.arena.k.weightedColumnSumsF64(ptr(this.x), this.n, this.d, ptr(this.sqrtW), ptr(this.mean))
    out.set(this.mean, at)
  }

  /** ws.cov = Σᵢ wᵢ (xᵢ − μ)(xᵢ − μ)ᵀ (both triangles). */
  weightedScatter(mean: Float64Array, w: Float64Array): Float64Array {
    const { n, d } = this
    const sw = this.sqrtW
    for (let i = 0; i < n; i++) sw[i] = Math.sqrt(w[i])
    this.mean.set(mean)
    this.arena.k.scatterF64(
      ptr(this.x),
      n,
      d,
      ptr(this.mean),
      ptr(sw),
      ptr(this.cov),
      ptr(this.block),
      this.blk,
      this.blk + 2,
    )
    return this.cov
  }

  /**
   * scikit-learn's precision factor of the covariance in ws.cov, as Uᵀ = L⁻¹ (a view of ws.ut, valid until the
   * next call); ws.cov is overwritten by its Cholesky factor.
   */
  precisionFactor(): Float64Array {
    if (!this.arena.k.choleskyF64(ptr(this.cov), this.d)) throw new IllDefinedCovarianceError()
    this.arena.k.inverseLowerF64(ptr(this.cov), this.d, ptr(this.ut))
    return this.ut
  }

  /** XᵀX, computed on first use (it does not change across EM iterations). */
  gramOfRows(): Float64Array {
    if (!this.gram) {
      const { n, d } = this
      this.arena.k.scatterF64(ptr(this.x), n, d, 0, 0, ptr(this.cov), ptr(this.block), this.blk, this.blk + 2)
      this.gram = Float64Array.from(this.cov)
    }
    return this.gram
  }
}

/** log(w_k) + log N(x_i | μ_k, Σ_k), n×k row-major, for the rows in the workspace. */
export function weightedLogProb(p: MixtureParams, ws: MixtureWorkspace, out = new Float64Array(ws.n * p.k)) {
  const { k, d, means, precChol, weights } = p
  const { n, x } = ws
  if (p.covarianceType === 'full') {
    for (let c = 0; c < k; c++) {
      const ut = precChol.subarray(c * d * d, (c + 1) * d * d)
      let logDet = 0
      for (let j = 0; j < d; j++) logDet += Math.log(ut[j * d + j])
      const col = ws.mahalanobis(means.subarray(c * d, c * d + d), ut)
      const base = -0.5 * d * LOG_2PI + logDet + Math.log(weights[c])
      for (let i = 0; i < n; i++) out[i * k + c] = base - 0.5 * col[i]
    }
  } else if (p.covarianceType === 'tied') {
    let logDet = 0
    for (let j = 0; j < d; j++) logDet += Math.log(precChol[j * d + j])
    ws.mahalanobis(null, precChol, true)
    const y = ws.y
    // Uᵀμ_k for each component (k·d², negligible).
    const my = new Float64Array(k * d)
    for (let c = 0; c < k; c++)
      for (let j = 0; j < d; j++) {
        let s = 0
        for (let t = 0; t <= j; t++) s += means[c * d + t] * precChol[j * d + t]
        my[c * d + j] = s
      }
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
export function logSumExpRows(a: Float64Array, n: number, k: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const o = i * k
    let m = -Infinity
    for (let j = 0; j < k; j++) if (a[o + j] > m) m = a[o + j]
    if (m === -Infinity) {
      out[i] = -Infinity
      continue
    }
    let s = 0
    for (let j = 0; j < k; j++) s += Math.exp(a[o + j] - m)
    out[i] = m + Math.log(s)
  }
}

export function logLikelihood(p: MixtureParams, x: ArrayLike<number>, n: number): Float64Array {
  // Rows are scored SCORE_ROWS at a time through one small workspace, not copied whole into SIMD memory: each
  // row's value does not depend on the others (the chunks keep the kernel's groups of four rows).
  const rows = Math.min(n, SCORE_ROWS)
  const ws = new MixtureWorkspace(x, rows, p.d, p.covarianceType, false)
  const wlp = new Float64Array(rows * p.k)
  const out = new Float64Array(n)
  for (let from = 0; from < n; from += rows) {
    const count = Math.min(rows, n - from)
    if (from > 0) ws.loadRows(x, from, count)
    weightedLogProb(p, ws, wlp)
    logSumExpRows(wlp, count, p.k, out.subarray(from, from + count))
  }
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

/** M-step from responsibilities (n×k). `initial` reproduces scikit-learn's _initialize (weights = nk / n). */
export function mStep(
  ws: MixtureWorkspace,
  resp: Float64Array,
  s: EmSettings,
  initial: boolean,
  /** One full component: receives its empirical (unshrunk, unregularised) covariance. */
  empirical?: Float64Array,
): MixtureParams {
  const { k, covarianceType, regCovar } = s
  const { x, n, d } = ws
  const nk = new Float64Array(k)
  const means = new Float64Array(k * d)
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      const r = resp[i * k + c]
      ws.w[i] = r
      if (r !== 0) nk[c] += r
    }
    ws.weightedSum(ws.w, means, c * d)
  }
  for (let c = 0; c < k; c++) {
    nk[c] += EPS10
    for (let j = 0; j < d; j++) means[c * d + j] /= nk[c]
  }
  let precChol: Float64Array
  if (covarianceType === 'full') {
    precChol = new Float64Array(k * d * d)
    for (let c = 0; c < k; c++) {
      let sr2 = 0
      for (let i = 0; i < n; i++) {
        const r = resp[i * k + c]
        ws.w[i] = r
        sr2 += r * r
      }
      const cov = ws.weightedScatter(means.subarray(c * d, c * d + d), ws.w)
      for (let i = 0; i < d * d; i++) cov[i] /= nk[c]
      if (empirical && k === 1) empirical.set(cov)
      if (s.shrinkage === 'oas')
        oasShrinkInPlace(cov, d, sr2 > 0 ? ((nk[c] - EPS10) * (nk[c] - EPS10)) / sr2 : 1)
      for (let j = 0; j < d; j++) cov[j * d + j] += regCovar
      precChol.set(ws.precisionFactor(), c * d * d)
    }
  } else if (covarianceType === 'tied') {
    // Σ = (XᵀX − Σ_k n_k μ_k μ_kᵀ) / Σ n_k, as scikit-learn; XᵀX does not change across iterations.
    const cov = ws.cov
    cov.set(ws.gramOfRows())
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
    precChol = Float64Array.from(ws.precisionFactor())
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
  x: ArrayLike<number>,
  n: number,
  d: number,
  s: EmSettings,
  initialResp: Float64Array,
  /** A fit workspace already holding these rows (e.g. shared by the candidates of a selection); made when absent. */
  workspace?: MixtureWorkspace,
): FitSteps<EmResult> {
  const ws =
    workspace &&
    workspace.forFit &&
    workspace.type === s.covarianceType &&
    workspace.d === d &&
    workspace.n === n
      ? workspace
      : new MixtureWorkspace(x, n, d, s.covarianceType, true)
  const full1 = s.k === 1 && s.covarianceType === 'full' && n > d
  const empirical = full1 ? new Float64Array(d * d) : undefined
  let params = mStep(ws, initialResp, s, true, empirical)
  let lowerBound = -Infinity
  let converged = false
  let iter = 0
  if (full1) {
    // One full component: the mean log-likelihood of its own rows needs no pass over them (n·d²): their mean
    // Mahalanobis distance is trace(P S) for the empirical covariance S and P = UUᵀ, U = Lᵀ⁻¹ (d³/2).
    return {
      params,
      iterations: 1,
      converged: true,
      lowerBound: meanLogLikelihoodOfFit(params, empirical!, ws),
    }
  }
  const wlp = new Float64Array(n * s.k)
  const norm = new Float64Array(n)
  if (s.k === 1) {
    // One component: every responsibility is 1 whatever the E-step says, so the first M-step is the fixed point.
    weightedLogProb(params, ws, wlp)
    logSumExpRows(wlp, n, 1, norm)
    let mean = 0
    for (let i = 0; i < n; i++) mean += norm[i]
    return { params, iterations: 1, converged: true, lowerBound: mean / n }
  }
  for (iter = 1; iter <= s.maxIter; iter++) {
    const prev = lowerBound
    weightedLogProb(params, ws, wlp)
    logSumExpRows(wlp, n, s.k, norm)
    let mean = 0
    for (let i = 0; i < n; i++) mean += norm[i]
    mean /= n
    for (let i = 0; i < n; i++)
      for (let c = 0; c < s.k; c++) wlp[i * s.k + c] = Math.exp(wlp[i * s.k + c] - norm[i])
    params = mStep(ws, wlp, s, false)
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

/**
 * Mean log N(xᵢ | μ, Σ) over the rows a one-component full fit was made on, from their covariance S (exactly
 * symmetric, as the scatter makes it).
 */
function meanLogLikelihoodOfFit(p: MixtureParams, s: Float64Array, ws: MixtureWorkspace): number {
  const { d, precChol: ut } = p
  let logDet = 0
  for (let j = 0; j < d; j++) logDet += Math.log(ut[j * d + j])
  // trace(Uᵀ-rows · S · rows) = Σ_j u_j S u_jᵀ, u_j the j-th row of the lower-triangular factor (in the
  // workspace's factor and covariance buffers, free once the fit is made).
  ws.ut.set(ut)
  ws.cov.set(s)
  const trace = ws.arena.k.traceTriQuadF64(ptr(ws.ut), ptr(ws.cov), d, ptr(ws.scratch))
  return -0.5 * d * LOG_2PI + logDet + Math.log(p.weights[0]) - 0.5 * trace
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
    return logLikelihood(this.mixture, x, n)
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
