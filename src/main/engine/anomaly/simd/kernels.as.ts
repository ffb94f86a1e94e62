// eslint-disable-next-line @typescript-eslint/ban-ts-comment -- AssemblyScript types (v128, usize) are not TypeScript's
// @ts-nocheck — AssemblyScript, not TypeScript: compiled to WebAssembly by build-kernels.mjs, never imported.
// The anomaly models' inner products with 128-bit SIMD (f64x2 for the SVM and the mixture, where scikit-learn
// parity needs double precision; f32x4 for the autoencoder, which is float32 like PyTorch). Written by hand
// because no npm package offers SIMD matrix kernels over caller-owned memory; V8 runs scalar JavaScript loops at
// a half to a quarter of this speed. Pointers are byte offsets into the imported memory; matrices are row-major.
// Lanes are summed in a fixed order, so results are deterministic on every machine.

function hsum2(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1)
}

function hsum4(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  )
}

function dotF64(p: usize, q: usize, k: i32): f64 {
  let s0 = f64x2.splat(0)
  let s1 = f64x2.splat(0)
  let t = 0
  for (; t + 4 <= k; t += 4) {
    const o = (<usize>t) << 3
    s0 = f64x2.add(s0, f64x2.mul(v128.load(p + o), v128.load(q + o)))
    s1 = f64x2.add(s1, f64x2.mul(v128.load(p + o + 16), v128.load(q + o + 16)))
  }
  let s = hsum2(f64x2.add(s0, s1))
  for (; t < k; t++) s += load<f64>(p + ((<usize>t) << 3)) * load<f64>(q + ((<usize>t) << 3))
  return s
}

/** C[m×n] (ldc) = A[m×k]·B[n×k]ᵀ in double precision. */
export function gemmAbtF64(a: usize, m: i32, b: usize, n: i32, k: i32, c: usize, ldc: i32): void {
  const rowA = (<usize>k) << 3
  const k2 = k & ~1
  let i = 0
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * rowA
    const a1 = a0 + rowA
    const a2 = a1 + rowA
    const a3 = a2 + rowA
    let j = 0
    for (; j + 2 <= n; j += 2) {
      const b0 = b + <usize>j * rowA
      const b1 = b0 + rowA
      let s00 = f64x2.splat(0),
        s01 = f64x2.splat(0),
        s10 = f64x2.splat(0),
        s11 = f64x2.splat(0)
      let s20 = f64x2.splat(0),
        s21 = f64x2.splat(0),
        s30 = f64x2.splat(0),
        s31 = f64x2.splat(0)
      for (let t = 0; t < k2; t += 2) {
        const o = (<usize>t) << 3
        const p = v128.load(b0 + o)
        const q = v128.load(b1 + o)
        const x0 = v128.load(a0 + o)
        const x1 = v128.load(a1 + o)
        const x2 = v128.load(a2 + o)
        const x3 = v128.load(a3 + o)
        s00 = f64x2.add(s00, f64x2.mul(x0, p))
        s01 = f64x2.add(s01, f64x2.mul(x0, q))
        s10 = f64x2.add(s10, f64x2.mul(x1, p))
        s11 = f64x2.add(s11, f64x2.mul(x1, q))
        s20 = f64x2.add(s20, f64x2.mul(x2, p))
        s21 = f64x2.add(s21, f64x2.mul(x2, q))
        s30 = f64x2.add(s30, f64x2.mul(x3, p))
        s31 = f64x2.add(s31, f64x2.mul(x3, q))
      }
      let r00 = hsum2(s00),
        r01 = hsum2(s01),
        r10 = hsum2(s10),
        r11 = hsum2(s11)
      let r20 = hsum2(s20),
        r21 = hsum2(s21),
        r30 = hsum2(s30),
        r31 = hsum2(s31)
      if (k2 < k) {
        const o = (<usize>k2) << 3
        const p = load<f64>(b0 + o)
        const q = load<f64>(b1 + o)
        r00 += load<f64>(a0 + o) * p
        r01 += load<f64>(a0 + o) * q
        r10 += load<f64>(a1 + o) * p
        r11 += load<f64>(a1 + o) * q
        r20 += load<f64>(a2 + o) * p
        r21 += load<f64>(a2 + o) * q
        r30 += load<f64>(a3 + o) * p
        r31 += load<f64>(a3 + o) * q
      }
      const c0 = c + ((<usize>i * <usize>ldc + <usize>j) << 3)
      const ld = (<usize>ldc) << 3
      store<f64>(c0, r00)
      store<f64>(c0 + 8, r01)
      store<f64>(c0 + ld, r10)
      store<f64>(c0 + ld + 8, r11)
      store<f64>(c0 + 2 * ld, r20)
      store<f64>(c0 + 2 * ld + 8, r21)
      store<f64>(c0 + 3 * ld, r30)
      store<f64>(c0 + 3 * ld + 8, r31)
    }
    for (; j < n; j++) {
      const bj = b + <usize>j * rowA
      for (let r = 0; r < 4; r++) {
        store<f64>(
          c + ((<usize>(i + r) * <usize>ldc + <usize>j) << 3),
          dotF64(a + <usize>(i + r) * rowA, bj, k),
        )
      }
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      store<f64>(
        c + ((<usize>i * <usize>ldc + <usize>j) << 3),
        dotF64(a + <usize>i * rowA, b + <usize>j * rowA, k),
      )
    }
  }
}

