// Choosing the mixture for one infant: number of components K (2..5 by default) and, with 'auto', the
// covariance structure (diag / tied / full). Criterion: the held-out log-likelihood — fit every candidate on the
// training recordings, score the held-out recordings, keep the best, then refit it on the whole baseline. This is
// cross-validated likelihood (Smyth 2000), chosen over BIC because BIC's Laplace approximation needs n ≫ p,
// while here a full 192-d mixture has K·18 528 covariance parameters for a few dozen cries. Ties (within 1e-9
// per cry) go to the candidate with fewer parameters. 'bic' (scikit-learn's bic on the whole baseline) remains
// available for comparison and for baselines too small to hold anything out.
import { kmeans, KMeansRows } from './kmeans'
import {
  emSteps,
  GaussianMixture,
  IllDefinedCovarianceError,
  logLikelihood,
  MixtureWorkspace,
  parameterCount,
  responsibilitiesFromLabels,
  type CovarianceType,
  type EmSettings,
  type Shrinkage,
} from './gmm'
import { createRng } from './rng'
import { asFloat64, heldOutSplit, takeRows } from './split'
import { scaled, type FitSteps } from './steps'
import { checkMatrix, type FitOptions } from './types'

export interface GmmParams {
  covarianceType: CovarianceType | 'auto'
  /** Inclusive range of K searched. */
  components: [number, number]
  regCovar: number
  shrinkage: Shrinkage
  tol: number
  maxIter: number
  selection: 'heldout' | 'bic'
  /** Share of the baseline's rows (whole recordings) held out for selection. */
  heldOutShare: number
  /**
   * k-means runs to initialise each fit; the lowest-inertia one is kept. scikit-learn's GaussianMixture uses 1;
   * a few more cost little next to EM and keep one unlucky seeding (two clusters merged) from making a fold of
   * the calibration score its own cries as outliers.
   */
  kmeansInits: number
}

export const GMM_DEFAULTS: GmmParams = {
  covarianceType: 'auto',
  components: [2, 5],
  regCovar: 1e-6,
  shrinkage: 'oas',
  tol: 1e-3,
  maxIter: 100,
  selection: 'heldout',
  heldOutShare: 0.25,
  kmeansInits: 4,
}

export interface GmmCandidate {
  k: number
  covarianceType: CovarianceType
  /** Mean held-out log-likelihood per cry ('heldout') or BIC on the whole baseline ('bic'); null if it failed. */
  criterion: number | null
  iterations: number
}

export interface GmmSelection {
  criterion: 'heldout' | 'bic'
  trainRows: number
  heldOutRows: number
  candidates: GmmCandidate[]
}

/** Seed for one K, independent of the order candidates are tried in. */
function kSeed(seed: number, k: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + k * 0x632be5ab) >>> 0
}

/**
 * One set of rows in SIMD memory, shared by every fit on them (each k-means run and each EM of the candidates of
 * one covariance type), so that the rows are copied in once and not once per fit.
 */
class SharedRows {
  private km: KMeansRows | null = null
  private readonly ws = new Map<CovarianceType, MixtureWorkspace>()

  constructor(
    readonly x: ArrayLike<number>,
    readonly n: number,
    readonly d: number,
    private readonly kMax: number,
  ) {}

  kmeansRows(x64: Float64Array): KMeansRows {
    this.km ??= new KMeansRows(x64, this.n, this.d, this.kMax)
    return this.km
  }

  workspace(x: ArrayLike<number>, type: CovarianceType): MixtureWorkspace {
    let ws = this.ws.get(type)
    if (!ws) {
      ws = new MixtureWorkspace(x, this.n, this.d, type, true)
      this.ws.set(type, ws)
    }
    return ws
  }
}

function* fitOne(rows: SharedRows, s: EmSettings, seed: number, inits: number) {
  const { x, n, d } = rows
  // One component: every cry belongs to it, and EM's first M-step is already the maximum-likelihood fit (the
  // rows go straight into its workspace, with no double-precision copy of them first).
  if (s.k === 1)
    return yield* emSteps(
      x,
      n,
      d,
      s,
      responsibilitiesFromLabels(new Int32Array(n), n, 1),
      rows.workspace(x, s.covarianceType),
    )
  const x64 = asFloat64(x, n * d)
  const km = rows.kmeansRows(x64)
  const rng = createRng(kSeed(seed, s.k))
  let best = kmeans(x64, n, d, s.k, rng, undefined, km)
  for (let t = 1; t < inits; t++) {
    const r = kmeans(x64, n, d, s.k, rng, undefined, km)
    if (r.inertia < best.inertia) best = r
  }
  const labels = best.labels
  return yield* emSteps(
    x64,
    n,
    d,
    s,
    responsibilitiesFromLabels(labels, n, s.k),
    rows.workspace(x64, s.covarianceType),
  )
}

