// Gaussian mixture parity: our EM against sklearn.mixture.GaussianMixture from the same initial responsibilities
// (the fixture's KMeans labels), same covariance type, reg_covar, tol and max_iter, on the golden fixtures of
// training/sklearn_fixtures.py. Tolerances: log-likelihoods (score_samples, lower bound) within 1e-3 relative
// (|a − b| ≤ 1e-3·|b| + 1e-9); iteration count and convergence identical; weights within 1e-6 absolute.
import { describe, expect, it } from 'vitest'
import {
  emSteps,
  GaussianMixture,
  logLikelihood,
  parameterCount,
  responsibilitiesFromLabels,
  type EmSettings,
} from '../../src/main/engine/anomaly/gmm'
import { fitGmmSteps, type GmmSelection } from '../../src/main/engine/anomaly/gmm-select'
import { createRng } from '../../src/main/engine/anomaly/rng'
import { heldOutSplit } from '../../src/main/engine/anomaly/split'
import { runSync } from '../../src/main/engine/anomaly/steps'
import { loadAnomalyFixtures } from '../fixtures/anomaly/fixtures'

const fx = loadAnomalyFixtures()

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + 1e-6))
  return m
}

describe('Gaussian mixture EM (scikit-learn parity)', () => {
  for (const c of fx.gmm) {
    const ds = fx.datasets.get(c.dataset)!
    const name = `${c.dataset} ${c.covariance_type} K=${c.k} reg=${c.reg_covar}`
    it(`${name}: log-likelihoods within 1e-3 relative`, () => {
      const x = Float64Array.from(ds.train)
      const t = Float64Array.from(ds.test)
      const s: EmSettings = {
        k: c.k,
        covarianceType: c.covariance_type,
        regCovar: c.reg_covar,
        tol: c.tol,
        maxIter: c.max_iter,
        shrinkage: 'none',
      }
      const r = runSync(
        emSteps(x, ds.nTrain, ds.d, s, responsibilitiesFromLabels(c.init_labels, ds.nTrain, c.k)),
      )
      expect(r.iterations).toBe(c.n_iter)
      expect(r.converged).toBe(c.converged)
      expect(maxRelErr([r.lowerBound], [c.lower_bound])).toBeLessThan(1e-3)
      for (let j = 0; j < c.k; j++) expect(Math.abs(r.params.weights[j] - c.weights[j])).toBeLessThan(1e-6)
      expect(maxRelErr(logLikelihood(r.params, x, ds.nTrain), c.score_train)).toBeLessThan(1e-3)
      expect(maxRelErr(logLikelihood(r.params, t, ds.nTest), c.score_test)).toBeLessThan(1e-3)
      const bic =
        -2 * logLikelihood(r.params, x, ds.nTrain).reduce((a, v) => a + v, 0) +
        parameterCount(c.k, ds.d, c.covariance_type) * Math.log(ds.nTrain)
      expect(maxRelErr([bic], [c.bic_train])).toBeLessThan(1e-3)
    })
  }

  it('a stored mixture scores bit-identically after a JSON round trip', () => {
    const ds = fx.datasets.get('manifold200')!
    const c = fx.gmm.find((g) => g.dataset === 'manifold200' && g.covariance_type === 'full')!
    const x = Float64Array.from(ds.train)
    const s: EmSettings = {
      k: c.k,
      covarianceType: 'full',
      regCovar: 1e-6,
      tol: 1e-3,
      maxIter: 100,
      shrinkage: 'oas',
    }
    const r = runSync(
      emSteps(x, ds.nTrain, ds.d, s, responsibilitiesFromLabels(c.init_labels, ds.nTrain, c.k)),
    )
    const m = new GaussianMixture(r.params, { ...s }, { n: ds.nTrain, ...r })
    const again = GaussianMixture.fromJSON(JSON.parse(JSON.stringify(m.toJSON())))
    expect(Array.from(again.score(ds.test, ds.nTest))).toEqual(Array.from(m.score(ds.test, ds.nTest)))
  })

  it('scores many rows in chunks exactly as row by row (every covariance type, float32 rows)', () => {
    const ds = fx.datasets.get('manifold200')!
    const x = Float64Array.from(ds.train)
    // 2,051 rows: two full chunks and a tail that is not a multiple of four.
    const n = 2051
    const rows = new Float32Array(n * ds.d)
    const rng = createRng(5)
    for (let i = 0; i < rows.length; i++) rows[i] = rng.normal()
    for (const t of ['full', 'tied', 'diag'] as const) {
      const s: EmSettings = {
        k: 3,
        covarianceType: t,
        regCovar: 1e-6,
        tol: 1e-3,
        maxIter: 5,
        shrinkage: 'oas',
      }
      const labels = Int32Array.from({ length: ds.nTrain }, (_, i) => i % 3)
      const { params } = runSync(
        emSteps(x, ds.nTrain, ds.d, s, responsibilitiesFromLabels(labels, ds.nTrain, 3)),
      )
      const all = logLikelihood(params, rows, n)
      for (const i of [0, 3, 1023, 1024, 1027, 2047, 2048, 2050]) {
        const one = logLikelihood(params, rows.subarray(i * ds.d, (i + 1) * ds.d), 1)[0]
        // A lone row goes through the kernel's one-row path: equal to rounding, not bit for bit.
        expect(Math.abs(all[i] - one)).toBeLessThanOrEqual(1e-12 * Math.abs(one))
      }
      const four = logLikelihood(params, rows.subarray(1024 * ds.d, 1028 * ds.d), 4)
      expect(Array.from(all.subarray(1024, 1028))).toEqual(Array.from(four))
    }
  })
})