/** out[t] = dot(row a, row idx[t]) of x (rows of d doubles), for t < m; idx is i32. */
export function dotsByIndexF64(x: usize, d: i32, a: i32, idx: usize, m: i32, out: usize): void {
  const row = (<usize>d) << 3
  const pa = x + <usize>a * row
  const d2 = d & ~1
  let t = 0
  for (; t + 4 <= m; t += 4) {
    const p0 = x + <usize>load<i32>(idx + ((<usize>t) << 2)) * row
    const p1 = x + <usize>load<i32>(idx + ((<usize>(t + 1)) << 2)) * row
    const p2 = x + <usize>load<i32>(idx + ((<usize>(t + 2)) << 2)) * row
    const p3 = x + <usize>load<i32>(idx + ((<usize>(t + 3)) << 2)) * row
    let s0 = f64x2.splat(0),
      s1 = f64x2.splat(0),
      s2 = f64x2.splat(0),
      s3 = f64x2.splat(0)
    for (let k = 0; k < d2; k += 2) {
      const o = (<usize>k) << 3
      const v = v128.load(pa + o)
      s0 = f64x2.add(s0, f64x2.mul(v, v128.load(p0 + o)))
      s1 = f64x2.add(s1, f64x2.mul(v, v128.load(p1 + o)))
      s2 = f64x2.add(s2, f64x2.mul(v, v128.load(p2 + o)))
      s3 = f64x2.add(s3, f64x2.mul(v, v128.load(p3 + o)))
    }
    let r0 = hsum2(s0),
      r1 = hsum2(s1),
      r2 = hsum2(s2),
      r3 = hsum2(s3)
    if (d2 < d) {
      const o = (<usize>d2) << 3
      const v = load<f64>(pa + o)
      r0 += v * load<f64>(p0 + o)
      r1 += v * load<f64>(p1 + o)
      r2 += v * load<f64>(p2 + o)
      r3 += v * load<f64>(p3 + o)
    }
    const oo = out + ((<usize>t) << 3)
    store<f64>(oo, r0)
    store<f64>(oo + 8, r1)
    store<f64>(oo + 16, r2)
    store<f64>(oo + 24, r3)
  }
  for (; t < m; t++) {
    const p = x + <usize>load<i32>(idx + ((<usize>t) << 2)) * row
    store<f64>(out + ((<usize>t) << 3), dotF64(pa, p, d))
  }
}

/**
 * out[i] = ‖Uᵀ(xᵢ − μ)‖² for n rows; ut = L⁻¹ (lower, row j holds U's column j in entries 0..j). mean = 0 for none.
 * When y ≠ 0 the transformed rows are also stored there (n×d). scratch: 4·d doubles.
 */
export function mahalanobisF64(
  x: usize,
  n: i32,
  d: i32,
  mean: usize,
  ut: usize,
  out: usize,
  y: usize,
  scratch: usize,
): void {
  const row = (<usize>d) << 3
  let i = 0
  for (; i + 4 <= n; i += 4) {
    for (let r = 0; r < 4; r++) {
      const xo = x + <usize>(i + r) * row
      const zo = scratch + <usize>r * row
      if (mean)
        for (let k = 0; k < d; k++)
          store<f64>(
            zo + ((<usize>k) << 3),
            load<f64>(xo + ((<usize>k) << 3)) - load<f64>(mean + ((<usize>k) << 3)),
          )
      else memory.copy(zo, xo, row)
    }
    const z0 = scratch
    const z1 = z0 + row
    const z2 = z1 + row
    const z3 = z2 + row
    let q0: f64 = 0,
      q1: f64 = 0,
      q2: f64 = 0,
      q3: f64 = 0
    // Rows j and j + 1 of U together (j even): each z load serves both. Row j has j + 1 entries (j/2 pairs and
    // a last one alone), row j + 1 has j + 2 (one pair more); every sum is formed in the same order as below.
    let j = 0
    for (; j + 2 <= d; j += 2) {
      const ua = ut + <usize>j * row
      const ub = ua + row
      let a0 = f64x2.splat(0),
        a1 = f64x2.splat(0),
        a2 = f64x2.splat(0),
        a3 = f64x2.splat(0)
      let b0 = f64x2.splat(0),
        b1 = f64x2.splat(0),
        b2 = f64x2.splat(0),
        b3 = f64x2.splat(0)
      for (let k = 0; k < j; k += 2) {
        const o = (<usize>k) << 3
        const u = v128.load(ua + o)
        const v = v128.load(ub + o)
        const x0 = v128.load(z0 + o)
        const x1 = v128.load(z1 + o)
        const x2 = v128.load(z2 + o)
        const x3 = v128.load(z3 + o)
        a0 = f64x2.add(a0, f64x2.mul(x0, u))
        b0 = f64x2.add(b0, f64x2.mul(x0, v))
        a1 = f64x2.add(a1, f64x2.mul(x1, u))
        b1 = f64x2.add(b1, f64x2.mul(x1, v))
        a2 = f64x2.add(a2, f64x2.mul(x2, u))
        b2 = f64x2.add(b2, f64x2.mul(x2, v))
        a3 = f64x2.add(a3, f64x2.mul(x3, u))
        b3 = f64x2.add(b3, f64x2.mul(x3, v))
      }
      const o = (<usize>j) << 3
      const v = v128.load(ub + o)
      b0 = f64x2.add(b0, f64x2.mul(v128.load(z0 + o), v))
      b1 = f64x2.add(b1, f64x2.mul(v128.load(z1 + o), v))
      b2 = f64x2.add(b2, f64x2.mul(v128.load(z2 + o), v))
      b3 = f64x2.add(b3, f64x2.mul(v128.load(z3 + o), v))
      const u = load<f64>(ua + o)
      const r0 = hsum2(a0) + load<f64>(z0 + o) * u
      const r1 = hsum2(a1) + load<f64>(z1 + o) * u
      const r2 = hsum2(a2) + load<f64>(z2 + o) * u
      const r3 = hsum2(a3) + load<f64>(z3 + o) * u
      const t0 = hsum2(b0)
      const t1 = hsum2(b1)
      const t2 = hsum2(b2)
      const t3 = hsum2(b3)
      if (y) {
        const yo = y + <usize>i * row + o
        store<f64>(yo, r0)
        store<f64>(yo + row, r1)
        store<f64>(yo + 2 * row, r2)
        store<f64>(yo + 3 * row, r3)
        store<f64>(yo + 8, t0)
        store<f64>(yo + row + 8, t1)
        store<f64>(yo + 2 * row + 8, t2)
        store<f64>(yo + 3 * row + 8, t3)
      }
      q0 += r0 * r0
      q1 += r1 * r1
      q2 += r2 * r2
      q3 += r3 * r3
      q0 += t0 * t0
      q1 += t1 * t1
      q2 += t2 * t2
      q3 += t3 * t3
    }
    for (; j < d; j++) {
      const uo = ut + <usize>j * row
      const len = j + 1
      const len2 = len & ~1
      let s0 = f64x2.splat(0),
        s1 = f64x2.splat(0),
        s2 = f64x2.splat(0),
        s3 = f64x2.splat(0)
      for (let k = 0; k < len2; k += 2) {
        const o = (<usize>k) << 3
        const u = v128.load(uo + o)
        s0 = f64x2.add(s0, f64x2.mul(v128.load(z0 + o), u))
        s1 = f64x2.add(s1, f64x2.mul(v128.load(z1 + o), u))
        s2 = f64x2.add(s2, f64x2.mul(v128.load(z2 + o), u))
        s3 = f64x2.add(s3, f64x2.mul(v128.load(z3 + o), u))
      }
      let r0 = hsum2(s0),
        r1 = hsum2(s1),
        r2 = hsum2(s2),
        r3 = hsum2(s3)
      if (len2 < len) {
        const o = (<usize>len2) << 3
        const u = load<f64>(uo + o)
        r0 += load<f64>(z0 + o) * u
        r1 += load<f64>(z1 + o) * u
        r2 += load<f64>(z2 + o) * u
        r3 += load<f64>(z3 + o) * u
      }
      if (y) {
        const yo = y + <usize>i * row + ((<usize>j) << 3)
        store<f64>(yo, r0)
        store<f64>(yo + row, r1)
        store<f64>(yo + 2 * row, r2)
        store<f64>(yo + 3 * row, r3)
      }
      q0 += r0 * r0
      q1 += r1 * r1
      q2 += r2 * r2
      q3 += r3 * r3
    }
    const oo = out + ((<usize>i) << 3)
    store<f64>(oo, q0)
    store<f64>(oo + 8, q1)
    store<f64>(oo + 16, q2)
    store<f64>(oo + 24, q3)
  }
  for (; i < n; i++) {
    const xo = x + <usize>i * row
    const z = scratch
    if (mean)
      for (let k = 0; k < d; k++)
        store<f64>(
          z + ((<usize>k) << 3),
          load<f64>(xo + ((<usize>k) << 3)) - load<f64>(mean + ((<usize>k) << 3)),
        )
    else memory.copy(z, xo, row)
    let q: f64 = 0
    for (let j = 0; j < d; j++) {
      const s = dotF64(z, ut + <usize>j * row, j + 1)
      if (y) store<f64>(y + <usize>i * row + ((<usize>j) << 3), s)
      q += s * s
    }
    store<f64>(out + ((<usize>i) << 3), q)
  }
}

