// L2-regularised logistic regression (Newton–Raphson / IRLS) for the cry / non-cry classifier on cry
// embeddings. Hand-written: a few hundred features and a few thousand cries need no framework, and the
// fitted model must be a plain JSON object the workstation ships and loads without Python.

export interface LogisticModel {
  kind: 'logistic'
  version: 1
  /** Feature standardisation learned on the training set. */
  mean: number[]
  scale: number[]
  weights: number[]
  bias: number
  l2: number
}

export interface LogisticFitOptions {
  /** Ridge penalty on the standardised weights (not on the bias). */
  l2?: number
  /** Per-sample weights; default balances the two classes. */
  sampleWeights?: Float64Array
  maxIter?: number
}

/** Fits P(y = 1 | x). X is row-major n × d. */
export function fitLogistic(
  X: Float32Array | Float64Array,
  y: ArrayLike<number>,
  n: number,
  d: number,
  opts: LogisticFitOptions = {},
): LogisticModel {
  const l2 = opts.l2 ?? 1
  const mean = new Array<number>(d).fill(0)
  const scale = new Array<number>(d).fill(0)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += X[i * d + j]! / n
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scale[j]! += (X[i * d + j]! - mean[j]!) ** 2 / n
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1
  const p = d + 1 // last column is the bias
  const Z = new Float64Array(n * p)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) Z[i * p + j] = (X[i * d + j]! - mean[j]!) / scale[j]!
    Z[i * p + d] = 1
  }
  let sw = opts.sampleWeights
  if (!sw) {
    const pos = Array.from({ length: n }, (_, i) => y[i]!).filter((v) => v > 0.5).length
    const neg = n - pos
    sw = new Float64Array(n)
    for (let i = 0; i < n; i++) sw[i] = y[i]! > 0.5 ? n / (2 * Math.max(1, pos)) : n / (2 * Math.max(1, neg))
  }
  const w = new Float64Array(p)
  const H = new Float64Array(p * p)
  const g = new Float64Array(p)
  for (let iter = 0; iter < (opts.maxIter ?? 50); iter++) {
    H.fill(0)
    g.fill(0)
    for (let i = 0; i < n; i++) {
      let s = 0
      const row = i * p
      for (let j = 0; j < p; j++) s += Z[row + j]! * w[j]!
      const mu = 1 / (1 + Math.exp(-s))
      const r = sw[i]! * (mu - y[i]!)
      const v = sw[i]! * mu * (1 - mu)
      for (let j = 0; j < p; j++) {
        const zj = Z[row + j]!
        g[j]! += r * zj
        const vz = v * zj
        for (let k = 0; k <= j; k++) H[j * p + k]! += vz * Z[row + k]!
      }
    }
    for (let j = 0; j < d; j++) {
      g[j]! += l2 * w[j]!
      H[j * p + j]! += l2
    }
    H[d * p + d]! += 1e-8
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) H[k * p + j] = H[j * p + k]!
    const step = solveSpd(H, g, p)
    let maxStep = 0
    for (let j = 0; j < p; j++) {
      w[j]! -= step[j]!
      maxStep = Math.max(maxStep, Math.abs(step[j]!))
    }
    if (maxStep < 1e-8) break
  }
  return { kind: 'logistic', version: 1, mean, scale, weights: Array.from(w.subarray(0, d)), bias: w[d]!, l2 }
}

/** P(y = 1) for each row of X (n × d). */
export function predictLogistic(m: LogisticModel, X: Float32Array | Float64Array, n: number): Float64Array {
  const d = m.weights.length
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = m.bias
    for (let j = 0; j < d; j++) s += ((X[i * d + j]! - m.mean[j]!) / m.scale[j]!) * m.weights[j]!
    out[i] = 1 / (1 + Math.exp(-s))
  }
  return out
}

/** Cholesky solve of a symmetric positive-definite system (p small). */
function solveSpd(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const L = new Float64Array(p * p)
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j]!
      for (let k = 0; k < j; k++) s -= L[i * p + k]! * L[j * p + k]!
      L[i * p + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * p + j]!
    }
  }
  const yv = new Float64Array(p)
  for (let i = 0; i < p; i++) {
    let s = b[i]!
    for (let k = 0; k < i; k++) s -= L[i * p + k]! * yv[k]!
    yv[i] = s / L[i * p + i]!
  }
  const x = new Float64Array(p)
  for (let i = p - 1; i >= 0; i--) {
    let s = yv[i]!
    for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * x[k]!
    x[i] = s / L[i * p + i]!
  }
  return x
}
