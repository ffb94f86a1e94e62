// One-class SVM with an RBF kernel, scikit-learn's OneClassSVM semantics: gamma 'scale' = 1 / (d · Var(X)) over
// every entry of X, tol 1e-3, shrinking on, decision(x) = Σ αᵢ K(svᵢ, x) − ρ. The anomaly score is −decision.
// The solver is libsvm's, ported in ocsvm-solver.ts; this file owns the kernel rows and the fitted model.
import { pack, unpack, type PackedArray } from './serial'
import { solveOneClass, type KernelRows } from './ocsvm-solver'
import type { FitSteps } from './steps'
import { checkMatrix, type AnomalyModel, type AnomalyModelJson } from './types'

export interface OcsvmParams {
  /** Upper bound on the share of baseline cries outside the boundary; the method uses 0.05–0.1. */
  nu: number
  gamma: number | 'scale'
  tol: number
  shrinking: boolean
  /** 0 = until converged, as scikit-learn's max_iter = -1. */
  maxIter: number
  /** Kernel row cache, as libsvm's cache_size (scikit-learn's default 200 MB). */
  cacheMB: number
}

export const OCSVM_DEFAULTS: OcsvmParams = {
  nu: 0.1,
  gamma: 'scale',
  tol: 1e-3,
  shrinking: true,
  maxIter: 0,
  cacheMB: 200,
}

export interface OcsvmJson extends AnomalyModelJson {
  kind: 'ocsvm'
  params: { nu: number; gamma: number; tol: number; shrinking: boolean }
  supportVectors: PackedArray
  dualCoef: PackedArray
  rho: number
  fit: { n: number; iterations: number; converged: boolean }
}

/** scikit-learn's gamma='scale': 1 / (n_features · X.var()), the variance over all entries. */
export function scaleGamma(x: ArrayLike<number>, n: number, d: number): number {
  const m = n * d
  let sum = 0
  for (let i = 0; i < m; i++) sum += x[i]
  const mean = sum / m
  let ss = 0
  for (let i = 0; i < m; i++) {
    const t = x[i] - mean
    ss += t * t
  }
  const v = ss / m
  return v !== 0 ? 1 / (d * v) : 1
}

function squaredNorms(x: Float64Array, n: number, d: number): Float64Array {
  const sq = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let k = i * d, e = k + d; k < e; k++) s += x[k] * x[k]
    sq[i] = s
  }
  return sq
}

/** RBF kernel rows computed on demand and kept in an LRU cache, as libsvm's Cache (rows by original index). */
class RbfRows implements KernelRows {
  private readonly sq: Float64Array
  private readonly rows = new Map<number, { v: Float32Array; filled: Uint8Array; count: number }>()
  private readonly maxRows: number
  private readonly missing: Int32Array

  constructor(
    private readonly x: Float64Array,
    private readonly l: number,
    private readonly d: number,
    private readonly gamma: number,
    cacheMB: number,
  ) {
    this.sq = squaredNorms(x, l, d)
    this.maxRows = Math.max(2, Math.floor((cacheMB * 1024 * 1024) / (5 * l)))
    this.missing = new Int32Array(l)
  }

  diag(): number {
    return 1
  }

