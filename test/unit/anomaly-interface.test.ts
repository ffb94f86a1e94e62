// The common interface: every kind fits through fitAnomalyModel with progress, can be cancelled mid-fit, and
// comes back from loadAnomalyModel(JSON) scoring bit-identically.
import { describe, expect, it } from 'vitest'
import { fitAnomalyModel, loadAnomalyModel, type FitProgress } from '../../src/main/engine/anomaly/index'
import { loadAnomalyFixtures } from '../fixtures/anomaly/fixtures'

const ds = loadAnomalyFixtures().datasets.get('cloud60')!
const groups = Array.from({ length: ds.nTrain }, (_, i) => Math.floor(i / 6))

describe('anomaly model interface', () => {
  for (const kind of ['ae', 'ocsvm', 'gmm'] as const) {
    it(`${kind}: reports progress, round-trips through JSON`, async () => {
      const seen: FitProgress[] = []
      const m = await fitAnomalyModel(kind, ds.train, ds.nTrain, ds.d, kind === 'ae' ? { epochs: 20 } : {}, {
        seed: 5,
        groups,
        onProgress: (p) => seen.push(p),
      })
      expect(m.kind).toBe(kind)
      expect(seen.length).toBeGreaterThan(0)
      for (const p of seen) expect(p.fraction >= 0 && p.fraction <= 1).toBe(true)
      const again = loadAnomalyModel(JSON.parse(JSON.stringify(m.toJSON())))
      expect(Array.from(again.score(ds.test, ds.nTest))).toEqual(Array.from(m.score(ds.test, ds.nTest)))
    })
  }

  it('stops a fit when its signal is aborted', async () => {
    const ctl = new AbortController()
    let calls = 0
    const fit = fitAnomalyModel(
      'ae',
      ds.train,
      ds.nTrain,
      ds.d,
      { epochs: 500, patience: 500 },
      {
        seed: 1,
        groups,
        signal: ctl.signal,
        onProgress: () => {
          if (++calls === 3) ctl.abort(new Error('cancelled by test'))
        },
      },
    )
    await expect(fit).rejects.toThrow('cancelled by test')
    expect(calls).toBe(3)
  })

  it('lets an abort from another task land while fitting (the event loop gets turns)', async () => {
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(new Error('timeout')), 50)
    const started = performance.now()
    await expect(
      fitAnomalyModel(
        'ae',
        ds.train,
        ds.nTrain,
        ds.d,
        { epochs: 100000, patience: 100000 },
        {
          groups,
          signal: ctl.signal,
        },
      ),
    ).rejects.toThrow('timeout')
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('refuses an unknown kind and an unknown version', () => {
    expect(() => loadAnomalyModel({ kind: 'ae', version: 2 as 1, d: 3, params: {} })).toThrow(/version/)
    expect(() => loadAnomalyModel({ kind: 'knn' as 'ae', version: 1, d: 3, params: {} })).toThrow(/kind/)
  })
})
