// eslint-disable-next-line @typescript-eslint/ban-ts-comment -- AssemblyScript types (v128, usize) are not TypeScript's
// @ts-nocheck — AssemblyScript, not TypeScript: compiled to WebAssembly by build-dsp.mjs, never imported.
// The signal front ends' hot loops with 128-bit SIMD, in double precision like the JavaScript they replace. The
// embedding's Kaldi fbank runs whole here (framing with DC removal, pre-emphasis and window; a half-size complex
// FFT split into the real frame's power spectrum; the mel sums; the log). Written by hand because no npm package
// offers these over caller-owned memory. The FFT too, against the house rule of using fft.js: handing each frame
// to fft.js and its spectrum back cost as much as the FFT itself (bench embed: fft.js on a view of WebAssembly
// memory runs 30 % slower than on its plain arrays, and the copy back takes half an FFT), and the one SIMD FFT on
// npm (@echogarden/pffft-wasm) is an Emscripten module with its own heap, an asynchronous start and float32 only.
// The FFT is pinned to fft.js by test/unit/dsp-simd.test.ts (through the fbank). Pointers are byte offsets into
// the imported memory.

/** ln x for x > 0, finite and normal: exponent from the bits, 2·atanh((m − 1)/(m + 1)) for m in [√½, √2]. */
function logF64x2(x: v128): v128 {
  let m = v128.or(v128.and(x, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000))
  const big = f64x2.gt(m, f64x2.splat(1.4142135623730951))
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big)
  // big lanes are −1 as integers: subtracting them adds one to the exponent.
  const e = i64x2.sub(i64x2.shr_u(x, 52), big)
  // The (small, non-negative) exponent field to a double: 2^52 + e read as bits, less 2^52 + 1023.
  const ef = f64x2.sub(v128.or(e, i64x2.splat(0x4330000000000000)), f64x2.splat(4503599627371519.0))
  const s = f64x2.div(f64x2.sub(m, f64x2.splat(1)), f64x2.add(m, f64x2.splat(1)))
  const z = f64x2.mul(s, s)
  // |s| ≤ 0.1716, z ≤ 0.0295: terms up to z^10 leave a relative error below 1e-17.
  let p = f64x2.splat(1.0 / 21.0)
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 19.0))
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 17.0))
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 15.0))
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 13.0))
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 11.0))
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 9.0))
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 7.0))
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 5.0))
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(1.0 / 3.0))
  const lm = f64x2.mul(f64x2.add(s, s), f64x2.add(f64x2.mul(p, z), f64x2.splat(1)))
  return f64x2.add(
    f64x2.mul(ef, f64x2.splat(0.6931471803691238)),
    f64x2.add(lm, f64x2.mul(ef, f64x2.splat(1.9082149292705877e-10))),
  )
}

/** Test hook: out[t] = ln x[t] (doubles, x > 0 normal) for t < m, through logF64x2. */
export function logF64(x: usize, m: i32, out: usize): void {
  let t = 0
  for (; t + 2 <= m; t += 2) v128.store(out + ((<usize>t) << 3), logF64x2(v128.load(x + ((<usize>t) << 3))))
  if (t < m)
    store<f64>(
      out + ((<usize>t) << 3),
      f64x2.extract_lane(logF64x2(f64x2.splat(load<f64>(x + ((<usize>t) << 3)))), 0),
    )
}

/**
 * In-place forward complex FFT of n = 2^p ≥ 4 points (v128 = [re, im] each) whose input was stored in
 * bit-reversed order: radix-2 decimation in time. `twC`/`twS` hold, for j < n/2, [c, c] and [−s, s] with c + is = e^(−2πij/n).
 */
