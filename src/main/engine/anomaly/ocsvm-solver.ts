// libsvm's SMO solver (Chang & Lin, LIBSVM 3.x `Solver::Solve`), specialised to the one-class problem that
// sklearn.svm.OneClassSVM hands it: labels all +1, linear term 0, every upper bound C_i = 1, alpha initialised
// to ν·l in libsvm's exact order. Same second-order working-set selection (Fan, Chen & Lin 2005), same shrinking
// schedule, same stopping rule (max violation < tol) and same rho, so the decision values reproduce scikit-learn's
// to far better than its tolerance. Ported rather than wrapped: the one npm WebAssembly build (libsvm-js) is a
// sparse-format libsvm 3.22 without decision values or progress/cancel hooks, and measured slower on dense
// 192-d embeddings than this loop (see bench/anomaly.bench.ts).
import type { FitSteps } from './steps'

/** Kernel rows by ORIGINAL index; entries perm[0..len) must be valid on return (float32, as libsvm's Qfloat). */
export interface KernelRows {
  row(a: number, perm: Int32Array, len: number): Float32Array
  diag(a: number): number
}

export interface OneClassSolution {
  /** Dual coefficients in the original row order, in [0, 1], summing to ν·l. */
  alpha: Float64Array
  rho: number
  iterations: number
  converged: boolean
}

const LOWER = 0
const UPPER = 1
const FREE = 2
const TAU = 1e-12
const C = 1