/**
 * out (d×d, both triangles) = Σᵢ wᵢ (xᵢ − μ)(xᵢ − μ)ᵀ over the n rows of x (n×d), given sw[i] = √wᵢ (sw = 0: every
 * weight 1; mean = 0: no centring). Rows of weight 0 add nothing and are skipped. The centred, weighted rows are
 * transposed into buf (d rows of ldb ≥ blk doubles) blk rows at a time, and each block's lower triangle of
 * products is added to out while the block is in cache (one pass over x, no n×d transposed copy). An ldb that is
 * not a power of two keeps the transposing stores from aliasing the loads (4 KiB apart) in the store buffer.
 */
export function scatterF64(
  x: usize,
  n: i32,
  d: i32,
  mean: usize,
  sw: usize,
  out: usize,
  buf: usize,
  blk: i32,
  ldb: i32,
): void {
  const row = (<usize>d) << 3
  const brow = (<usize>ldb) << 3
  memory.fill(out, 0, <usize>d * row)
  let i = 0
  while (i < n) {
    let m = 0
    for (; i < n && m < blk; i++) {
      const s: f64 = sw ? load<f64>(sw + ((<usize>i) << 3)) : 1
      if (s == 0) continue
      const xo = x + <usize>i * row
      const bo = buf + ((<usize>m) << 3)
      if (mean)
        for (let k = 0; k < d; k++)
          store<f64>(
            bo + <usize>k * brow,
            (load<f64>(xo + ((<usize>k) << 3)) - load<f64>(mean + ((<usize>k) << 3))) * s,
          )
      else for (let k = 0; k < d; k++) store<f64>(bo + <usize>k * brow, load<f64>(xo + ((<usize>k) << 3)) * s)
      m++
    }
    if (m > 0) scatterBlockF64(buf, brow, d, m, out)
  }
  for (let a = 0; a < d; a++)
    for (let b = a + 1; b < d; b++)
      store<f64>(
        out + <usize>a * row + ((<usize>b) << 3),
        load<f64>(out + <usize>b * row + ((<usize>a) << 3)),
      )
}