  /** Full rows for the given indices, four rows × two columns per pass (the initial gradient needs ν·l of them). */
  prefetch(as: Int32Array): void {
    const { x, d, sq, gamma, l } = this
    const need = as.filter((a) => !this.rows.has(a))
    const take = Math.min(need.length, this.maxRows - 2)
    let t = 0
    for (; t + 4 <= take; t += 4) {
      const a = [need[t], need[t + 1], need[t + 2], need[t + 3]]
      const r = a.map(() => new Float32Array(l))
      const [r0, r1, r2, r3] = r
      const a0 = a[0] * d
      const a1 = a[1] * d
      const a2 = a[2] * d
      const a3 = a[3] * d
      let b = 0
      for (; b + 2 <= l; b += 2) {
        const b0 = b * d
        const b1 = b0 + d
        let s00 = 0
        let s01 = 0
        let s10 = 0
        let s11 = 0
        let s20 = 0
        let s21 = 0
        let s30 = 0
        let s31 = 0
        for (let k = 0; k < d; k++) {
          const p = x[b0 + k]
          const q = x[b1 + k]
          const x0 = x[a0 + k]
          const x1 = x[a1 + k]
          const x2 = x[a2 + k]
          const x3 = x[a3 + k]
          s00 += x0 * p
          s01 += x0 * q
          s10 += x1 * p
          s11 += x1 * q
          s20 += x2 * p
          s21 += x2 * q
          s30 += x3 * p
          s31 += x3 * q
        }
        const sb0 = sq[b]
        const sb1 = sq[b + 1]
        r0[b] = Math.exp(-gamma * (sq[a[0]] + sb0 - 2 * s00))
        r0[b + 1] = Math.exp(-gamma * (sq[a[0]] + sb1 - 2 * s01))
        r1[b] = Math.exp(-gamma * (sq[a[1]] + sb0 - 2 * s10))
        r1[b + 1] = Math.exp(-gamma * (sq[a[1]] + sb1 - 2 * s11))
        r2[b] = Math.exp(-gamma * (sq[a[2]] + sb0 - 2 * s20))
        r2[b + 1] = Math.exp(-gamma * (sq[a[2]] + sb1 - 2 * s21))
        r3[b] = Math.exp(-gamma * (sq[a[3]] + sb0 - 2 * s30))
        r3[b + 1] = Math.exp(-gamma * (sq[a[3]] + sb1 - 2 * s31))
      }
      for (let q = 0; q < 4; q++) {
        for (let bb = b; bb < l; bb++) {
          let s = 0
          for (let k = 0; k < d; k++) s += x[a[q] * d + k] * x[bb * d + k]
          r[q][bb] = Math.exp(-gamma * (sq[a[q]] + sq[bb] - 2 * s))
        }
        this.rows.set(a[q], { v: r[q], filled: new Uint8Array(l).fill(1), count: l })
      }
    }
  }

  row(a: number, perm: Int32Array, len: number): Float32Array {
    let r = this.rows.get(a)
    if (r) {
      this.rows.delete(a)
      this.rows.set(a, r)
    } else {
      if (this.rows.size >= this.maxRows) this.rows.delete(this.rows.keys().next().value!)
      r = { v: new Float32Array(this.l), filled: new Uint8Array(this.l), count: 0 }
      this.rows.set(a, r)
    }
    if (r.count === this.l) return r.v
    let m = 0
    const filled = r.filled
    for (let k = 0; k < len; k++) {
      const b = perm[k]
      if (!filled[b]) {
        this.missing[m++] = b
        filled[b] = 1
      }
    }
    if (m) this.fill(a, r.v, m)
    r.count += m
    return r.v
  }

  /** K(a, b) for the m indices in `missing`, four dot products per pass over row a. */
  private fill(a: number, out: Float32Array, m: number): void {
    const { x, d, sq, gamma, missing } = this
    const ao = a * d
    const sqa = sq[a]
    let t = 0
    for (; t + 4 <= m; t += 4) {
      const b0 = missing[t]
      const b1 = missing[t + 1]
      const b2 = missing[t + 2]
      const b3 = missing[t + 3]
      const o0 = b0 * d
      const o1 = b1 * d
      const o2 = b2 * d
      const o3 = b3 * d
      let s0 = 0
      let s1 = 0
      let s2 = 0
      let s3 = 0
      for (let k = 0; k < d; k++) {
        const xa = x[ao + k]
        s0 += xa * x[o0 + k]
        s1 += xa * x[o1 + k]
        s2 += xa * x[o2 + k]
        s3 += xa * x[o3 + k]
      }
      out[b0] = Math.exp(-gamma * (sqa + sq[b0] - 2 * s0))
      out[b1] = Math.exp(-gamma * (sqa + sq[b1] - 2 * s1))
      out[b2] = Math.exp(-gamma * (sqa + sq[b2] - 2 * s2))
      out[b3] = Math.exp(-gamma * (sqa + sq[b3] - 2 * s3))
    }
    for (; t < m; t++) {
      const b = missing[t]
      const bo = b * d
      let s = 0
      for (let k = 0; k < d; k++) s += x[ao + k] * x[bo + k]
      out[b] = Math.exp(-gamma * (sqa + sq[b] - 2 * s))
    }
  }
}

export class OneClassSvm implements AnomalyModel<'ocsvm', OcsvmJson> {
  readonly kind = 'ocsvm' as const
  private readonly svNorms: Float64Array

  constructor(
    readonly d: number,
    readonly params: OcsvmJson['params'],
    /** Support vectors, row-major (nSV × d). */
    readonly supportVectors: Float64Array,
    readonly dualCoef: Float64Array,
    readonly rho: number,
    readonly fit: OcsvmJson['fit'],
  ) {
    this.svNorms = squaredNorms(supportVectors, dualCoef.length, d)
  }