function fftBitReversedF64(z: usize, n: i32, twC: usize, twS: usize): void {
  // Sizes 2 and 4 in one pass: their twiddles are 1 and −i, multiplied exactly ((x + iy)(−i) = y − ix).
  const negIm = f64x2(0.0, -0.0)
  for (let i = 0; i < n; i += 4) {
    const p = z + ((<usize>i) << 4)
    const a0 = v128.load(p)
    const a1 = v128.load(p + 16)
    const a2 = v128.load(p + 32)
    const a3 = v128.load(p + 48)
    const t0 = f64x2.add(a0, a1)
    const t1 = f64x2.sub(a0, a1)
    const t2 = f64x2.add(a2, a3)
    const d = f64x2.sub(a2, a3)
    const t3 = v128.xor(v128.shuffle<f64>(d, d, 1, 0), negIm)
    v128.store(p, f64x2.add(t0, t2))
    v128.store(p + 32, f64x2.sub(t0, t2))
    v128.store(p + 16, f64x2.add(t1, t3))
    v128.store(p + 48, f64x2.sub(t1, t3))
  }
  for (let size = 8; size <= n; size <<= 1) {
    const half = size >> 1
    const step = (<usize>(n / size)) << 4
    for (let i = 0; i < n; i += size) {
      const p = z + ((<usize>i) << 4)
      const q = p + ((<usize>half) << 4)
      let tw: usize = 0
      for (let j = 0; j < half; j++) {
        const o = (<usize>j) << 4
        const a = v128.load(p + o)
        const b = v128.load(q + o)
        const t = f64x2.add(
          f64x2.mul(b, v128.load(twC + tw)),
          f64x2.mul(v128.shuffle<f64>(b, b, 1, 0), v128.load(twS + tw)),
        )
        v128.store(p + o, f64x2.add(a, t))
        v128.store(q + o, f64x2.sub(a, t))
        tw += step
      }
    }
  }
}

/**
 * Power of bin k (0 < k < half) of a real frame of 2·half samples, from the half-size complex FFT Z of its even and
 * odd samples (the split: E = (Z[k] + conj Z[half−k]) / 2, O = (Z[k] − conj Z[half−k]) / 2i, X = E + W^k O).
 */
function splitPowerF64(z: usize, half: i32, twRe: usize, twIm: usize, k: i32): f64 {
  const m = half - k
  const a = load<f64>(z + ((<usize>k) << 4))
  const b = load<f64>(z + ((<usize>k) << 4) + 8)
  const c = load<f64>(z + ((<usize>m) << 4))
  const d = load<f64>(z + ((<usize>m) << 4) + 8)
  const er = 0.5 * (a + c)
  const ei = 0.5 * (b - d)
  const or = 0.5 * (b + d)
  const oi = 0.5 * (c - a)
  const wr = load<f64>(twRe + ((<usize>k) << 3))
  const wi = load<f64>(twIm + ((<usize>k) << 3))
  const re = er + wr * or - wi * oi
  const im = ei + wr * oi + wi * or
  return re * re + im * im
}

/**
 * Kaldi log-mel rows of a waveform (f32 in [-1, 1]) into `out` (`frames` rows of `bins` f32), frame t starting at
 * sample t·shift, W = `w` samples (even, ≤ 2·half):
 * 1. DC removal (when `removeDc`; the mean from prefix sums, `prefix` scratch for (frames − 1)·shift + W + 1
 *    doubles), pre-emphasis with replicate edge, window × scale (`win`, W doubles);
 * 2. the frame read as `half` complex pairs z[n] = x[2n] + i·x[2n+1], zero-padded, stored bit-reversed (`rev`,
 *    `half` i32) into `z` (half v128) and transformed in place (`twC`, `twS`: see fftBitReversedF64);
 * 3. X[k] = E[k] + W^k·O[k] with E and O from Z[k] and conj Z[half − k] (`twRe`, `twIm`: cos and −sin of
 *    2πk/(2·half)); bin k's power goes to band[k] (weight low[k]) and band[k] + 1 (weight high[k]) of `energies`
 *    (bins + 1 doubles: the last absorbs unused weights), for k in [firstBin, endBin) (`spec`: scratch for
 *    endBin doubles);
 * 4. ln(max(e, floor)).
 */
