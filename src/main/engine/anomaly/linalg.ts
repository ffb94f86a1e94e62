// The small dense factorisations the Gaussian mixture needs on row-major Float64Arrays (d×d, once per component
// and EM step): Cholesky, the triangular inverse that gives scikit-learn's precision factor, and a row-wise
// log-sum-exp. Hand-written because they are a few lines each on plain typed arrays, where a matrix library
// would copy into its own objects; the O(n·d²) products go through simd/kernels.ts.

/** In-place lower Cholesky of a symmetric positive-definite d×d matrix (upper triangle zeroed). False if not PD. */
export function choleskyLower(a: Float64Array, d: number): boolean {
  for (let j = 0; j < d; j++) {
    const jo = j * d
    let s = a[jo + j]
    for (let k = 0; k < j; k++) s -= a[jo + k] * a[jo + k]
    if (!(s > 0)) return false
    const ljj = Math.sqrt(s)
    a[jo + j] = ljj
    for (let i = j + 1; i < d; i++) {
      const io = i * d
      let t = a[io + j]
      for (let k = 0; k < j; k++) t -= a[io + k] * a[jo + k]
      a[io + j] = t / ljj
    }
    for (let k = j + 1; k < d; k++) a[jo + k] = 0
  }
  return true
}

/**
 * scikit-learn's precision factor from a lower Cholesky factor L of the covariance: U = (L⁻¹)ᵀ, upper triangular,
 * so Σ⁻¹ = U Uᵀ. Returned TRANSPOSED (i.e. L⁻¹, lower, row-major) because the Mahalanobis loop reads columns of U.
 */
export function inverseLower(l: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d)
  // Row by row from L·L⁻¹ = I: row i = (eᵢ − Σ_{k<i} L[i,k]·row k) / L[i,i]; rows are contiguous, so each step is
  // an axpy over memory already in cache.
  for (let i = 0; i < d; i++) {
    const io = i * d
    for (let k = 0; k < i; k++) {
      const f = l[io + k]
      if (f === 0) continue
      const ko = k * d
      for (let c = 0; c <= k; c++) inv[io + c] -= f * inv[ko + c]
    }
    const r = 1 / l[io + i]
    for (let c = 0; c < i; c++) inv[io + c] *= r
    inv[io + i] = r
  }
  return inv
}

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
