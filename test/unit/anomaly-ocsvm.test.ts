// One-class SVM parity: decision values against sklearn.svm.OneClassSVM (libsvm) on the golden fixtures of
// training/sklearn_fixtures.py. Tolerance: 1e-3 absolute on decision values (the bar); gamma to 1e-9
// relative (it is a closed form).
import { describe, expect, it } from 'vitest'
import { fitOcsvmSteps, OneClassSvm, scaleGamma } from '../../src/main/engine/anomaly/ocsvm'
import { runSync } from '../../src/main/engine/anomaly/steps'
import { loadAnomalyFixtures } from '../fixtures/anomaly/fixtures'

const fx = loadAnomalyFixtures()

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe('one-class SVM (scikit-learn parity)', () => {
  for (const c of fx.ocsvm) {
    const ds = fx.datasets.get(c.dataset)!
    it(`${c.dataset} ν=${c.nu}: decision values within 1e-3 of scikit-learn`, () => {
      expect(scaleGamma(ds.train, ds.nTrain, ds.d)).toBeCloseTo(c.gamma, 9)
      const m = runSync(fitOcsvmSteps(ds.train, ds.nTrain, ds.d, { nu: c.nu }))
      expect(m.fit.converged).toBe(true)
      const train = m.decision(ds.train, ds.nTrain)
      const test = m.decision(ds.test, ds.nTest)
      expect(maxAbsDiff(train, c.decision_train)).toBeLessThan(1e-3)
      expect(maxAbsDiff(test, c.decision_test)).toBeLessThan(1e-3)
      expect(Math.abs(m.rho - c.rho)).toBeLessThan(1e-3)
      // Σα = ν·l is the dual's equality constraint.
      const sumAlpha = m.dualCoef.reduce((s, a) => s + a, 0)
      expect(sumAlpha).toBeCloseTo(c.nu * ds.nTrain, 9)
    })
  }

  it('scores are −decision and survive a JSON round trip bit for bit', () => {
    const ds = fx.datasets.get('cloud60')!
    const m = runSync(fitOcsvmSteps(ds.train, ds.nTrain, ds.d, { nu: 0.1 }))
    const again = OneClassSvm.fromJSON(JSON.parse(JSON.stringify(m.toJSON())))
    const s = m.score(ds.test, ds.nTest)
    const dec = m.decision(ds.test, ds.nTest)
    expect(Array.from(s)).toEqual(Array.from(dec, (v) => -v))
    expect(Array.from(again.score(ds.test, ds.nTest))).toEqual(Array.from(s))
  })

  it('new-cluster test cries score higher than same-cluster ones', () => {
    const ds = fx.datasets.get('cloud300')!
    const m = runSync(fitOcsvmSteps(ds.train, ds.nTrain, ds.d, { nu: 0.05 }))
    const s = m.score(ds.test, ds.nTest)
    const half = ds.nTest / 2
    const inMax = Math.max(...s.subarray(0, half))
    const outMin = Math.min(...s.subarray(half))
    expect(outMin).toBeGreaterThan(inMax)
  })

  it('rejects ν outside (0, 1]', () => {
    const ds = fx.datasets.get('toy2d')!
    expect(() => runSync(fitOcsvmSteps(ds.train, ds.nTrain, ds.d, { nu: 0 }))).toThrow(/nu/)
  })
})