export function fbankF64(
  wave: usize,
  frames: i32,
  shift: i32,
  w: i32,
  pre: f64,
  removeDc: i32,
  win: usize,
  prefix: usize,
  z: usize,
  half: i32,
  rev: usize,
  twC: usize,
  twS: usize,
  twRe: usize,
  twIm: usize,
  firstBin: i32,
  endBin: i32,
  band: usize,
  low: usize,
  high: usize,
  energies: usize,
  spec: usize,
  bins: i32,
  floor: f64,
  out: usize,
): void {
  if (frames <= 0) return
  if (removeDc) {
    const n = (frames - 1) * shift + w
    let s: f64 = 0
    store<f64>(prefix, 0)
    for (let i = 0; i < n; i++) {
      s += <f64>load<f32>(wave + ((<usize>i) << 2))
      store<f64>(prefix + ((<usize>(i + 1)) << 3), s)
    }
  }
  const vpre = f64x2.splat(pre)
  const vfloor = f64x2.splat(floor)
  const pairs = w >> 1
  for (let t = 0; t < frames; t++) {
    const off = t * shift
    const x = wave + ((<usize>off) << 2)
    const mean: f64 = removeDc
      ? (load<f64>(prefix + ((<usize>(off + w)) << 3)) - load<f64>(prefix + ((<usize>off) << 3))) / <f64>w
      : 0
    const vmean = f64x2.splat(mean)
    // Pair 0: the first sample's predecessor is itself.
    const x0 = <f64>load<f32>(x) - mean
    const first = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(x)), vmean)
    v128.store(
      z + ((<usize>load<i32>(rev)) << 4),
      f64x2.mul(f64x2.sub(first, f64x2.mul(vpre, f64x2.splat(x0))), v128.load(win)),
    )
    for (let n = 1; n < pairs; n++) {
      const i = n << 1
      const cur = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(x + ((<usize>i) << 2))), vmean)
      const prev = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(x + ((<usize>(i - 1)) << 2))), vmean)
      v128.store(
        z + ((<usize>load<i32>(rev + ((<usize>n) << 2))) << 4),
        f64x2.mul(f64x2.sub(cur, f64x2.mul(vpre, prev)), v128.load(win + ((<usize>i) << 3))),
      )
    }
    for (let n = pairs; n < half; n++)
      v128.store(z + ((<usize>load<i32>(rev + ((<usize>n) << 2))) << 4), f64x2.splat(0))
    fftBitReversedF64(z, half, twC, twS)
    for (let b = 0; b <= bins; b++) store<f64>(energies + ((<usize>b) << 3), 0)
    // Power of bins k and k + 1 at once (lanes), into `spec`; the same operations per bin as one at a time.
    let k = firstBin
    if (k == 0 && k < endBin) {
      const r0 = load<f64>(z)
      const i0 = load<f64>(z + 8)
      // X[0] by the general formula with W^0 = 1 and Z[half − 0] read as Z[0].
      const er = 0.5 * (r0 + r0)
      const ei = 0.5 * (i0 - i0)
      const or = 0.5 * (i0 + i0)
      const oi = 0.5 * (r0 - r0)
      const wr = load<f64>(twRe)
      const wi = load<f64>(twIm)
      const re = er + wr * or - wi * oi
      const im = ei + wr * oi + wi * or
      store<f64>(spec, re * re + im * im)
      k = 1
    }
    const half5 = f64x2.splat(0.5)
    for (; k + 2 <= endBin; k += 2) {
      const v0 = v128.load(z + ((<usize>k) << 4))
      const v1 = v128.load(z + ((<usize>k) << 4) + 16)
      const u0 = v128.load(z + ((<usize>(half - k)) << 4))
      const u1 = v128.load(z + ((<usize>(half - k - 1)) << 4))
      const a = v128.shuffle<f64>(v0, v1, 0, 2)
      const b = v128.shuffle<f64>(v0, v1, 1, 3)
      const c = v128.shuffle<f64>(u0, u1, 0, 2)
      const d = v128.shuffle<f64>(u0, u1, 1, 3)
      const er = f64x2.mul(half5, f64x2.add(a, c))
      const ei = f64x2.mul(half5, f64x2.sub(b, d))
      const or = f64x2.mul(half5, f64x2.add(b, d))
      const oi = f64x2.mul(half5, f64x2.sub(c, a))
      const wr = v128.load(twRe + ((<usize>k) << 3))
      const wi = v128.load(twIm + ((<usize>k) << 3))
      const re = f64x2.sub(f64x2.add(er, f64x2.mul(wr, or)), f64x2.mul(wi, oi))
      const im = f64x2.add(f64x2.add(ei, f64x2.mul(wr, oi)), f64x2.mul(wi, or))
      v128.store(spec + ((<usize>k) << 3), f64x2.add(f64x2.mul(re, re), f64x2.mul(im, im)))
    }
    for (; k < endBin; k++) {
      store<f64>(spec + ((<usize>k) << 3), splitPowerF64(z, half, twRe, twIm, k))
    }
    // Mel sums in bin order, the two open bands' sums in registers (band[k] never decreases with k).
    if (firstBin < endBin) {
      let j = load<i32>(band + ((<usize>firstBin) << 2))
      let e0: f64 = 0
      let e1: f64 = 0
      for (let q = firstBin; q < endBin; q++) {
        const jq = load<i32>(band + ((<usize>q) << 2))
        if (jq != j) {
          store<f64>(energies + ((<usize>j) << 3), e0)
          store<f64>(energies + ((<usize>j) << 3) + 8, e1)
          j = jq
          e0 = load<f64>(energies + ((<usize>j) << 3))
          e1 = load<f64>(energies + ((<usize>j) << 3) + 8)
        }
        const p = load<f64>(spec + ((<usize>q) << 3))
        e0 += load<f64>(low + ((<usize>q) << 3)) * p
        e1 += load<f64>(high + ((<usize>q) << 3)) * p
      }
      store<f64>(energies + ((<usize>j) << 3), e0)
      store<f64>(energies + ((<usize>j) << 3) + 8, e1)
    }
    const row = out + <usize>t * ((<usize>bins) << 2)
    let b = 0
    for (; b + 2 <= bins; b += 2) {
      const e = v128.load(energies + ((<usize>b) << 3))
      const l = logF64x2(v128.bitselect(e, vfloor, f64x2.gt(e, vfloor)))
      v128.store64_lane(row + ((<usize>b) << 2), f32x4.demote_f64x2_zero(l), 0)
    }
    if (b < bins) {
      const e = load<f64>(energies + ((<usize>b) << 3))
      const l = logF64x2(f64x2.splat(e > floor ? e : floor))
      store<f32>(row + ((<usize>b) << 2), f32x4.extract_lane(f32x4.demote_f64x2_zero(l), 0))
    }
  }
}