  /** scikit-learn's decision_function: positive inside the boundary. */
  decision(x: ArrayLike<number>, n: number): Float64Array {
    checkMatrix(x, n, this.d)
    const { d, supportVectors: sv, dualCoef, svNorms } = this
    const gamma = this.params.gamma
    const nsv = dualCoef.length
    const out = new Float64Array(n)
    const xi = new Float64Array(d)
    for (let i = 0; i < n; i++) {
      let sqx = 0
      for (let k = 0; k < d; k++) {
        const v = x[i * d + k]
        xi[k] = v
        sqx += v * v
      }
      let acc = 0
      let s = 0
      for (; s + 4 <= nsv; s += 4) {
        const o0 = s * d
        const o1 = o0 + d
        const o2 = o1 + d
        const o3 = o2 + d
        let p0 = 0
        let p1 = 0
        let p2 = 0
        let p3 = 0
        for (let k = 0; k < d; k++) {
          const v = xi[k]
          p0 += v * sv[o0 + k]
          p1 += v * sv[o1 + k]
          p2 += v * sv[o2 + k]
          p3 += v * sv[o3 + k]
        }
        acc +=
          dualCoef[s] * Math.exp(-gamma * Math.max(0, sqx + svNorms[s] - 2 * p0)) +
          dualCoef[s + 1] * Math.exp(-gamma * Math.max(0, sqx + svNorms[s + 1] - 2 * p1)) +
          dualCoef[s + 2] * Math.exp(-gamma * Math.max(0, sqx + svNorms[s + 2] - 2 * p2)) +
          dualCoef[s + 3] * Math.exp(-gamma * Math.max(0, sqx + svNorms[s + 3] - 2 * p3))
      }
      for (; s < nsv; s++) {
        let p = 0
        for (let k = 0; k < d; k++) p += xi[k] * sv[s * d + k]
        acc += dualCoef[s] * Math.exp(-gamma * Math.max(0, sqx + svNorms[s] - 2 * p))
      }
      out[i] = acc - this.rho
    }
    return out
  }

  score(x: Float32Array | Float64Array, n: number): Float64Array {
    const dec = this.decision(x, n)
    for (let i = 0; i < n; i++) dec[i] = -dec[i]
    return dec
  }

  toJSON(): OcsvmJson {
    return {
      kind: 'ocsvm',
      version: 1,
      d: this.d,
      params: { ...this.params },
      supportVectors: pack(this.supportVectors, [this.dualCoef.length, this.d]),
      dualCoef: pack(this.dualCoef),
      rho: this.rho,
      fit: { ...this.fit },
    }
  }

  static fromJSON(j: OcsvmJson): OneClassSvm {
    return new OneClassSvm(j.d, j.params, unpack(j.supportVectors), unpack(j.dualCoef), j.rho, j.fit)
  }
}

export function* fitOcsvmSteps(
  x: ArrayLike<number>,
  n: number,
  d: number,
  params: Partial<OcsvmParams> = {},
): FitSteps<OneClassSvm> {
  checkMatrix(x, n, d)
  const p = { ...OCSVM_DEFAULTS, ...params }
  if (!(p.nu > 0 && p.nu <= 1)) throw new Error(`nu must be in (0, 1], got ${p.nu}`)
  if (n < 1) throw new Error('one-class SVM needs at least one baseline embedding')
  const x64 = new Float64Array(n * d)
  for (let i = 0; i < n * d; i++) x64[i] = x[i]
  const gamma = p.gamma === 'scale' ? scaleGamma(x64, n, d) : p.gamma
  if (!(gamma > 0)) throw new Error(`gamma must be > 0, got ${gamma}`)
  const rows = new RbfRows(x64, n, d, gamma, p.cacheMB)
  const sol = yield* solveOneClass(rows, n, p.nu, p.tol, p.shrinking, p.maxIter)
  let nsv = 0
  for (let i = 0; i < n; i++) if (sol.alpha[i] > 0) nsv++
  const sv = new Float64Array(nsv * d)
  const coef = new Float64Array(nsv)
  for (let i = 0, s = 0; i < n; i++) {
    if (!(sol.alpha[i] > 0)) continue
    coef[s] = sol.alpha[i]
    sv.set(x64.subarray(i * d, i * d + d), s * d)
    s++
  }
  yield { stage: 'ocsvm', fraction: 1, detail: `${nsv} support vectors` }
  return new OneClassSvm(d, { nu: p.nu, gamma, tol: p.tol, shrinking: p.shrinking }, sv, coef, sol.rho, {
    n,
    iterations: sol.iterations,
    converged: sol.converged,
  })
}
