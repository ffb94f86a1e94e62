// The few dense kernels the Gaussian mixture needs, on row-major Float64Arrays: Cholesky, the triangular inverse
// that gives scikit-learn's precision factor, Mahalanobis distances and a weighted Gram matrix. Hand-written
// because no maintained npm library offers these on plain typed arrays at BLAS-like speed (ml-matrix allocates
// per element and runs an order of magnitude slower); loops are tiled 4×2 so V8 keeps partial sums in registers.

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
  // Column by column: solve L x = e_c by forward substitution.
  for (let c = 0; c < d; c++) {
    inv[c * d + c] = 1 / l[c * d + c]
    for (let i = c + 1; i < d; i++) {
      const io = i * d
      let s = 0
      for (let k = c; k < i; k++) s -= l[io + k] * inv[k * d + c]
      inv[io + c] = s / l[io + i]
    }
  }
  return inv
}

/**
 * out[i] = ‖Uᵀ(xᵢ − μ)‖² for every row, with Ut = L⁻¹ lower triangular (row j holds column j of U, entries 0..j).
 * Also returns the transformed rows in `y` when given (the tied covariance reuses them).
 */
export function mahalanobisRows(
  x: Float64Array,
  n: number,
  d: number,
  mean: Float64Array | null,
  ut: Float64Array,
  out: Float64Array,
  scratch: Float64Array, // 4·d
): void {
  const z = scratch
  let i = 0
  for (; i + 4 <= n; i += 4) {
    for (let r = 0; r < 4; r++) {
      const xo = (i + r) * d
      const zo = r * d
      if (mean) for (let k = 0; k < d; k++) z[zo + k] = x[xo + k] - mean[k]
      else for (let k = 0; k < d; k++) z[zo + k] = x[xo + k]
    }
    let q0 = 0
    let q1 = 0
    let q2 = 0
    let q3 = 0
    for (let j = 0; j < d; j++) {
      const uo = j * d
      let s0 = 0
      let s1 = 0
      let s2 = 0
      let s3 = 0
      for (let k = 0; k <= j; k++) {
        const u = ut[uo + k]
        s0 += z[k] * u
        s1 += z[d + k] * u
        s2 += z[2 * d + k] * u
        s3 += z[3 * d + k] * u
      }
      q0 += s0 * s0
      q1 += s1 * s1
      q2 += s2 * s2
      q3 += s3 * s3
    }
    out[i] = q0
    out[i + 1] = q1
    out[i + 2] = q2
    out[i + 3] = q3
  }
  for (; i < n; i++) {
    const xo = i * d
    if (mean) for (let k = 0; k < d; k++) z[k] = x[xo + k] - mean[k]
    else for (let k = 0; k < d; k++) z[k] = x[xo + k]
    let q = 0
    for (let j = 0; j < d; j++) {
      const uo = j * d
      let s = 0
      for (let k = 0; k <= j; k++) s += z[k] * ut[uo + k]
      q += s * s
    }
    out[i] = q
  }
}

/**
 * Lower triangle (and mirror) of Σᵢ wᵢ (xᵢ − μ)(xᵢ − μ)ᵀ into `out` (d×d). Rows are centred, scaled by √wᵢ and
 * transposed once so that every entry is a contiguous dot product over the n cries.
 */
export function weightedScatter(
  x: Float64Array,
  n: number,
  d: number,
  mean: Float64Array | null,
  w: Float64Array | null,
  out: Float64Array,
  zt: Float64Array, // d·n scratch
): void {
  for (let i = 0; i < n; i++) {
    const s = w ? Math.sqrt(w[i]) : 1
    const xo = i * d
    if (mean) for (let k = 0; k < d; k++) zt[k * n + i] = (x[xo + k] - mean[k]) * s
    else for (let k = 0; k < d; k++) zt[k * n + i] = x[xo + k] * s
  }
  gramLower(zt, d, n, out)
}

/** out[a, b] = out[b, a] = dot(rows a and b of z) for a d×n row-major z. */
export function gramLower(z: Float64Array, d: number, n: number, out: Float64Array): void {
  let a = 0
  for (; a + 2 <= d; a += 2) {
    const a0 = a * n
    const a1 = a0 + n
    let b = 0
    for (; b + 2 <= a + 2; b += 2) {
      const b0 = b * n
      const b1 = b0 + n
      let s00 = 0
      let s01 = 0
      let s10 = 0
      let s11 = 0
      for (let i = 0; i < n; i++) {
        const p = z[a0 + i]
        const q = z[a1 + i]
        const u = z[b0 + i]
        const v = z[b1 + i]
        s00 += p * u
        s01 += p * v
        s10 += q * u
        s11 += q * v
      }
      out[a * d + b] = s00
      out[a * d + b + 1] = s01
      out[(a + 1) * d + b] = s10
      out[(a + 1) * d + b + 1] = s11
    }
  }
  for (; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0
      for (let i = 0; i < n; i++) s += z[a * n + i] * z[b * n + i]
      out[a * d + b] = s
    }
  }
  for (let r = 0; r < d; r++) for (let c = r + 1; c < d; c++) out[r * d + c] = out[c * d + r]
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

/** y[i] = Uᵀxᵢ for every row (Ut = L⁻¹ lower, as in mahalanobisRows). Used by the tied covariance. */
export function transformRows(
  x: Float64Array,
  n: number,
  d: number,
  ut: Float64Array,
  y: Float64Array,
): void {
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const o0 = i * d
    const o1 = o0 + d
    const o2 = o1 + d
    const o3 = o2 + d
    for (let j = 0; j < d; j++) {
      const uo = j * d
      let s0 = 0
      let s1 = 0
      let s2 = 0
      let s3 = 0
      for (let k = 0; k <= j; k++) {
        const u = ut[uo + k]
        s0 += x[o0 + k] * u
        s1 += x[o1 + k] * u
        s2 += x[o2 + k] * u
        s3 += x[o3 + k] * u
      }
      y[o0 + j] = s0
      y[o1 + j] = s1
      y[o2 + j] = s2
      y[o3 + j] = s3
    }
  }
  for (; i < n; i++) {
    const o = i * d
    for (let j = 0; j < d; j++) {
      let s = 0
      for (let k = 0; k <= j; k++) s += x[o + k] * ut[j * d + k]
      y[o + j] = s
    }
  }
}
