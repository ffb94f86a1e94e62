// Calibration: LORO percentiles must be (roughly) uniform on new normal cries of the same infant, so that one
// threshold means the same for every model. Synthetic infant: 3 cry types in 192-d, each recording with its own
// offset (phone, room), rows L2-normalised. Baseline 12 recordings × 10 cries; new normal data 30 recordings.
// Tolerance for "uniform-ish": Kolmogorov–Smirnov distance ≤ 0.15, the two-sample 5 % critical value for
// 120 reference vs 300 test scores (1.36·√(1/120 + 1/300) ≈ 0.147).
import { describe, expect, it } from 'vitest'
import { ScoreCalibration } from '../../src/main/engine/anomaly/calibration'
import { CalibratedAnomalyModel, fitCalibratedSteps } from '../../src/main/engine/anomaly/index'
import { createRng } from '../../src/main/engine/anomaly/rng'
import { runSync } from '../../src/main/engine/anomaly/steps'

const d = 192
const rng = createRng(11)
const cryTypes = Array.from({ length: 3 }, () => Float64Array.from({ length: d }, () => rng.normal()))
const otherInfant = [Float64Array.from({ length: d }, () => rng.normal())]

function recordings(count: number, perRecording: number, types: Float64Array[]) {
  const n = count * perRecording
  const x = new Float32Array(n * d)
  const groups: number[] = []
  const v = new Float64Array(d)
  for (let r = 0; r < count; r++) {
    const offset = Float64Array.from({ length: d }, () => 0.3 * rng.normal())
    for (let c = 0; c < perRecording; c++) {
      const i = r * perRecording + c
      const t = types[rng.int(types.length)]
      let norm = 0
      for (let j = 0; j < d; j++) {
        v[j] = t[j] + offset[j] + 0.9 * rng.normal()
        norm += v[j] * v[j]
      }
      for (let j = 0; j < d; j++) x[i * d + j] = v[j] / Math.sqrt(norm)
      groups.push(r)
    }
  }
  return { x, n, groups }
}

const baseline = recordings(12, 10, cryTypes)
const normal = recordings(30, 10, cryTypes)
const anomalous = recordings(10, 10, otherInfant)

function ksToUniform(p: Float64Array): number {
  const s = Array.from(p).sort((a, b) => a - b)
  let ks = 0
  s.forEach((v, i) => (ks = Math.max(ks, Math.abs(v - i / s.length), Math.abs(v - (i + 1) / s.length))))
  return ks
}

describe('calibrated scores (LORO percentiles)', () => {
  const cases = [
    { kind: 'ocsvm' as const, params: {}, maxFolds: 12 },
    { kind: 'gmm' as const, params: {}, maxFolds: 12 },
    { kind: 'ae' as const, params: { epochs: 60 }, maxFolds: 4 },
  ]
  for (const c of cases) {
    it(`${c.kind}: uniform-ish on new normal recordings, high on another infant's cries`, () => {
      const m = runSync(
        fitCalibratedSteps(c.kind, baseline.x, baseline.n, d, c.params, {
          seed: 1,
          groups: baseline.groups,
          maxFolds: c.maxFolds,
        }),
      )
      expect(m.calibration.json.grouping).toBe('recording')
      const p = m.score(normal.x, normal.n)
      for (const v of p) expect(v > 0 && v < 1).toBe(true)
      expect(ksToUniform(p)).toBeLessThanOrEqual(0.15)
      const over = p.filter((v) => v > 0.95).length / p.length
      expect(over).toBeLessThanOrEqual(0.12)
      const a = m.score(anomalous.x, anomalous.n)
      expect(a.filter((v) => v > 0.95).length / a.length).toBeGreaterThanOrEqual(0.7)
      const again = CalibratedAnomalyModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())))
      expect(Array.from(again.score(normal.x, 20))).toEqual(Array.from(p.subarray(0, 20)))
    })
  }
})

describe('ScoreCalibration', () => {
  const cal = new ScoreCalibration({
    method: 'loro-ecdf-exponential-tail',
    scores: [1, 2, 2, 3, 4, 5, 6, 7, 8, 20],
    recordings: [0, 0, 1, 1, 2, 2, 3, 3, 4, 4],
    grouping: 'recording',
    folds: 5,
  })

  it('is strictly increasing, inside (0, 1) and continuous at the extremes', () => {
    const xs = Array.from({ length: 400 }, (_, i) => -5 + i * 0.1)
    const p = cal.percentile(xs)
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThan(p[i - 1])
    for (const v of p) expect(v > 0 && v < 1).toBe(true)
    const [atMax, justAbove] = cal.percentile([20, 20 + 1e-9])
    expect(atMax).toBeCloseTo(10 / 11, 12)
    expect(justAbove - atMax).toBeLessThan(1e-9)
    expect(cal.percentile([1])[0]).toBeCloseTo(1 / 11, 12)
  })

  it('puts tied scores at their mean plotting position and inverts with rawAt', () => {
    expect(cal.percentile([2])[0]).toBeCloseTo(2.5 / 11, 12)
    for (const q of [0.01, 0.3, 0.5, 0.95, 0.999]) expect(cal.percentile([cal.rawAt(q)])[0]).toBeCloseTo(q, 9)
  })
})