/** out[a][b] += dot(z row a, z row b) over m entries for b ≤ a (and a few b > a, overwritten by the caller). */
function scatterBlockF64(z: usize, zrow: usize, d: i32, m: i32, out: usize): void {
  const orow = (<usize>d) << 3
  const m2 = m & ~1
  let a = 0
  for (; a + 4 <= d; a += 4) {
    const a0 = z + <usize>a * zrow
    const a1 = a0 + zrow
    const a2 = a1 + zrow
    const a3 = a2 + zrow
    for (let b = 0; b < a + 4; b += 2) {
      const b0 = z + <usize>b * zrow
      const b1 = b0 + zrow
      let s00 = f64x2.splat(0),
        s01 = f64x2.splat(0),
        s10 = f64x2.splat(0),
        s11 = f64x2.splat(0)
      let s20 = f64x2.splat(0),
        s21 = f64x2.splat(0),
        s30 = f64x2.splat(0),
        s31 = f64x2.splat(0)
      for (let t = 0; t < m2; t += 2) {
        const o = (<usize>t) << 3
        const p = v128.load(b0 + o)
        const q = v128.load(b1 + o)
        const x0 = v128.load(a0 + o)
        const x1 = v128.load(a1 + o)
        const x2 = v128.load(a2 + o)
        const x3 = v128.load(a3 + o)
        s00 = f64x2.add(s00, f64x2.mul(x0, p))
        s01 = f64x2.add(s01, f64x2.mul(x0, q))
        s10 = f64x2.add(s10, f64x2.mul(x1, p))
        s11 = f64x2.add(s11, f64x2.mul(x1, q))
        s20 = f64x2.add(s20, f64x2.mul(x2, p))
        s21 = f64x2.add(s21, f64x2.mul(x2, q))
        s30 = f64x2.add(s30, f64x2.mul(x3, p))
        s31 = f64x2.add(s31, f64x2.mul(x3, q))
      }
      let r00 = hsum2(s00),
        r01 = hsum2(s01),
        r10 = hsum2(s10),
        r11 = hsum2(s11)
      let r20 = hsum2(s20),
        r21 = hsum2(s21),
        r30 = hsum2(s30),
        r31 = hsum2(s31)
      if (m2 < m) {
        const o = (<usize>m2) << 3
        const p = load<f64>(b0 + o)
        const q = load<f64>(b1 + o)
        r00 += load<f64>(a0 + o) * p
        r01 += load<f64>(a0 + o) * q
        r10 += load<f64>(a1 + o) * p
        r11 += load<f64>(a1 + o) * q
        r20 += load<f64>(a2 + o) * p
        r21 += load<f64>(a2 + o) * q
        r30 += load<f64>(a3 + o) * p
        r31 += load<f64>(a3 + o) * q
      }
      const c0 = out + <usize>a * orow + ((<usize>b) << 3)
      store<f64>(c0, load<f64>(c0) + r00)
      store<f64>(c0 + 8, load<f64>(c0 + 8) + r01)
      store<f64>(c0 + orow, load<f64>(c0 + orow) + r10)
      store<f64>(c0 + orow + 8, load<f64>(c0 + orow + 8) + r11)
      store<f64>(c0 + 2 * orow, load<f64>(c0 + 2 * orow) + r20)
      store<f64>(c0 + 2 * orow + 8, load<f64>(c0 + 2 * orow + 8) + r21)
      store<f64>(c0 + 3 * orow, load<f64>(c0 + 3 * orow) + r30)
      store<f64>(c0 + 3 * orow + 8, load<f64>(c0 + 3 * orow + 8) + r31)
    }
  }
  for (; a < d; a++) {
    const ao = z + <usize>a * zrow
    for (let b = 0; b <= a; b++) {
      const c = out + <usize>a * orow + ((<usize>b) << 3)
      store<f64>(c, load<f64>(c) + dotF64(ao, z + <usize>b * zrow, m))
    }
  }
}

/**
 * k-means assignment: labels[i] = the first c < k with the least Σⱼ (x[i][j] − centre c[j])², dist[i] that
 * distance. ct holds the centres transposed, d rows of kp doubles (kp a multiple of 4 ≥ k; lanes ≥ k ignored).
 * Each lane sums its own centre's terms in j order, as the scalar loop does, so distances are bit-identical to it.
 */
export function nearestCentreF64(
  x: usize,
  n: i32,
  d: i32,
  ct: usize,
  k: i32,
  kp: i32,
  labels: usize,
  dist: usize,
  acc: usize,
): void {
  const row = (<usize>d) << 3
  const crow = (<usize>kp) << 3
  for (let i = 0; i < n; i++) {
    const xo = x + <usize>i * row
    for (let p = 0; p < kp; p += 4) {
      let s0 = f64x2.splat(0),
        s1 = f64x2.splat(0)
      let co = ct + ((<usize>p) << 3)
      for (let j = 0; j < d; j++) {
        const v = f64x2.splat(load<f64>(xo + ((<usize>j) << 3)))
        const t0 = f64x2.sub(v, v128.load(co))
        const t1 = f64x2.sub(v, v128.load(co + 16))
        s0 = f64x2.add(s0, f64x2.mul(t0, t0))
        s1 = f64x2.add(s1, f64x2.mul(t1, t1))
        co += crow
      }
      v128.store(acc + ((<usize>p) << 3), s0)
      v128.store(acc + ((<usize>p) << 3) + 16, s1)
    }
    let bi = 0
    let bd: f64 = Infinity
    for (let c = 0; c < k; c++) {
      const v = load<f64>(acc + ((<usize>c) << 3))
      if (v < bd) {
        bd = v
        bi = c
      }
    }
    store<i32>(labels + ((<usize>i) << 2), bi)
    store<f64>(dist + ((<usize>i) << 3), bd)
  }
}

/**
 * out[i] = Σⱼ (x[i][j] − p[j])² for the n rows of x, two rows per vector (one a lane), each summed in j order
 * as the scalar loop does: bit-identical to it.
 */
export function sqDistsToF64(x: usize, n: i32, d: i32, p: usize, out: usize): void {
  const row = (<usize>d) << 3
  let i = 0
  for (; i + 2 <= n; i += 2) {
    const a = x + <usize>i * row
    const b = a + row
    let s = f64x2.splat(0)
    for (let j = 0; j < d; j++) {
      const o = (<usize>j) << 3
      const v = v128.load64_lane(b + o, v128.load64_splat(a + o), 1)
      const t = f64x2.sub(v, v128.load64_splat(p + o))
      s = f64x2.add(s, f64x2.mul(t, t))
    }
    v128.store(out + ((<usize>i) << 3), s)
  }
  for (; i < n; i++) {
    const a = x + <usize>i * row
    let s: f64 = 0
    for (let j = 0; j < d; j++) {
      const t = load<f64>(a + ((<usize>j) << 3)) - load<f64>(p + ((<usize>j) << 3))
      s += t * t
    }
    store<f64>(out + ((<usize>i) << 3), s)
  }
}