/**
 * One dense layer, out[o] = bias[o] + Σ_i w[o][i]·a[i] summed over i in order (as the scalar loop does, so the
 * results are bit-identical to it), ReLU unless `last`. Outputs go in pairs, one per lane: `wp` holds pair p's
 * weights interleaved ([w[2p][i], w[2p+1][i]] for each i), `w` the row-major matrix for an odd last output.
 */
function denseF64(
  a: usize,
  inputs: i32,
  outputs: i32,
  wp: usize,
  w: usize,
  bias: usize,
  out: usize,
  last: i32,
): void {
  const zero = f64x2.splat(0)
  const pairs = outputs >> 1
  const pairBytes = (<usize>inputs) << 4
  let p = 0
  for (; p + 4 <= pairs; p += 4) {
    const w0 = wp + <usize>p * pairBytes
    const w1 = w0 + pairBytes
    const w2 = w1 + pairBytes
    const w3 = w2 + pairBytes
    const b = bias + ((<usize>p) << 4)
    let s0 = v128.load(b)
    let s1 = v128.load(b + 16)
    let s2 = v128.load(b + 32)
    let s3 = v128.load(b + 48)
    for (let i = 0; i < inputs; i++) {
      const x = v128.load64_splat(a + ((<usize>i) << 3))
      const o = (<usize>i) << 4
      s0 = f64x2.add(s0, f64x2.mul(v128.load(w0 + o), x))
      s1 = f64x2.add(s1, f64x2.mul(v128.load(w1 + o), x))
      s2 = f64x2.add(s2, f64x2.mul(v128.load(w2 + o), x))
      s3 = f64x2.add(s3, f64x2.mul(v128.load(w3 + o), x))
    }
    if (!last) {
      s0 = v128.bitselect(s0, zero, f64x2.gt(s0, zero))
      s1 = v128.bitselect(s1, zero, f64x2.gt(s1, zero))
      s2 = v128.bitselect(s2, zero, f64x2.gt(s2, zero))
      s3 = v128.bitselect(s3, zero, f64x2.gt(s3, zero))
    }
    const q = out + ((<usize>p) << 4)
    v128.store(q, s0)
    v128.store(q + 16, s1)
    v128.store(q + 32, s2)
    v128.store(q + 48, s3)
  }
  for (; p < pairs; p++) {
    const w0 = wp + <usize>p * pairBytes
    let s = v128.load(bias + ((<usize>p) << 4))
    for (let i = 0; i < inputs; i++)
      s = f64x2.add(s, f64x2.mul(v128.load(w0 + ((<usize>i) << 4)), v128.load64_splat(a + ((<usize>i) << 3))))
    if (!last) s = v128.bitselect(s, zero, f64x2.gt(s, zero))
    v128.store(out + ((<usize>p) << 4), s)
  }
  if (outputs & 1) {
    const o = outputs - 1
    const row = w + <usize>o * ((<usize>inputs) << 3)
    let s = load<f64>(bias + ((<usize>o) << 3))
    for (let i = 0; i < inputs; i++)
      s += load<f64>(row + ((<usize>i) << 3)) * load<f64>(a + ((<usize>i) << 3))
    store<f64>(out + ((<usize>o) << 3), last || s > 0 ? s : 0)
  }
}

