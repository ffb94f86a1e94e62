// One-class SVM with an RBF kernel, scikit-learn's OneClassSVM semantics: gamma 'scale' = 1 / (d · Var(X)) over
// every entry of X, tol 1e-3, shrinking on, decision(x) = Σ αᵢ K(svᵢ, x) − ρ. The anomaly score is −decision.
// The solver is libsvm's, ported in ocsvm-solver.ts; this file owns the kernel rows and the fitted model.
import { pack, unpack, type PackedArray } from './serial'
import { solveOneClass, type KernelRows } from './ocsvm-solver'
import { ptr, SimdArena } from './simd/kernels'
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

/** Rows per kernel call when whole blocks are computed (prefetch, decision). */
const BLOCK = 32

/** RBF kernel rows computed on demand and kept in an LRU cache, as libsvm's Cache (rows by original index). */
class RbfRows implements KernelRows {
  private readonly sq: Float64Array
  private readonly rows = new Map<number, { v: Float32Array; filled: Uint8Array; count: number }>()
  private readonly maxRows: number
  private readonly arena: SimdArena
  private readonly x: Float64Array
  private readonly idx: Int32Array
  private readonly dots: Float64Array
  private readonly block: Float64Array

  constructor(
    x: Float64Array,
    private readonly l: number,
    private readonly d: number,
    private readonly gamma: number,
    cacheMB: number,
  ) {
    this.sq = squaredNorms(x, l, d)
    this.maxRows = Math.max(2, Math.floor((cacheMB * 1024 * 1024) / (5 * l)))
    this.arena = new SimdArena(SimdArena.bytes({ f64: [l * d, BLOCK * l, BLOCK * d], i32: [l] }))
    this.x = this.arena.f64(l * d)
    this.x.set(x)
    this.idx = this.arena.i32(l)
    this.dots = this.arena.f64(BLOCK * l)
    this.block = this.arena.f64(BLOCK * d)
  }

  diag(): number {
    return 1
  }

  /** Full rows for the given indices, BLOCK rows per kernel call (the initial gradient needs ν·l of them). */
  prefetch(as: Int32Array): void {
    const { d, sq, gamma, l, x, block, dots } = this
    const need = as.filter((a) => !this.rows.has(a))
    const take = Math.min(need.length, this.maxRows - 2)
    for (let t = 0; t < take; t += BLOCK) {
      const m = Math.min(BLOCK, take - t)
      for (let r = 0; r < m; r++) block.set(x.subarray(need[t + r] * d, need[t + r] * d + d), r * d)
      this.arena.k.gemmAbtF64(ptr(block), m, ptr(x), l, d, ptr(dots), l)
      for (let r = 0; r < m; r++) {
        const a = need[t + r]
        const v = new Float32Array(l)
        const sqa = sq[a]
        const o = r * l
        for (let b = 0; b < l; b++) v[b] = Math.exp(-gamma * (sqa + sq[b] - 2 * dots[o + b]))
        this.rows.set(a, { v, filled: new Uint8Array(l).fill(1), count: l })
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
    const { idx, dots, sq, gamma } = this
    let m = 0
    const filled = r.filled
    for (let k = 0; k < len; k++) {
      const b = perm[k]
      if (!filled[b]) {
        idx[m++] = b
        filled[b] = 1
      }
    }
    if (m) {
      this.arena.k.dotsByIndexF64(ptr(this.x), this.d, a, ptr(idx), m, ptr(dots))
      const v = r.v
      const sqa = sq[a]
      for (let t = 0; t < m; t++) {
        const b = idx[t]
        v[b] = Math.exp(-gamma * (sqa + sq[b] - 2 * dots[t]))
      }
    }
    r.count += m
    return r.v
  }
}

export class OneClassSvm implements AnomalyModel<'ocsvm', OcsvmJson> {
  readonly kind = 'ocsvm' as const
  private readonly svNorms: Float64Array
  private simd: { arena: SimdArena; sv: Float64Array; block: Float64Array; dots: Float64Array } | null = null

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
    const { d, dualCoef, svNorms } = this
    const gamma = this.params.gamma
    const nsv = dualCoef.length
    const out = new Float64Array(n)
    if (nsv === 0) return out.fill(-this.rho)
    const k = this.kernel()
    for (let start = 0; start < n; start += BLOCK) {
      const m = Math.min(BLOCK, n - start)
      for (let i = 0; i < m * d; i++) k.block[i] = x[start * d + i]
      k.arena.k.gemmAbtF64(ptr(k.block), m, ptr(k.sv), nsv, d, ptr(k.dots), nsv)
      for (let r = 0; r < m; r++) {
        let sqx = 0
        for (let j = r * d, e = j + d; j < e; j++) sqx += k.block[j] * k.block[j]
        let acc = 0
        const o = r * nsv
        for (let s = 0; s < nsv; s++)
          acc += dualCoef[s] * Math.exp(-gamma * Math.max(0, sqx + svNorms[s] - 2 * k.dots[o + s]))
        out[start + r] = acc - this.rho
      }
    }
    return out
  }

  /** Support vectors in SIMD memory, made on first use and kept with the model. */
  private kernel() {
    if (!this.simd) {
      const { d } = this
      const nsv = this.dualCoef.length
      const arena = new SimdArena(SimdArena.bytes({ f64: [nsv * d, BLOCK * d, BLOCK * nsv] }))
      const sv = arena.f64(nsv * d)
      sv.set(this.supportVectors)
      this.simd = { arena, sv, block: arena.f64(BLOCK * d), dots: arena.f64(BLOCK * nsv) }
    }
    return this.simd
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