/** sums[c] += x[i] for c = labels[i], rows in order (two columns per vector): bit-identical to the scalar loop. */
export function sumsByLabelF64(x: usize, n: i32, d: i32, labels: usize, sums: usize): void {
  const row = (<usize>d) << 3
  const d2 = d & ~1
  for (let i = 0; i < n; i++) {
    const xo = x + <usize>i * row
    const so = sums + <usize>load<i32>(labels + ((<usize>i) << 2)) * row
    let j = 0
    for (; j < d2; j += 2) {
      const o = (<usize>j) << 3
      v128.store(so + o, f64x2.add(v128.load(so + o), v128.load(xo + o)))
    }
    if (j < d) {
      const o = (<usize>j) << 3
      store<f64>(so + o, load<f64>(so + o) + load<f64>(xo + o))
    }
  }
}

/**
 * Σⱼ Σ_{a ≤ j, u_ja ≠ 0} u_ja · Σ_{b ≤ j} S_ab u_jb for a lower-triangular ut (row j = u_j) and an exactly symmetric
 * S (d×d): trace(P S) of a one-component fit. For each j, t = S u_j is built in t (d doubles) row by row of S
 * (t_a += S_ba u_jb, b in order, so each t_a adds its terms in the scalar loop's order), then added to the total
 * in a order: bit-identical to the scalar triple loop, reading S along its rows.
 */
export function traceTriQuadF64(ut: usize, s: usize, d: i32, t: usize): f64 {
  const row = (<usize>d) << 3
  let trace: f64 = 0
  for (let j = 0; j < d; j++) {
    const uo = ut + <usize>j * row
    const len = j + 1
    const len2 = len & ~1
    memory.fill(t, 0, (<usize>len) << 3)
    let b = 0
    for (; b + 4 <= len; b += 4) {
      const s0 = s + <usize>b * row
      const s1 = s0 + row
      const s2 = s1 + row
      const s3 = s2 + row
      const u0 = load<f64>(uo + ((<usize>b) << 3))
      const u1 = load<f64>(uo + ((<usize>(b + 1)) << 3))
      const u2 = load<f64>(uo + ((<usize>(b + 2)) << 3))
      const u3 = load<f64>(uo + ((<usize>(b + 3)) << 3))
      const v0 = f64x2.splat(u0)
      const v1 = f64x2.splat(u1)
      const v2 = f64x2.splat(u2)
      const v3 = f64x2.splat(u3)
      let a = 0
      for (; a < len2; a += 2) {
        const o = (<usize>a) << 3
        let acc = v128.load(t + o)
        acc = f64x2.add(acc, f64x2.mul(v128.load(s0 + o), v0))
        acc = f64x2.add(acc, f64x2.mul(v128.load(s1 + o), v1))
        acc = f64x2.add(acc, f64x2.mul(v128.load(s2 + o), v2))
        acc = f64x2.add(acc, f64x2.mul(v128.load(s3 + o), v3))
        v128.store(t + o, acc)
      }
      if (a < len) {
        const o = (<usize>a) << 3
        let acc = load<f64>(t + o)
        acc += load<f64>(s0 + o) * u0
        acc += load<f64>(s1 + o) * u1
        acc += load<f64>(s2 + o) * u2
        acc += load<f64>(s3 + o) * u3
        store<f64>(t + o, acc)
      }
    }
    for (; b < len; b++) {
      const sb = s + <usize>b * row
      const ub = load<f64>(uo + ((<usize>b) << 3))
      const vb = f64x2.splat(ub)
      let a = 0
      for (; a < len2; a += 2) {
        const o = (<usize>a) << 3
        v128.store(t + o, f64x2.add(v128.load(t + o), f64x2.mul(v128.load(sb + o), vb)))
      }
      if (a < len) {
        const o = (<usize>a) << 3
        store<f64>(t + o, load<f64>(t + o) + load<f64>(sb + o) * ub)
      }
    }
    for (let a = 0; a < len; a++) {
      const ua = load<f64>(uo + ((<usize>a) << 3))
      if (ua != 0) trace += ua * load<f64>(t + ((<usize>a) << 3))
    }
  }
  return trace
}

/**
 * out[j] = Σᵢ w[i]·x[i][j] over the rows with w[i] ≠ 0, rows in order (two columns per vector): bit-identical to
 * the scalar loop (the mixture's M-step means).
 */
export function weightedColumnSumsF64(x: usize, n: i32, d: i32, w: usize, out: usize): void {
  const row = (<usize>d) << 3
  const d2 = d & ~1
  memory.fill(out, 0, row)
  for (let i = 0; i < n; i++) {
    const r = load<f64>(w + ((<usize>i) << 3))
    if (r == 0) continue
    const xo = x + <usize>i * row
    const v = f64x2.splat(r)
    let j = 0
    for (; j < d2; j += 2) {
      const o = (<usize>j) << 3
      v128.store(out + o, f64x2.add(v128.load(out + o), f64x2.mul(v, v128.load(xo + o))))
    }
    if (j < d) {
      const o = (<usize>j) << 3
      store<f64>(out + o, load<f64>(out + o) + r * load<f64>(xo + o))
    }
  }
}

function dotF32(p: usize, q: usize, k: i32): f32 {
  let s = f32x4.splat(0)
  let t = 0
  for (; t + 4 <= k; t += 4) {
    const o = (<usize>t) << 2
    s = f32x4.add(s, f32x4.mul(v128.load(p + o), v128.load(q + o)))
  }
  let r = hsum4(s)
  for (; t < k; t++) r += load<f32>(p + ((<usize>t) << 2)) * load<f32>(q + ((<usize>t) << 2))
  return r
}