/**
 * A multilayer perceptron's output before the logistic: a0 = (x − mean)·inv (x: `inputs` f32), then `count`
 * dense layers described by `layers` (6 i32 each: inputs, outputs, wp, w, bias, out; see denseF64), ReLU between
 * them; returns the last layer's first output. a0 is `act`, `inputs` doubles; each layer reads the previous out.
 */
export function mlpF64(
  x: usize,
  inputs: i32,
  mean: usize,
  inv: usize,
  act: usize,
  layers: usize,
  count: i32,
): f64 {
  for (let i = 0; i < inputs; i++) {
    const o = (<usize>i) << 3
    store<f64>(act + o, (<f64>load<f32>(x + ((<usize>i) << 2)) - load<f64>(mean + o)) * load<f64>(inv + o))
  }
  let a = act
  for (let l = 0; l < count; l++) {
    const d = layers + <usize>l * 24
    const out = <usize>load<i32>(d + 20)
    denseF64(
      a,
      load<i32>(d),
      load<i32>(d + 4),
      <usize>load<i32>(d + 8),
      <usize>load<i32>(d + 12),
      <usize>load<i32>(d + 16),
      out,
      l == count - 1 ? 1 : 0,
    )
    a = out
  }
  return load<f64>(a)
}

/**
 * The power spectrum (`half` + 1 bins, doubles, into `out`) of the 2·half samples of `ring` (f32, a circular buffer
 * whose oldest sample is at `oldest`; 2·half a power of two) times `win` (2·half doubles), through a half-size
 * complex FFT as in fbankF64 (`z`, `rev`, `twC`, `twS`, `twRe`, `twIm` likewise).
 */
