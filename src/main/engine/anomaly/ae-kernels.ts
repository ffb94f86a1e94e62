// Dense kernels for the autoencoder on Float32Array slices: C = A·Bᵀ tiled 4×2 so partial sums stay in registers.
// Every product of the network (forward, input gradient, weight gradient) is written in this one form by
// transposing the smaller operand first; see autoencoder.ts.

/** C[m×n] (+)= A[m×k] · B[n×k]ᵀ, all row-major, at the given offsets. */
export function matmulABt(
  a: Float32Array,
  ao: number,
  m: number,
  b: Float32Array,
  bo: number,
  n: number,
  k: number,
  c: Float32Array,
  co: number,
  accumulate = false,
): void {
  let i = 0
  for (; i + 4 <= m; i += 4) {
    const a0 = ao + i * k
    const a1 = a0 + k
    const a2 = a1 + k
    const a3 = a2 + k
    let j = 0
    for (; j + 2 <= n; j += 2) {
      const b0 = bo + j * k
      const b1 = b0 + k
      let s00 = 0
      let s01 = 0
      let s10 = 0
      let s11 = 0
      let s20 = 0
      let s21 = 0
      let s30 = 0
      let s31 = 0
      for (let t = 0; t < k; t++) {
        const p = b[b0 + t]
        const q = b[b1 + t]
        const x0 = a[a0 + t]
        const x1 = a[a1 + t]
        const x2 = a[a2 + t]
        const x3 = a[a3 + t]
        s00 += x0 * p
        s01 += x0 * q
        s10 += x1 * p
        s11 += x1 * q
        s20 += x2 * p
        s21 += x2 * q
        s30 += x3 * p
        s31 += x3 * q
      }
      const c0 = co + i * n + j
      if (accumulate) {
        c[c0] += s00
        c[c0 + 1] += s01
        c[c0 + n] += s10
        c[c0 + n + 1] += s11
        c[c0 + 2 * n] += s20
        c[c0 + 2 * n + 1] += s21
        c[c0 + 3 * n] += s30
        c[c0 + 3 * n + 1] += s31
      } else {
        c[c0] = s00
        c[c0 + 1] = s01
        c[c0 + n] = s10
        c[c0 + n + 1] = s11
        c[c0 + 2 * n] = s20
        c[c0 + 2 * n + 1] = s21
        c[c0 + 3 * n] = s30
        c[c0 + 3 * n + 1] = s31
      }
    }
    for (; j < n; j++)
      for (let r = 0; r < 4; r++)
        dotInto(a, ao + (i + r) * k, b, bo + j * k, k, c, co + (i + r) * n + j, accumulate)
  }
  for (; i < m; i++)
    for (let j = 0; j < n; j++) dotInto(a, ao + i * k, b, bo + j * k, k, c, co + i * n + j, accumulate)
}

function dotInto(
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  k: number,
  c: Float32Array,
  co: number,
  accumulate: boolean,
): void {
  let s = 0
  for (let t = 0; t < k; t++) s += a[ao + t] * b[bo + t]
  c[co] = accumulate ? c[co] + s : s
}

/** out[c×r] = in[r×c]ᵀ. */
export function transpose(
  src: Float32Array,
  so: number,
  r: number,
  c: number,
  dst: Float32Array,
  dO: number,
): void {
  for (let i = 0; i < r; i++) {
    const ro = so + i * c
    for (let j = 0; j < c; j++) dst[dO + j * r + i] = src[ro + j]
  }
}