/** C[m×n] (+)= A[m×k]·B[n×k]ᵀ in single precision (the autoencoder). */
export function gemmAbtF32(a: usize, m: i32, b: usize, n: i32, k: i32, c: usize, accumulate: i32): void {
  const rowA = (<usize>k) << 2
  const k4 = k & ~3
  let i = 0
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * rowA
    const a1 = a0 + rowA
    const a2 = a1 + rowA
    const a3 = a2 + rowA
    let j = 0
    for (; j + 2 <= n; j += 2) {
      const b0 = b + <usize>j * rowA
      const b1 = b0 + rowA
      let s00 = f32x4.splat(0),
        s01 = f32x4.splat(0),
        s10 = f32x4.splat(0),
        s11 = f32x4.splat(0)
      let s20 = f32x4.splat(0),
        s21 = f32x4.splat(0),
        s30 = f32x4.splat(0),
        s31 = f32x4.splat(0)
      for (let t = 0; t < k4; t += 4) {
        const o = (<usize>t) << 2
        const p = v128.load(b0 + o)
        const q = v128.load(b1 + o)
        const x0 = v128.load(a0 + o)
        const x1 = v128.load(a1 + o)
        const x2 = v128.load(a2 + o)
        const x3 = v128.load(a3 + o)
        s00 = f32x4.add(s00, f32x4.mul(x0, p))
        s01 = f32x4.add(s01, f32x4.mul(x0, q))
        s10 = f32x4.add(s10, f32x4.mul(x1, p))
        s11 = f32x4.add(s11, f32x4.mul(x1, q))
        s20 = f32x4.add(s20, f32x4.mul(x2, p))
        s21 = f32x4.add(s21, f32x4.mul(x2, q))
        s30 = f32x4.add(s30, f32x4.mul(x3, p))
        s31 = f32x4.add(s31, f32x4.mul(x3, q))
      }
      let r00 = hsum4(s00),
        r01 = hsum4(s01),
        r10 = hsum4(s10),
        r11 = hsum4(s11)
      let r20 = hsum4(s20),
        r21 = hsum4(s21),
        r30 = hsum4(s30),
        r31 = hsum4(s31)
      for (let t = k4; t < k; t++) {
        const o = (<usize>t) << 2
        const p = load<f32>(b0 + o)
        const q = load<f32>(b1 + o)
        r00 += load<f32>(a0 + o) * p
        r01 += load<f32>(a0 + o) * q
        r10 += load<f32>(a1 + o) * p
        r11 += load<f32>(a1 + o) * q
        r20 += load<f32>(a2 + o) * p
        r21 += load<f32>(a2 + o) * q
        r30 += load<f32>(a3 + o) * p
        r31 += load<f32>(a3 + o) * q
      }
      const c0 = c + ((<usize>i * <usize>n + <usize>j) << 2)
      const ld = (<usize>n) << 2
      if (accumulate) {
        r00 += load<f32>(c0)
        r01 += load<f32>(c0 + 4)
        r10 += load<f32>(c0 + ld)
        r11 += load<f32>(c0 + ld + 4)
        r20 += load<f32>(c0 + 2 * ld)
        r21 += load<f32>(c0 + 2 * ld + 4)
        r30 += load<f32>(c0 + 3 * ld)
        r31 += load<f32>(c0 + 3 * ld + 4)
      }
      store<f32>(c0, r00)
      store<f32>(c0 + 4, r01)
      store<f32>(c0 + ld, r10)
      store<f32>(c0 + ld + 4, r11)
      store<f32>(c0 + 2 * ld, r20)
      store<f32>(c0 + 2 * ld + 4, r21)
      store<f32>(c0 + 3 * ld, r30)
      store<f32>(c0 + 3 * ld + 4, r31)
    }
    for (; j < n; j++) {
      for (let r = 0; r < 4; r++) {
        const co = c + ((<usize>(i + r) * <usize>n + <usize>j) << 2)
        const v = dotF32(a + <usize>(i + r) * rowA, b + <usize>j * rowA, k)
        store<f32>(co, accumulate ? load<f32>(co) + v : v)
      }
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const co = c + ((<usize>i * <usize>n + <usize>j) << 2)
      const v = dotF32(a + <usize>i * rowA, b + <usize>j * rowA, k)
      store<f32>(co, accumulate ? load<f32>(co) + v : v)
    }
  }
}

/**
 * C[m×n] (+)= A·B in single precision, with A addressed by strides (element (i, t) at a + 4·(i·sai + t·sat)) so
 * the same loop serves A·B (sai = k, sat = 1) and Aᵀ·B (sai = 1, sat = m); B is k×n row-major. Each A entry is
 * broadcast against eight columns of B, so no lane sums are needed.
 */
