// The WebAssembly SIMD kernels against plain loops, on odd sizes that exercise every tail. Tolerances: 1e-12
// relative for double precision (only the summation order differs), 1e-5 relative for single precision.
// Also checks that the committed module was built from the committed AssemblyScript source.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRng } from '../../src/main/engine/anomaly/rng'
import { ptr, SimdArena } from '../../src/main/engine/anomaly/simd/kernels'

const rng = createRng(99)
const fill = (a: Float64Array | Float32Array) => {
  for (let i = 0; i < a.length; i++) a[i] = rng.normal()
  return a
}
const close = (a: number, b: number, rel: number) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * (1 + Math.abs(b)))

describe('SIMD kernels', () => {
  const ar = new SimdArena(4 << 20)

  it('gemmAbtF64 = A·Bᵀ (with a leading dimension)', () => {
    const [m, n, k, ldc] = [7, 5, 13, 9]
    const a = fill(ar.f64(m * k))
    const b = fill(ar.f64(n * k))
    const c = ar.f64(m * ldc)
    ar.k.gemmAbtF64(ptr(a), m, ptr(b), n, k, ptr(c), ldc)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let t = 0; t < k; t++) s += a[i * k + t] * b[j * k + t]
        close(c[i * ldc + j], s, 1e-12)
      }
  })

  it('dotsByIndexF64 = dot(row a, row idx[t])', () => {
    const [rows, d] = [11, 9]
    const x = fill(ar.f64(rows * d))
    const idx = ar.i32(7)
    idx.set([3, 0, 10, 4, 4, 9, 1])
    const out = ar.f64(7)
    ar.k.dotsByIndexF64(ptr(x), d, 5, ptr(idx), 7, ptr(out))
    idx.forEach((b, t) => {
      let s = 0
      for (let j = 0; j < d; j++) s += x[5 * d + j] * x[b * d + j]
      close(out[t], s, 1e-12)
    })
  })

  it('mahalanobisF64 = ‖Uᵀ(x − μ)‖² and the transformed rows', () => {
    const [n, d] = [6, 7]
    const x = fill(ar.f64(n * d))
    const mean = fill(ar.f64(d))
    const ut = ar.f64(d * d)
    for (let j = 0; j < d; j++) for (let k = 0; k <= j; k++) ut[j * d + k] = rng.normal()
    const out = ar.f64(n)
    const y = ar.f64(n * d)
    const scratch = ar.f64(4 * d)
    for (const withMean of [true, false]) {
      ar.k.mahalanobisF64(ptr(x), n, d, withMean ? ptr(mean) : 0, ptr(ut), ptr(out), ptr(y), ptr(scratch))
      for (let i = 0; i < n; i++) {
        let q = 0
        for (let j = 0; j < d; j++) {
          let s = 0
          for (let k = 0; k <= j; k++) s += (x[i * d + k] - (withMean ? mean[k] : 0)) * ut[j * d + k]
          close(y[i * d + j], s, 1e-12)
          q += s * s
        }
        close(out[i], q, 1e-12)
      }
    }
  })

  it('scatterF64 = Σ wᵢ(xᵢ − μ)(xᵢ − μ)ᵀ in blocks, zero weights skipped, symmetric', () => {
    const [n, d] = [23, 7]
    const x = fill(ar.f64(n * d))
    const mean = fill(ar.f64(d))
    const sw = ar.f64(n)
    for (let i = 0; i < n; i++) sw[i] = i % 4 === 1 ? 0 : Math.abs(rng.normal())
    const out = ar.f64(d * d)
    for (const blk of [1, 4, 5, 64])
      for (const withMean of [true, false])
        for (const weighted of [true, false]) {
          const buf = ar.f64(d * (blk + 1))
          const m = withMean ? mean : null
          ar.k.scatterF64(
            ptr(x),
            n,
            d,
            m ? ptr(m) : 0,
            weighted ? ptr(sw) : 0,
            ptr(out),
            ptr(buf),
            blk,
            blk + 1,
          )
          for (let a = 0; a < d; a++)
            for (let b = 0; b < d; b++) {
              let s = 0
              for (let i = 0; i < n; i++) {
                const w = weighted ? sw[i] * sw[i] : 1
                s += w * (x[i * d + a] - (m ? m[a] : 0)) * (x[i * d + b] - (m ? m[b] : 0))
              }
              close(out[a * d + b], s, 1e-12)
              expect(out[a * d + b]).toBe(out[b * d + a])
            }
        }
  })

  it('nearestCentreF64 = the scalar k-means assignment, bit for bit (first centre on ties)', () => {
    const [n, d, k, kp] = [9, 11, 5, 8]
    const x = fill(ar.f64(n * d))
    const centres = fill(new Float64Array(k * d))
    centres.copyWithin(3 * d, 1 * d, 2 * d) // centres 1 and 3 equal: a tie
    const ct = ar.f64(d * kp)
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) ct[j * kp + c] = centres[c * d + j]
    const labels = ar.i32(n)
    const dist = ar.f64(n)
    ar.k.nearestCentreF64(ptr(x), n, d, ptr(ct), k, kp, ptr(labels), ptr(dist), ptr(ar.f64(kp)))
    for (let i = 0; i < n; i++) {
      let bi = 0
      let bd = Infinity
      for (let c = 0; c < k; c++) {
        let s = 0
        for (let j = 0; j < d; j++) {
          const t = x[i * d + j] - centres[c * d + j]
          s += t * t
        }
        if (s < bd) {
          bd = s
          bi = c
        }
      }
      expect(labels[i]).toBe(bi)
      expect(dist[i]).toBe(bd)
    }
  })

  it('sqDistsToF64 and sumsByLabelF64 = the scalar loops, bit for bit', () => {
    const [n, d, k] = [7, 5, 3]
    const x = fill(ar.f64(n * d))
    const p = fill(ar.f64(d))
    const out = ar.f64(n)
    ar.k.sqDistsToF64(ptr(x), n, d, ptr(p), ptr(out))
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0; j < d; j++) {
        const t = x[i * d + j] - p[j]
        s += t * t
      }
      expect(out[i]).toBe(s)
    }
    const labels = ar.i32(n)
    labels.set([2, 0, 2, 1, 0, 2, 2])
    const sums = ar.f64(k * d)
    ar.k.sumsByLabelF64(ptr(x), n, d, ptr(labels), ptr(sums))
    const want = new Float64Array(k * d)
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) want[labels[i] * d + j] += x[i * d + j]
    expect(Array.from(sums)).toEqual(Array.from(want))
  })

  it('traceTriQuadF64 = the scalar trace(P S) loop, bit for bit', () => {
    for (const d of [1, 6, 9]) {
      const ut = ar.f64(d * d)
      const s = ar.f64(d * d)
      for (let j = 0; j < d; j++) for (let k = 0; k <= j; k++) ut[j * d + k] = k === 1 ? 0 : rng.normal()
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) s[a * d + b] = s[b * d + a] = rng.normal()
      let trace = 0
      for (let j = 0; j < d; j++)
        for (let a = 0; a <= j; a++) {
          const ua = ut[j * d + a]
          if (ua === 0) continue
          let t = 0
          for (let b = 0; b <= j; b++) t += s[a * d + b] * ut[j * d + b]
          trace += ua * t
        }
      expect(ar.k.traceTriQuadF64(ptr(ut), ptr(s), d, ptr(ar.f64(d)))).toBe(trace)
    }
  })

  it('weightedColumnSumsF64 = the scalar weighted sum of rows, bit for bit (zero weights skipped)', () => {
    const [n, d] = [6, 5]
    const x = fill(ar.f64(n * d))
    const w = fill(ar.f64(n))
    w[2] = 0
    const out = ar.f64(d)
    ar.k.weightedColumnSumsF64(ptr(x), n, d, ptr(w), ptr(out))
    const want = new Float64Array(d)
    for (let i = 0; i < n; i++) if (w[i] !== 0) for (let j = 0; j < d; j++) want[j] += w[i] * x[i * d + j]
    expect(Array.from(out)).toEqual(Array.from(want))
  })

  it('gemmAbtF32 = A·Bᵀ, overwrite and accumulate', () => {
    const [m, n, k] = [6, 3, 10]
    const a = fill(ar.f32(m * k))
    const b = fill(ar.f32(n * k))
    const c = ar.f32(m * n)
    ar.k.gemmAbtF32(ptr(a), m, ptr(b), n, k, ptr(c), 0)
    ar.k.gemmAbtF32(ptr(a), m, ptr(b), n, k, ptr(c), 1)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let t = 0; t < k; t++) s += a[i * k + t] * b[j * k + t]
        close(c[i * n + j], 2 * s, 1e-5)
      }
  })

  it('gemmBroadcastF32 = A·B and Aᵀ·B (strided A), overwrite and accumulate', () => {
    const [m, n, k] = [6, 11, 5]
    const a = fill(ar.f32(m * k)) // m×k for A·B
    const at = fill(ar.f32(k * m)) // k×m for Aᵀ·B
    const b = fill(ar.f32(k * n))
    const c = ar.f32(m * n)
    const c2 = ar.f32(m * n)
    ar.k.gemmBroadcastF32(ptr(a), k, 1, m, ptr(b), n, k, ptr(c), 0)
    ar.k.gemmBroadcastF32(ptr(at), 1, m, m, ptr(b), n, k, ptr(c2), 0)
    ar.k.gemmBroadcastF32(ptr(at), 1, m, m, ptr(b), n, k, ptr(c2), 1)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0
        let s2 = 0
        for (let t = 0; t < k; t++) {
          s += a[i * k + t] * b[t * n + j]
          s2 += at[t * m + i] * b[t * n + j]
        }
        close(c[i * n + j], s, 1e-5)
        close(c2[i * n + j], 2 * s2, 1e-5)
      }
  })

  it('choleskyF64 and inverseLowerF64: L·Lᵀ = A, L·L⁻¹ = I; refuses an indefinite matrix', () => {
    const d = 9
    const g = fill(ar.f64(d * d))
    const a = ar.f64(d * d)
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = i === j ? 1 : 0
        for (let t = 0; t < d; t++) s += g[i * d + t] * g[j * d + t]
        a[i * d + j] = s
      }
    const orig = Float64Array.from(a)
    expect(ar.k.choleskyF64(ptr(a), d)).toBe(1)
    const inv = ar.f64(d * d)
    ar.k.inverseLowerF64(ptr(a), d, ptr(inv))
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let llt = 0
        let li = 0
        for (let t = 0; t < d; t++) {
          llt += a[i * d + t] * a[j * d + t]
          li += a[i * d + t] * inv[t * d + j]
        }
        close(llt, orig[i * d + j], 1e-12)
        close(li, i === j ? 1 : 0, 1e-10)
        if (j > i) expect(a[i * d + j]).toBe(0)
      }
    const indefinite = ar.f64(4)
    indefinite.set([1, 2, 2, 1])
    expect(ar.k.choleskyF64(ptr(indefinite), 2)).toBe(0)
  })

  it('expNegF64 matches Math.exp to 4e-16 relative on [−100, 0] (the RBF kernel values)', () => {
    const m = 4001
    const x = ar.f64(m)
    for (let i = 0; i < m; i++) x[i] = -100 * (i / (m - 1)) ** 2
    const out = ar.f64(m)
    ar.k.expNegF64(ptr(x), m, ptr(out))
    let worst = 0
    for (let i = 0; i < m; i++) worst = Math.max(worst, Math.abs(out[i] - Math.exp(x[i])) / Math.exp(x[i]))
    expect(worst).toBeLessThan(4e-16)
    x[0] = -1000
    ar.k.expNegF64(ptr(x), 1, ptr(out))
    expect(Math.fround(out[0])).toBe(0)
  })

  it('the committed module matches kernels.as.ts', () => {
    const script = path.resolve(__dirname, '../../src/main/engine/anomaly/simd/build-kernels.mjs')
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toMatch(/up to date/)
  })
})