export function* fitGmmSteps(
  x: ArrayLike<number>,
  n: number,
  d: number,
  params: Partial<GmmParams> = {},
  opts: Pick<FitOptions, 'seed' | 'groups'> = {},
): FitSteps<GaussianMixture> {
  checkMatrix(x, n, d)
  const p: GmmParams = { ...GMM_DEFAULTS, ...params }
  const seed = opts.seed ?? 0
  const types: CovarianceType[] = p.covarianceType === 'auto' ? ['diag', 'tied', 'full'] : [p.covarianceType]
  const settings = (k: number, t: CovarianceType): EmSettings => ({
    k,
    covarianceType: t,
    regCovar: p.regCovar,
    tol: p.tol,
    maxIter: p.maxIter,
    shrinkage: p.shrinkage,
  })

  let criterion = p.selection
  let split = heldOutSplit(n, opts.groups, criterion === 'heldout' ? p.heldOutShare : 0, createRng(seed))
  if (criterion === 'heldout' && split.heldOut.length === 0) criterion = 'bic'
  if (criterion === 'bic')
    split = { train: Int32Array.from({ length: n }, (_, i) => i), heldOut: new Int32Array(0) }
  const nTrain = split.train.length
  const kMax = Math.max(1, Math.min(p.components[1], Math.floor(nTrain / 2)))
  const kMin = Math.min(Math.max(1, p.components[0]), kMax)
  // With one candidate (e.g. the shrinkage Gaussian: K = 1, full) there is nothing to choose: fit it once.
  const single = types.length === 1 && kMin === kMax
  // Doubles, once, for the candidates' k-means and EM (a single one-component fit needs no copy: see fitOne).
  const x64 = single && kMin === 1 ? x : asFloat64(x, n * d)
  const xTrain = criterion === 'bic' ? x64 : takeRows(x, d, split.train)
  const xHeld = takeRows(x, d, split.heldOut)

  const trainRows = new SharedRows(xTrain, nTrain, d, kMax)

  const candidates: GmmCandidate[] = []
  const total = single ? 1 : types.length * (kMax - kMin + 1) + 1
  let done = 0
  if (single) candidates.push({ k: kMin, covarianceType: types[0]!, criterion: 0, iterations: 0 })
  else
    for (const t of types) {
      for (let k = kMin; k <= kMax; k++) {
        const stage = `gmm: K=${k} ${t}`
        try {
          const r = yield* scaled(
            fitOne(trainRows, settings(k, t), seed, p.kmeansInits),
            done / total,
            (done + 1) / total,
            stage,
          )
          let value: number
          if (criterion === 'heldout') {
            const ll = logLikelihood(r.params, xHeld, split.heldOut.length)
            value = ll.reduce((a, v) => a + v, 0) / ll.length
          } else {
            const ll = logLikelihood(r.params, xTrain, nTrain)
            value = -2 * ll.reduce((a, v) => a + v, 0) + parameterCount(k, d, t) * Math.log(nTrain)
          }
          candidates.push({
            k,
            covarianceType: t,
            criterion: Number.isFinite(value) ? value : null,
            iterations: r.iterations,
          })
        } catch (e) {
          if (!(e instanceof IllDefinedCovarianceError)) throw e
          candidates.push({ k, covarianceType: t, criterion: null, iterations: 0 })
        }
        done++
      }
    }

  const better = (a: GmmCandidate, b: GmmCandidate): boolean => {
    // a strictly better than b, ties to fewer parameters.
    const sign = criterion === 'heldout' ? 1 : -1
    const diff = sign * (a.criterion! - b.criterion!)
    const tieTol = criterion === 'heldout' ? 1e-9 : 1e-9 * Math.abs(b.criterion!)
    if (diff > tieTol) return true
    if (diff < -tieTol) return false
    return parameterCount(a.k, d, a.covarianceType) < parameterCount(b.k, d, b.covarianceType)
  }
  let best: GmmCandidate | null = null
  for (const c of candidates) if (c.criterion !== null && (!best || better(c, best))) best = c
  if (!best) throw new IllDefinedCovarianceError()

  const s = settings(best.k, best.covarianceType)
  const r = yield* scaled(
    fitOne(criterion === 'bic' ? trainRows : new SharedRows(x64, n, d, best.k), s, seed, p.kmeansInits),
    done / total,
    1,
    `gmm: refit K=${best.k} ${best.covarianceType}`,
  )
  const selection: GmmSelection = {
    criterion,
    trainRows: nTrain,
    heldOutRows: split.heldOut.length,
    candidates,
  }
  return new GaussianMixture(
    r.params,
    {
      k: s.k,
      covarianceType: s.covarianceType,
      regCovar: s.regCovar,
      shrinkage: s.shrinkage,
      tol: s.tol,
      kmeansInits: p.kmeansInits,
    },
    { n, iterations: r.iterations, converged: r.converged, lowerBound: r.lowerBound, selection },
  )
}