export function gemmBroadcastF32(
  a: usize,
  sai: i32,
  sat: i32,
  m: i32,
  b: usize,
  n: i32,
  k: i32,
  c: usize,
  accumulate: i32,
): void {
  const rowB = (<usize>n) << 2
  const n8 = n & ~7
  const stepT = (<usize>sat) << 2
  let i = 0
  for (; i + 4 <= m; i += 4) {
    const a0 = a + ((<usize>(i * sai)) << 2)
    const a1 = a0 + ((<usize>sai) << 2)
    const a2 = a1 + ((<usize>sai) << 2)
    const a3 = a2 + ((<usize>sai) << 2)
    const c0 = c + <usize>i * rowB
    for (let j = 0; j < n8; j += 8) {
      const bj = b + ((<usize>j) << 2)
      let s00 = f32x4.splat(0),
        s01 = f32x4.splat(0),
        s10 = f32x4.splat(0),
        s11 = f32x4.splat(0)
      let s20 = f32x4.splat(0),
        s21 = f32x4.splat(0),
        s30 = f32x4.splat(0),
        s31 = f32x4.splat(0)
      let ao: usize = 0
      let bo = bj
      for (let t = 0; t < k; t++) {
        const p = v128.load(bo)
        const q = v128.load(bo + 16)
        const x0 = f32x4.splat(load<f32>(a0 + ao))
        const x1 = f32x4.splat(load<f32>(a1 + ao))
        const x2 = f32x4.splat(load<f32>(a2 + ao))
        const x3 = f32x4.splat(load<f32>(a3 + ao))
        s00 = f32x4.add(s00, f32x4.mul(x0, p))
        s01 = f32x4.add(s01, f32x4.mul(x0, q))
        s10 = f32x4.add(s10, f32x4.mul(x1, p))
        s11 = f32x4.add(s11, f32x4.mul(x1, q))
        s20 = f32x4.add(s20, f32x4.mul(x2, p))
        s21 = f32x4.add(s21, f32x4.mul(x2, q))
        s30 = f32x4.add(s30, f32x4.mul(x3, p))
        s31 = f32x4.add(s31, f32x4.mul(x3, q))
        ao += stepT
        bo += rowB
      }
      const o = c0 + ((<usize>j) << 2)
      if (accumulate) {
        s00 = f32x4.add(s00, v128.load(o))
        s01 = f32x4.add(s01, v128.load(o + 16))
        s10 = f32x4.add(s10, v128.load(o + rowB))
        s11 = f32x4.add(s11, v128.load(o + rowB + 16))
        s20 = f32x4.add(s20, v128.load(o + 2 * rowB))
        s21 = f32x4.add(s21, v128.load(o + 2 * rowB + 16))
        s30 = f32x4.add(s30, v128.load(o + 3 * rowB))
        s31 = f32x4.add(s31, v128.load(o + 3 * rowB + 16))
      }
      v128.store(o, s00)
      v128.store(o + 16, s01)
      v128.store(o + rowB, s10)
      v128.store(o + rowB + 16, s11)
      v128.store(o + 2 * rowB, s20)
      v128.store(o + 2 * rowB + 16, s21)
      v128.store(o + 3 * rowB, s30)
      v128.store(o + 3 * rowB + 16, s31)
    }
    for (let r = 0; r < 4; r++)
      broadcastRowTail(
        a + ((<usize>((i + r) * sai)) << 2),
        stepT,
        b,
        n,
        n8,
        k,
        c + <usize>(i + r) * rowB,
        accumulate,
      )
  }
  for (; i < m; i++)
    broadcastRowTail(a + ((<usize>(i * sai)) << 2), stepT, b, n, 0, k, c + <usize>i * rowB, accumulate)
}

/** Columns [from, n) of one output row, scalar. */
function broadcastRowTail(
  ai: usize,
  stepT: usize,
  b: usize,
  n: i32,
  from: i32,
  k: i32,
  ci: usize,
  accumulate: i32,
): void {
  const rowB = (<usize>n) << 2
  for (let j = from; j < n; j++) {
    let s: f32 = 0
    let ao: usize = 0
    let bo = b + ((<usize>j) << 2)
    for (let t = 0; t < k; t++) {
      s += load<f32>(ai + ao) * load<f32>(bo)
      ao += stepT
      bo += rowB
    }
    const o = ci + ((<usize>j) << 2)
    store<f32>(o, accumulate ? load<f32>(o) + s : s)
  }
}

/** In-place lower Cholesky of a symmetric d×d matrix (upper triangle zeroed); 0 when not positive definite. */
export function choleskyF64(a: usize, d: i32): i32 {
  const row = (<usize>d) << 3
  for (let j = 0; j < d; j++) {
    const jo = a + <usize>j * row
    const s = load<f64>(jo + ((<usize>j) << 3)) - dotF64(jo, jo, j)
    if (!(s > 0)) return 0
    const ljj = Math.sqrt(s)
    store<f64>(jo + ((<usize>j) << 3), ljj)
    for (let i = j + 1; i < d; i++) {
      const io = a + <usize>i * row
      store<f64>(io + ((<usize>j) << 3), (load<f64>(io + ((<usize>j) << 3)) - dotF64(io, jo, j)) / ljj)
    }
    for (let k = j + 1; k < d; k++) store<f64>(jo + ((<usize>k) << 3), 0)
  }
  return 1
}

/** inv = L⁻¹ for a lower-triangular L, row by row from L·L⁻¹ = I (each step an axpy over a row prefix). */
export function inverseLowerF64(l: usize, d: i32, inv: usize): void {
  const row = (<usize>d) << 3
  memory.fill(inv, 0, <usize>d * row)
  for (let i = 0; i < d; i++) {
    const io = inv + <usize>i * row
    const lo = l + <usize>i * row
    for (let k = 0; k < i; k++) {
      const f = load<f64>(lo + ((<usize>k) << 3))
      if (f == 0) continue
      const ko = inv + <usize>k * row
      const len = k + 1
      const nf = f64x2.splat(-f)
      let c = 0
      for (; c + 2 <= len; c += 2) {
        const o = (<usize>c) << 3
        v128.store(io + o, f64x2.add(v128.load(io + o), f64x2.mul(nf, v128.load(ko + o))))
      }
      for (; c < len; c++)
        store<f64>(
          io + ((<usize>c) << 3),
          load<f64>(io + ((<usize>c) << 3)) - f * load<f64>(ko + ((<usize>c) << 3)),
        )
    }
    const r = 1 / load<f64>(lo + ((<usize>i) << 3))
    for (let c = 0; c < i; c++) store<f64>(io + ((<usize>c) << 3), load<f64>(io + ((<usize>c) << 3)) * r)
    store<f64>(io + ((<usize>i) << 3), r)
  }
}

/**
 * One Adam step over `count` float32 parameters (PyTorch's update: m, v moving averages, bias corrections folded
 * into stepSize = lr / (1 − β1ᵗ) and bc2 = √(1 − β2ᵗ)), four lanes at a time.
 */
export function adamF32(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  count: i32,
  beta1: f32,
  beta2: f32,
  stepSize: f32,
  bc2: f32,
  eps: f32,
): void {
  const b1 = f32x4.splat(beta1)
  const b2 = f32x4.splat(beta2)
  const c1 = f32x4.splat(1 - beta1)
  const c2 = f32x4.splat(1 - beta2)
  const lr = f32x4.splat(stepSize)
  const inv = f32x4.splat(1 / bc2)
  const e = f32x4.splat(eps)
  let i = 0
  for (; i + 4 <= count; i += 4) {
    const o = (<usize>i) << 2
    const gi = v128.load(g + o)
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gi))
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gi, gi)))
    v128.store(m + o, mi)
    v128.store(v + o, vi)
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vi), inv), e)
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(lr, mi), denom)))
  }
  for (; i < count; i++) {
    const o = (<usize>i) << 2
    const gi = load<f32>(g + o)
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * gi
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * gi * gi
    store<f32>(m + o, mi)
    store<f32>(v + o, vi)
    store<f32>(p + o, load<f32>(p + o) - (stepSize * mi) / (Mathf.sqrt(vi) * (1 / bc2) + eps))
  }
}