export function stftPowerF64(
  ring: usize,
  oldest: i32,
  win: usize,
  z: usize,
  half: i32,
  rev: usize,
  twC: usize,
  twS: usize,
  twRe: usize,
  twIm: usize,
  out: usize,
): void {
  const mask = 2 * half - 1
  for (let n = 0; n < half; n++) {
    const i = n << 1
    const a = <f64>load<f32>(ring + ((<usize>((oldest + i) & mask)) << 2))
    const b = <f64>load<f32>(ring + ((<usize>((oldest + i + 1) & mask)) << 2))
    v128.store(
      z + ((<usize>load<i32>(rev + ((<usize>n) << 2))) << 4),
      f64x2.mul(f64x2(a, b), v128.load(win + ((<usize>i) << 3))),
    )
  }
  fftBitReversedF64(z, half, twC, twS)
  // DC and Nyquist are real: Re Z[0] ± Im Z[0].
  const r0 = load<f64>(z)
  const i0 = load<f64>(z + 8)
  store<f64>(out, (r0 + i0) * (r0 + i0))
  store<f64>(out + ((<usize>half) << 3), (r0 - i0) * (r0 - i0))
  for (let k = 1; k < half; k++) {
    store<f64>(out + ((<usize>k) << 3), splitPowerF64(z, half, twRe, twIm, k))
  }
}

/**
 * The `rank`-th smallest (from 0) of `count` rows at each of the first `bins` columns, × bias + eps, into `out`:
 * the noise floor's percentile. `rows` holds the rows' byte offsets (i32); `sorted` is scratch for `keep`
 * (≥ rank + 1) v128. Each column's `keep` smallest values are kept sorted by a min/max insertion network, two
 * columns per lane pair, skipped when neither value is below its column's largest kept: the same values, in the
 * same order, as the scalar insertion sort (min and max only move values; the rows hold no NaN, so the
 * pseudo-min/max, single instructions on x64, are exact).
 */
export function rankedColumnsF64(
  rows: usize,
  count: i32,
  bins: i32,
  keep: i32,
  rank: i32,
  bias: f64,
  eps: f64,
  sorted: usize,
  out: usize,
): void {
  const inf = f64x2.splat(Infinity)
  const vbias = f64x2.splat(bias)
  const veps = f64x2.splat(eps)
  let k = 0
  if (keep <= 8) {
    // Eight kept values in registers, inserted into without a branch: the same values (a column's rank-th
    // smallest does not depend on how many more than rank + 1 are kept).
    for (; k + 2 <= bins; k += 2) {
      const o = (<usize>k) << 3
      let s0 = inf,
        s1 = inf,
        s2 = inf,
        s3 = inf,
        s4 = inf,
        s5 = inf,
        s6 = inf,
        s7 = inf
      for (let j = 0; j < count; j++) {
        let v = v128.load(<usize>load<i32>(rows + ((<usize>j) << 2)) + o)
        let a = s0
        s0 = f64x2.pmin(a, v)
        v = f64x2.pmax(a, v)
        a = s1
        s1 = f64x2.pmin(a, v)
        v = f64x2.pmax(a, v)
        a = s2
        s2 = f64x2.pmin(a, v)
        v = f64x2.pmax(a, v)
        a = s3
        s3 = f64x2.pmin(a, v)
        v = f64x2.pmax(a, v)
        a = s4
        s4 = f64x2.pmin(a, v)
        v = f64x2.pmax(a, v)
        a = s5
        s5 = f64x2.pmin(a, v)
        v = f64x2.pmax(a, v)
        a = s6
        s6 = f64x2.pmin(a, v)
        v = f64x2.pmax(a, v)
        s7 = f64x2.pmin(s7, v)
      }
      const r =
        rank == 0
          ? s0
          : rank == 1
            ? s1
            : rank == 2
              ? s2
              : rank == 3
                ? s3
                : rank == 4
                  ? s4
                  : rank == 5
                    ? s5
                    : rank == 6
                      ? s6
                      : s7
      v128.store(out + o, f64x2.add(f64x2.mul(r, vbias), veps))
    }
  }
  for (; k + 2 <= bins; k += 2) {
    for (let s = 0; s < keep; s++) v128.store(sorted + ((<usize>s) << 4), inf)
    const o = (<usize>k) << 3
    const last = sorted + ((<usize>(keep - 1)) << 4)
    for (let j = 0; j < count; j++) {
      let v = v128.load(<usize>load<i32>(rows + ((<usize>j) << 2)) + o)
      // Most values are above both columns' current largest kept: nothing to insert.
      if (!v128.any_true(f64x2.lt(v, v128.load(last)))) continue
      for (let s = 0; s < keep; s++) {
        const p = sorted + ((<usize>s) << 4)
        const a = v128.load(p)
        v128.store(p, f64x2.pmin(a, v))
        v = f64x2.pmax(a, v)
      }
    }
    v128.store(out + o, f64x2.add(f64x2.mul(v128.load(sorted + ((<usize>rank) << 4)), vbias), veps))
  }
  for (; k < bins; k++) {
    for (let s = 0; s < keep; s++) store<f64>(sorted + ((<usize>s) << 3), Infinity)
    const o = (<usize>k) << 3
    for (let j = 0; j < count; j++) {
      let v = load<f64>(<usize>load<i32>(rows + ((<usize>j) << 2)) + o)
      for (let s = 0; s < keep; s++) {
        const p = sorted + ((<usize>s) << 3)
        const a = load<f64>(p)
        store<f64>(p, min(a, v))
        v = max(a, v)
      }
    }
    store<f64>(out + o, load<f64>(sorted + ((<usize>rank) << 3)) * bias + eps)
  }
}

