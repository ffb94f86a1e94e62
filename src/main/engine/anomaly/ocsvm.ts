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

/**
 * RBF kernel rows computed on demand and kept in an LRU cache, as libsvm's Cache (rows by original index). Rows
 * live in one slab of SIMD memory (pages the cache never reaches are never touched), entries are computed there
 * by rbfEntriesF64 / rbfRowsBlockF64, and the solver reads them through Float32Array views.
 */
class RbfRows implements KernelRows {
  private readonly slotOf = new Map<number, number>()
  private readonly slots: number
  private nextFree = 0
  private readonly arena: SimdArena
  private readonly x: Float64Array
  private readonly sq: Float64Array
  private readonly idx: Int32Array
  private readonly dots: Float64Array
  private readonly block: Float64Array
  private readonly sqBlock: Float64Array
  private readonly slab: Float32Array
  private readonly views: Float32Array[] = []
  /** Per slot, which entries of a partly computed row are valid (allocated for the rows that need it). */
  private readonly filled: (Uint8Array | undefined)[] = []
  private readonly count: Int32Array

  constructor(
    x: ArrayLike<number>,
    private readonly l: number,
    private readonly d: number,
    private readonly gamma: number,
    cacheMB: number,
  ) {
    this.slots = Math.max(2, Math.min(l, Math.floor((cacheMB * 1024 * 1024) / (4 * l))))
    this.arena = new SimdArena(
      SimdArena.bytes({ f64: [l * d, l, BLOCK * l, BLOCK * d, BLOCK], f32: [this.slots * l], i32: [l] }),
    )
    this.x = this.arena.f64(l * d)
    for (let i = 0; i < l * d; i++) this.x[i] = x[i]
    this.sq = this.arena.f64(l)
    this.sq.set(squaredNorms(this.x, l, d))
    this.dots = this.arena.f64(BLOCK * l)
    this.block = this.arena.f64(BLOCK * d)
    this.sqBlock = this.arena.f64(BLOCK)
    this.slab = this.arena.f32(this.slots * l)
    this.idx = this.arena.i32(l)
    this.count = new Int32Array(this.slots)
  }

  diag(): number {
    return 1
  }

  /** The slot holding row a, most recently used; a new or recycled slot starts empty. */
  private slot(a: number): number {
    const s = this.slotOf.get(a)
    if (s !== undefined) {
      this.slotOf.delete(a)
      this.slotOf.set(a, s)
      return s
    }
    let free: number
    if (this.nextFree < this.slots) free = this.nextFree++
    else {
      const oldest = this.slotOf.keys().next().value!
      free = this.slotOf.get(oldest)!
      this.slotOf.delete(oldest)
      this.filled[free]?.fill(0)
      this.count[free] = 0
    }
    this.slotOf.set(a, free)
    return free
  }

  private view(s: number): Float32Array {
    return (this.views[s] ??= this.slab.subarray(s * this.l, (s + 1) * this.l))
  }

  /** Full rows for the given indices, BLOCK rows per kernel call (the initial gradient needs ν·l of them). */
  prefetch(as: Int32Array): void {
    const { d, l, x, block, sqBlock, sq } = this
    const need = as.filter((a) => !this.slotOf.has(a))
    const take = Math.min(need.length, this.slots - this.nextFree)
    for (let t = 0; t < take; t += BLOCK) {
      const m = Math.min(BLOCK, take - t)
      const first = this.nextFree
      for (let r = 0; r < m; r++) {
        const a = need[t + r]
        this.slot(a) // fresh slots are consecutive: first + r
        block.set(x.subarray(a * d, a * d + d), r * d)
        sqBlock[r] = sq[a]
      }
      this.arena.k.rbfRowsBlockF64(
        ptr(block),
        m,
        ptr(x),
        l,
        d,
        ptr(sq),
        ptr(sqBlock),
        this.gamma,
        ptr(this.dots),
        ptr(this.slab) + first * l * 4,
        l,
      )
      for (let r = 0; r < m; r++) this.count[first + r] = l
    }
  }

  row(a: number, perm: Int32Array, len: number): Float32Array {
    const s = this.slot(a)
    const l = this.l
    if (this.count[s] === l) return this.view(s)
    const idx = this.idx
    const base = s * l
    const filled = (this.filled[s] ??= new Uint8Array(l))
    let m = 0
    for (let k = 0; k < len; k++) {
      const b = perm[k]
      if (!filled[b]) {
        idx[m++] = b
        filled[b] = 1
      }
    }
    if (m) {
      this.arena.k.rbfEntriesF64(
        ptr(this.x),
        this.d,
        ptr(this.sq),
        this.gamma,
        a,
        ptr(idx),
        m,
        ptr(this.dots),
        ptr(this.slab) + base * 4,
      )
      this.count[s] += m
    }
    return this.view(s)
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
  const gamma = p.gamma === 'scale' ? scaleGamma(x, n, d) : p.gamma
  if (!(gamma > 0)) throw new Error(`gamma must be > 0, got ${gamma}`)
  const rows = new RbfRows(x, n, d, gamma, p.cacheMB)
  const sol = yield* solveOneClass(rows, n, p.nu, p.tol, p.shrinking, p.maxIter)
  let nsv = 0
  for (let i = 0; i < n; i++) if (sol.alpha[i] > 0) nsv++
  const sv = new Float64Array(nsv * d)
  const coef = new Float64Array(nsv)
  for (let i = 0, s = 0; i < n; i++) {
    if (!(sol.alpha[i] > 0)) continue
    coef[s] = sol.alpha[i]
    for (let j = 0; j < d; j++) sv[s * d + j] = x[i * d + j]
    s++
  }
  yield { stage: 'ocsvm', fraction: 1, detail: `${nsv} support vectors` }
  return new OneClassSvm(d, { nu: p.nu, gamma, tol: p.tol, shrinking: p.shrinking }, sv, coef, sol.rho, {
    n,
    iterations: sol.iterations,
    converged: sol.converged,
  })
}