/**
 * exp(x) for two doubles x ≤ 0: Cody–Waite reduction by ln 2 and a degree-13 Taylor polynomial on |r| ≤ ln2/2
 * (truncation below 1e-17 relative, so after rounding to float32 it agrees with a correctly rounded exp except
 * at the rarest ties). Arguments below −110 give 0, which float32 would round them to anyway.
 */
function expNegF64x2(x: v128): v128 {
  const xc = f64x2.max(x, f64x2.splat(-110))
  const k = f64x2.nearest(f64x2.mul(xc, f64x2.splat(1.4426950408889634)))
  const r = f64x2.sub(
    f64x2.sub(xc, f64x2.mul(k, f64x2.splat(0.6931471803691238))),
    f64x2.mul(k, f64x2.splat(1.9082149292705877e-10)),
  )
  let p = f64x2.splat(1.0 / 6227020800.0)
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0))
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0))
  // 2^k through the exponent bits.
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k))
  const scale = i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52)
  return f64x2.mul(p, scale)
}

/** Test hook: out[t] = exp(x[t]) for t < m (x ≤ 0), through expNegF64x2. */
export function expNegF64(x: usize, m: i32, out: usize): void {
  let t = 0
  for (; t + 2 <= m; t += 2)
    v128.store(out + ((<usize>t) << 3), expNegF64x2(v128.load(x + ((<usize>t) << 3))))
  if (t < m)
    store<f64>(
      out + ((<usize>t) << 3),
      f64x2.extract_lane(expNegF64x2(f64x2.splat(load<f64>(x + ((<usize>t) << 3)))), 0),
    )
}

/**
 * RBF kernel entries of row a against rows idx[0..m): row[idx[t]] = float32(exp(−γ(‖x_a‖² + ‖x_b‖² − 2 x_a·x_b))),
 * as libsvm's cached Qfloat values. `dots` is scratch for m doubles.
 */
export function rbfEntriesF64(
  x: usize,
  d: i32,
  sq: usize,
  gamma: f64,
  a: i32,
  idx: usize,
  m: i32,
  dots: usize,
  row: usize,
): void {
  dotsByIndexF64(x, d, a, idx, m, dots)
  const sqa = load<f64>(sq + ((<usize>a) << 3))
  const ng = f64x2.splat(-gamma)
  const two = f64x2.splat(2)
  let t = 0
  for (; t + 2 <= m; t += 2) {
    const b0 = load<i32>(idx + ((<usize>t) << 2))
    const b1 = load<i32>(idx + ((<usize>(t + 1)) << 2))
    const sb = f64x2.replace_lane(
      f64x2.splat(load<f64>(sq + ((<usize>b0) << 3))),
      1,
      load<f64>(sq + ((<usize>b1) << 3)),
    )
    const dist = f64x2.sub(
      f64x2.add(f64x2.splat(sqa), sb),
      f64x2.mul(two, v128.load(dots + ((<usize>t) << 3))),
    )
    const e = expNegF64x2(f64x2.mul(ng, dist))
    store<f32>(row + ((<usize>b0) << 2), <f32>f64x2.extract_lane(e, 0))
    store<f32>(row + ((<usize>b1) << 2), <f32>f64x2.extract_lane(e, 1))
  }
  if (t < m) {
    const b = load<i32>(idx + ((<usize>t) << 2))
    const dist = sqa + load<f64>(sq + ((<usize>b) << 3)) - 2 * load<f64>(dots + ((<usize>t) << 3))
    store<f32>(row + ((<usize>b) << 2), <f32>f64x2.extract_lane(expNegF64x2(f64x2.splat(-gamma * dist)), 0))
  }
}

/** Full kernel rows for rows a0..a0+m of `block` (m×d, copies of x rows a[t]): rows[t] = entries vs all l rows. */
export function rbfRowsBlockF64(
  block: usize,
  m: i32,
  x: usize,
  l: i32,
  d: i32,
  sq: usize,
  sqBlock: usize,
  gamma: f64,
  dots: usize,
  rows: usize,
  rowStride: i32,
): void {
  gemmAbtF64(block, m, x, l, d, dots, l)
  const ng = f64x2.splat(-gamma)
  const two = f64x2.splat(2)
  for (let r = 0; r < m; r++) {
    const sqa = f64x2.splat(load<f64>(sqBlock + ((<usize>r) << 3)))
    const dr = dots + <usize>r * ((<usize>l) << 3)
    const out = rows + <usize>r * ((<usize>rowStride) << 2)
    let b = 0
    for (; b + 2 <= l; b += 2) {
      const o = (<usize>b) << 3
      const dist = f64x2.sub(f64x2.add(sqa, v128.load(sq + o)), f64x2.mul(two, v128.load(dr + o)))
      const e = expNegF64x2(f64x2.mul(ng, dist))
      store<f32>(out + ((<usize>b) << 2), <f32>f64x2.extract_lane(e, 0))
      store<f32>(out + ((<usize>(b + 1)) << 2), <f32>f64x2.extract_lane(e, 1))
    }
    if (b < l) {
      const dist =
        f64x2.extract_lane(sqa, 0) + load<f64>(sq + ((<usize>b) << 3)) - 2 * load<f64>(dr + ((<usize>b) << 3))
      store<f32>(out + ((<usize>b) << 2), <f32>f64x2.extract_lane(expNegF64x2(f64x2.splat(-gamma * dist)), 0))
    }
  }
}
