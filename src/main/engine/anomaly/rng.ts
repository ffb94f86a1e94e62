// Seeded random numbers for fits that must be reproducible bit for bit (same seed + same data → same model).
// A dozen lines of SplitMix32/Mulberry-style mixing and Box–Muller are not worth a dependency, and owning them
// pins the exact sequence: a library upgrade must never change a stored model's refit.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Standard normal. */
  normal(): number
  /** Uniform integer in [0, n). */
  int(n: number): number
}

export function createRng(seed: number): Rng {
  let s = seed >>> 0 || 0x9e3779b9
  let spare: number | null = null
  const next = (): number => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    normal() {
      if (spare !== null) {
        const v = spare
        spare = null
        return v
      }
      let u = next()
      while (u === 0) u = next()
      const r = Math.sqrt(-2 * Math.log(u))
      const a = 2 * Math.PI * next()
      spare = r * Math.sin(a)
      return r * Math.cos(a)
    },
    int(n) {
      return Math.floor(next() * n)
    },
  }
}

/** Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n)
  for (let i = 0; i < n; i++) p[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const t = p[i]
    p[i] = p[j]
    p[j] = t
  }
  return p
}