describe('Gaussian mixture selection (K and covariance on held-out recordings)', () => {
  const ds = fx.datasets.get('cloud300')!
  // 30 pseudo-recordings of 10 consecutive cries each.
  const groups = Array.from({ length: ds.nTrain }, (_, i) => `rec-${Math.floor(i / 10)}`)

  it('keeps recordings whole, picks the best held-out candidate, and is reproducible', () => {
    const fit = () => runSync(fitGmmSteps(ds.train, ds.nTrain, ds.d, {}, { seed: 7, groups }))
    const m = fit()
    const sel = m.fit.selection as GmmSelection
    expect(sel.criterion).toBe('heldout')
    expect(sel.heldOutRows % 10).toBe(0)
    expect(sel.heldOutRows).toBeGreaterThanOrEqual(0.25 * ds.nTrain)
    expect(sel.candidates).toHaveLength(3 * 4)
    const best = Math.max(...sel.candidates.map((c) => c.criterion ?? -Infinity))
    const chosen = sel.candidates.find(
      (c) => c.k === m.settings.k && c.covarianceType === m.settings.covarianceType,
    )!
    expect(chosen.criterion).toBe(best)
    expect(Array.from(fit().score(ds.test, ds.nTest))).toEqual(Array.from(m.score(ds.test, ds.nTest)))
    // New-cluster cries (second half of the test rows) are less likely than same-cluster ones.
    const s = m.score(ds.test, ds.nTest)
    expect(Math.min(...s.subarray(ds.nTest / 2))).toBeGreaterThan(Math.max(...s.subarray(0, ds.nTest / 2)))
  })

  it('falls back to BIC when the baseline is too small to hold anything out', () => {
    const m = runSync(fitGmmSteps(ds.train.subarray(0, 3 * ds.d), 3, ds.d, { covarianceType: 'diag' }))
    const sel = m.fit.selection as GmmSelection
    expect(sel.criterion).toBe('bic')
    expect(m.settings.k).toBe(1)
  })

  it('heldOutSplit never splits a group and leaves one for training', () => {
    const g = ['a', 'a', 'b', 'b', 'b', 'c', 'c', 'd']
    const s = heldOutSplit(g.length, g, 0.9, createRng(1))
    const heldGroups = new Set(Array.from(s.heldOut, (i) => g[i]))
    const trainGroups = new Set(Array.from(s.train, (i) => g[i]))
    for (const x of heldGroups) expect(trainGroups.has(x)).toBe(false)
    expect(trainGroups.size).toBeGreaterThanOrEqual(1)
  })
})
