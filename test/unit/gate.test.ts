import { describe, expect, it } from 'vitest'
import { DEFAULT_GATE, gateCry } from '../../src/main/engine/gate/gate'
import { fitLogistic, predictLogistic } from '../../src/main/engine/gate/logistic'
import { updateReplayBuffer } from '../../src/main/engine/gate/replay'
import { domainWeights } from '../../src/main/evaluation/gate-training'

describe('gate', () => {
  it('accepts normal cries, rejects unusual ones and non-cries, keeps the baseline period', () => {
    expect(gateCry({ cryConfidence: 0.95, score: 0.4 }, DEFAULT_GATE, false).decision).toBe('accepted')
    expect(gateCry({ cryConfidence: 0.95, score: 0.97 }, DEFAULT_GATE, false).decision).toBe('accepted')
    expect(gateCry({ cryConfidence: 0.95, score: 0.985 }, DEFAULT_GATE, false).decision).toBe('rejected')
    expect(gateCry({ cryConfidence: 0.6, score: 0.97 }, DEFAULT_GATE, false).decision).toBe('rejected')
    expect(gateCry({ cryConfidence: 0.2, score: 0.1 }, DEFAULT_GATE, false).reason).toMatch(
      /may not be a cry/,
    )
    expect(gateCry({ cryConfidence: 0.9, score: null }, DEFAULT_GATE, true).decision).toBe('baseline')
    expect(gateCry({ cryConfidence: 0.1, score: null }, DEFAULT_GATE, true).decision).toBe('rejected')
  })
})

describe('replay buffer', () => {
  it('keeps the oldest half and the newest half when full', () => {
    const cur = Array.from({ length: 10 }, (_, i) => ({ cryId: i, t: i }))
    const next = updateReplayBuffer(
      cur,
      [
        { cryId: 100, t: 100 },
        { cryId: 101, t: 101 },
      ],
      10,
    )
    expect(next.map((e) => e.cryId)).toEqual([0, 1, 2, 3, 4, 7, 8, 9, 100, 101])
    expect(updateReplayBuffer(cur.slice(0, 3), [{ cryId: 1, t: 1 }], 10)).toHaveLength(3)
  })
})

describe('logistic regression', () => {
  it('separates two Gaussian classes and gives calibrated-ish probabilities', () => {
    let s = 1
    const r = () => (s = (s * 16807) % 2147483647) / 2147483647
    const g = () => Math.sqrt(-2 * Math.log(r())) * Math.cos(2 * Math.PI * r())
    const n = 600
    const d = 5
    const X = new Float64Array(n * d)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      y[i] = i % 2
      for (let j = 0; j < d; j++) X[i * d + j] = g() + (j === 0 ? (y[i] ? 1.5 : -1.5) : 0)
    }
    const m = fitLogistic(X, y, n, d, { l2: 1 })
    const p = predictLogistic(m, X, n)
    let correct = 0
    for (let i = 0; i < n; i++) if ((p[i]! > 0.5 ? 1 : 0) === y[i]) correct++
    expect(correct / n).toBeGreaterThan(0.9)
    expect(Math.abs(m.weights[0]!)).toBeGreaterThan(5 * Math.max(...m.weights.slice(1).map(Math.abs)))
  })
})

describe('the cry classifier training weights', () => {
  it('gives each class half the weight and, within a class, the simulated and recorded sounds equal shares', () => {
    const y = [1, 1, 1, 1, 0, 0, 1, 1]
    const sim = [0, 0, 0, 1, 0, 0, 1, 1]
    const w = domainWeights(y, sim)
    const total = (f: (i: number) => boolean) => y.reduce((s, _, i) => (f(i) ? s + w[i]! : s), 0)
    expect(total(() => true)).toBeCloseTo(y.length, 12)
    expect(total((i) => y[i] === 1)).toBeCloseTo(y.length / 2, 12)
    expect(total((i) => y[i] === 1 && sim[i] === 1)).toBeCloseTo(
      total((i) => y[i] === 1 && sim[i] === 0),
      12,
    )
    // Without simulated sounds it is fitLogistic's own class balance.
    const plain = domainWeights([1, 0, 0, 0], [0, 0, 0, 0])
    expect(Array.from(plain)).toEqual([2, 2 / 3, 2 / 3, 2 / 3])
  })
})