export function* solveOneClass(
  Q: KernelRows,
  l: number,
  nu: number,
  eps: number,
  shrinking: boolean,
  maxIter: number,
): FitSteps<OneClassSolution> {
  const alpha = new Float64Array(l)
  // libsvm: nu_l accumulated term by term, then alphas filled greedily (the rounding of the sum matters).
  let nuL = 0
  for (let i = 0; i < l; i++) nuL += C * nu
  for (let i = 0; nuL > 0 && i < l; i++) {
    alpha[i] = Math.min(C, nuL)
    nuL -= alpha[i]
  }

  const perm = new Int32Array(l)
  const status = new Uint8Array(l)
  const G = new Float64Array(l)
  const Gbar = new Float64Array(l)
  const QD = new Float64Array(l)
  for (let i = 0; i < l; i++) {
    perm[i] = i
    QD[i] = Q.diag(i)
  }
  const setStatus = (i: number): void => {
    status[i] = alpha[i] >= C ? UPPER : alpha[i] <= 0 ? LOWER : FREE
  }
  for (let i = 0; i < l; i++) setStatus(i)
  let activeSize = l
  let unshrink = false

  for (let i = 0; i < l; i++) {
    if (status[i] === LOWER) continue
    const Qi = Q.row(perm[i], perm, l)
    const ai = alpha[i]
    for (let j = 0; j < l; j++) G[j] += ai * Qi[perm[j]]
    if (status[i] === UPPER) for (let j = 0; j < l; j++) Gbar[j] += C * Qi[perm[j]]
  }

  const swap = (i: number, j: number): void => {
    let t = perm[i]
    perm[i] = perm[j]
    perm[j] = t
    t = status[i]
    status[i] = status[j]
    status[j] = t
    let u = G[i]
    G[i] = G[j]
    G[j] = u
    u = alpha[i]
    alpha[i] = alpha[j]
    alpha[j] = u
    u = Gbar[i]
    Gbar[i] = Gbar[j]
    Gbar[j] = u
    u = QD[i]
    QD[i] = QD[j]
    QD[j] = u
  }

  const reconstructGradient = (): void => {
    if (activeSize === l) return
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j]
    let nrFree = 0
    for (let j = 0; j < activeSize; j++) if (status[j] === FREE) nrFree++
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Qi = Q.row(perm[i], perm, activeSize)
        let g = G[i]
        for (let j = 0; j < activeSize; j++) if (status[j] === FREE) g += alpha[j] * Qi[perm[j]]
        G[i] = g
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (status[i] !== FREE) continue
        const Qi = Q.row(perm[i], perm, l)
        const ai = alpha[i]
        for (let j = activeSize; j < l; j++) G[j] += ai * Qi[perm[j]]
      }
    }
  }

  // Out-parameters of selectWorkingSet.
  let outI = -1
  let outJ = -1
  let gap = Infinity
  const selectWorkingSet = (): boolean => {
    let Gmax = -Infinity
    let Gmax2 = -Infinity
    let GmaxIdx = -1
    let GminIdx = -1
    let objDiffMin = Infinity
    for (let t = 0; t < activeSize; t++) {
      if (status[t] !== UPPER && -G[t] >= Gmax) {
        Gmax = -G[t]
        GmaxIdx = t
      }
    }
    const i = GmaxIdx
    const Qi = i !== -1 ? Q.row(perm[i], perm, activeSize) : null
    const QDi = i !== -1 ? QD[i] : 0
    for (let j = 0; j < activeSize; j++) {
      if (status[j] === LOWER) continue
      const Gj = G[j]
      const gradDiff = Gmax + Gj
      if (Gj >= Gmax2) Gmax2 = Gj
      if (gradDiff > 0) {
        const quad = QDi + QD[j] - 2.0 * Qi![perm[j]]
        const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU)
        if (objDiff <= objDiffMin) {
          GminIdx = j
          objDiffMin = objDiff
        }
      }
    }
    gap = Gmax + Gmax2
    if (gap < eps || GminIdx === -1) return true
    outI = GmaxIdx
    outJ = GminIdx
    return false
  }

  const beShrunk = (i: number, Gmax1: number, Gmax2: number): boolean => {
    if (status[i] === UPPER) return -G[i] > Gmax1
    if (status[i] === LOWER) return G[i] > Gmax2
    return false
  }

  const doShrinking = (): void => {
    let Gmax1 = -Infinity
    let Gmax2 = -Infinity
    for (let i = 0; i < activeSize; i++) {
      if (status[i] !== UPPER && -G[i] >= Gmax1) Gmax1 = -G[i]
      if (status[i] !== LOWER && G[i] >= Gmax2) Gmax2 = G[i]
    }
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      unshrink = true
      reconstructGradient()
      activeSize = l
    }
    for (let i = 0; i < activeSize; i++) {
      if (!beShrunk(i, Gmax1, Gmax2)) continue
      activeSize--
      while (activeSize > i) {
        if (!beShrunk(activeSize, Gmax1, Gmax2)) {
          swap(i, activeSize)
          break
        }
        activeSize--
      }
    }
  }

  let iter = 0
  let counter = Math.min(l, 1000) + 1
  let converged = false
  const gap0 = { value: NaN }
  for (;;) {
    if (--counter === 0) {
      counter = Math.min(l, 1000)
      if (shrinking) doShrinking()
      yield progress(gap, gap0, eps, iter)
    }
    if (selectWorkingSet()) {
      reconstructGradient()
      activeSize = l
      if (selectWorkingSet()) {
        converged = true
        break
      }
      counter = 1
    }
    ++iter
    const i = outI
    const j = outJ
    const Qi = Q.row(perm[i], perm, activeSize)
    const Qj = Q.row(perm[j], perm, activeSize)
    const oldAi = alpha[i]
    const oldAj = alpha[j]
    // y_i == y_j branch of libsvm (one-class: all labels +1).
    let quad = QD[i] + QD[j] - 2 * Qi[perm[j]]
    if (quad <= 0) quad = TAU
    const delta = (G[i] - G[j]) / quad
    const sum = alpha[i] + alpha[j]
    alpha[i] -= delta
    alpha[j] += delta
    if (sum > C) {
      if (alpha[i] > C) {
        alpha[i] = C
        alpha[j] = sum - C
      }
    } else if (alpha[j] < 0) {
      alpha[j] = 0
      alpha[i] = sum
    }
    if (sum > C) {
      if (alpha[j] > C) {
        alpha[j] = C
        alpha[i] = sum - C
      }
    } else if (alpha[i] < 0) {
      alpha[i] = 0
      alpha[j] = sum
    }

    const dai = alpha[i] - oldAi
    const daj = alpha[j] - oldAj
    for (let k = 0; k < activeSize; k++) {
      const pk = perm[k]
      G[k] += Qi[pk] * dai + Qj[pk] * daj
    }

    const ui = status[i] === UPPER
    const uj = status[j] === UPPER
    setStatus(i)
    setStatus(j)
    if (ui !== (status[i] === UPPER)) {
      const row = Q.row(perm[i], perm, l)
      const s = ui ? -C : C
      for (let k = 0; k < l; k++) Gbar[k] += s * row[perm[k]]
    }
    if (uj !== (status[j] === UPPER)) {
      const row = Q.row(perm[j], perm, l)
      const s = uj ? -C : C
      for (let k = 0; k < l; k++) Gbar[k] += s * row[perm[k]]
    }
    if (maxIter > 0 && iter >= maxIter) break
  }
  if (activeSize < l) {
    // Stopped by maxIter while shrunk: rho needs every gradient.
    reconstructGradient()
    activeSize = l
  }

  // rho: mean gradient over free variables, else the middle of the feasible interval (libsvm calculate_rho).
  let ub = Infinity
  let lb = -Infinity
  let sumFree = 0
  let nrFree = 0
  for (let i = 0; i < activeSize; i++) {
    const g = G[i]
    if (status[i] === UPPER) lb = Math.max(lb, g)
    else if (status[i] === LOWER) ub = Math.min(ub, g)
    else {
      nrFree++
      sumFree += g
    }
  }
  const rho = nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2

  const out = new Float64Array(l)
  for (let i = 0; i < l; i++) out[perm[i]] = alpha[i]
  return { alpha: out, rho, iterations: iter, converged }
}

/** SMO has no known length: progress is how far the violation has fallen from its first value towards tol. */
function progress(gap: number, gap0: { value: number }, eps: number, iter: number) {
  if (!Number.isFinite(gap0.value) && Number.isFinite(gap)) gap0.value = gap
  const g0 = gap0.value
  const f = Number.isFinite(g0) && g0 > eps ? Math.log(g0 / Math.max(gap, eps)) / Math.log(g0 / eps) : 0
  return {
    stage: 'ocsvm',
    fraction: Math.min(0.99, Math.max(0, f)),
    detail: `${iter} SMO steps, violation ${gap.toExponential(2)}`,
  }
}
