// Autoencoder: reproducible (same seed + same baseline → bit-identical weights and scores), learns (new-cluster
// cries reconstruct worse than same-cluster ones), early-stops on held-out recordings, survives JSON.
import { describe, expect, it } from 'vitest'
import { Autoencoder, fitAutoencoderSteps } from '../../src/main/engine/anomaly/autoencoder'
import { runSync } from '../../src/main/engine/anomaly/steps'
import { loadAnomalyFixtures } from '../fixtures/anomaly/fixtures'

const fx = loadAnomalyFixtures()
const ds = fx.datasets.get('cloud300')!
const groups = Array.from({ length: ds.nTrain }, (_, i) => Math.floor(i / 10))
const half = ds.nTest / 2

function auc(s: Float64Array): number {
  // P(score of a new-cluster cry > score of a same-cluster cry); test rows: first half same, second half new.
  let w = 0
  for (let i = 0; i < half; i++)
    for (let j = half; j < ds.nTest; j++) w += s[j] > s[i] ? 1 : s[j] === s[i] ? 0.5 : 0
  return w / (half * half)
}

describe('autoencoder', () => {
  const fit = (seed: number) =>
    runSync(fitAutoencoderSteps(ds.train, ds.nTrain, ds.d, { epochs: 60 }, { seed, groups }))
  const a = fit(3)

  it('is bit-identical for the same seed and data, and differs for another seed', () => {
    const b = fit(3)
    expect(b.toJSON().weights.base64).toBe(a.toJSON().weights.base64)
    expect(Array.from(b.score(ds.test, ds.nTest))).toEqual(Array.from(a.score(ds.test, ds.nTest)))
    expect(fit(4).toJSON().weights.base64).not.toBe(a.toJSON().weights.base64)
  })

  it('reconstructs in-distribution cries better than new-cluster ones (AUC ≥ 0.95)', () => {
    const s = a.score(ds.test, ds.nTest)
    expect(auc(s)).toBeGreaterThanOrEqual(0.95)
    const inMean = s.subarray(0, half).reduce((p, v) => p + v, 0) / half
    const outMean = s.subarray(half).reduce((p, v) => p + v, 0) / half
    expect(outMean).toBeGreaterThan(inMean)
  })

  it('holds out whole recordings and keeps the best held-out epoch', () => {
    expect(a.fit.heldOutRows % 10).toBe(0)
    expect(a.fit.heldOutRows).toBeGreaterThan(0)
    expect(a.fit.bestEpoch).toBeGreaterThan(1)
    expect(a.fit.bestEpoch).toBeLessThanOrEqual(a.fit.epochs)
    expect(Number.isFinite(a.fit.bestLoss)).toBe(true)
  })

  it('scores bit-identically after a JSON round trip', () => {
    const again = Autoencoder.fromJSON(JSON.parse(JSON.stringify(a.toJSON())))
    expect(Array.from(again.score(ds.test, ds.nTest))).toEqual(Array.from(a.score(ds.test, ds.nTest)))
  })

  it('refuses layers that do not match the embedding', () => {
    expect(() => runSync(fitAutoencoderSteps(ds.train, ds.nTrain, ds.d, { layers: [10, 5, 10] }))).toThrow(
      /layers/,
    )
  })
})