/**
 * The normalised autocorrelation of a frame from its power spectrum (`half` + 1 bins, doubles): the real FFT of
 * the spectrum's even extension (2·half points, through a half-size complex FFT as in stftPowerF64), divided by
 * its lag-0 value and by `windowAc` (half doubles), for lags 0 … half − 1 into `out`; all zeros when the lag-0
 * value is not positive.
 */
export function autocorrelationF64(
  power: usize,
  windowAc: usize,
  z: usize,
  half: i32,
  rev: usize,
  twC: usize,
  twS: usize,
  twRe: usize,
  twIm: usize,
  out: usize,
): void {
  const n2 = 2 * half
  for (let n = 0; n < half; n++) {
    const i = n << 1
    // even[i] = power[i] up to the Nyquist bin, power[2·half − i] past it.
    const a = load<f64>(power + ((<usize>(i <= half ? i : n2 - i)) << 3))
    const j = i + 1
    const b = load<f64>(power + ((<usize>(j <= half ? j : n2 - j)) << 3))
    v128.store(z + ((<usize>load<i32>(rev + ((<usize>n) << 2))) << 4), f64x2(a, b))
  }
  fftBitReversedF64(z, half, twC, twS)
  const r0 = load<f64>(z) + load<f64>(z + 8)
  if (!(r0 > 0)) {
    for (let k = 0; k < half; k++) store<f64>(out + ((<usize>k) << 3), 0)
    return
  }
  store<f64>(out, r0 / r0 / load<f64>(windowAc))
  for (let k = 1; k < half; k++) {
    const m = half - k
    const a = load<f64>(z + ((<usize>k) << 4))
    const b = load<f64>(z + ((<usize>k) << 4) + 8)
    const c = load<f64>(z + ((<usize>m) << 4))
    const d = load<f64>(z + ((<usize>m) << 4) + 8)
    const er = 0.5 * (a + c)
    const or = 0.5 * (b + d)
    const oi = 0.5 * (c - a)
    const re = er + load<f64>(twRe + ((<usize>k) << 3)) * or - load<f64>(twIm + ((<usize>k) << 3)) * oi
    store<f64>(out + ((<usize>k) << 3), re / r0 / load<f64>(windowAc + ((<usize>k) << 3)))
  }
}
