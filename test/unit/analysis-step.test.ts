// The stage 3–4 step's rules on hand-made states and cries: the gate decides baseline membership only (a cry the
// classifier doubts is still scored, flagged and charted), alerts say what moved, the baseline period ends in a
// refit request; the explanation of a cry in the clinician's units; the demo report's counting.
import { describe, expect, it } from 'vitest'
import {
  CRY_FEATURE_DIM,
  cryFeatureMatrix,
  explainFeatures,
  fitStandardiser,
  type CryMeasureValues,
} from '../../src/main/engine/anomaly/cry-features'
import { alertEvents } from '../../src/main/evaluation/metrics/drift'
import { DEFAULT_STEP, INITIAL_STATE, stepInfant, withModel } from '../../src/main/engine/gate/step'
import { demoOutcomes, demoSummary } from '../../src/main/evaluation/demo-report'

const measures = (f0: number, durationS = 1, hnrDb = 15): CryMeasureValues => ({
  durationS,
  rmsDbfs: -20,
  f0MeanHz: f0,
  f0MinHz: f0 * 0.9,
  f0MaxHz: f0 * 1.1,
  voicedFraction: 0.9,
  hnrDb,
  spectralCentroidHz: 1500,
})

const baseline = Array.from({ length: 30 }, (_, i) =>
  measures(440 * 2 ** ((i % 5) / 50 - 0.04), 1 + (i % 3) / 10),
)
const standardiser = fitStandardiser(cryFeatureMatrix(baseline), baseline.length)

describe('what moved', () => {
  it('names the measures far from the baseline in the clinician’s units, largest first', () => {
    const moved = explainFeatures(standardiser, cryFeatureMatrix([measures(640, 0.65, 15)]))
    expect(moved[0]!.key).toBe('f0')
    expect(moved[0]!.text).toMatch(/^f0 mean 640 Hz, \+\d+ % over baseline \(4\d\d Hz\)$/)
    expect(moved.map((m) => m.key)).toContain('duration')
    expect(moved.find((m) => m.key === 'duration')!.text).toMatch(/^expirations \d+ % shorter/)
    expect(explainFeatures(standardiser, cryFeatureMatrix([baseline[3]!]))).toEqual([])
  })
})

describe('the analysis step', () => {
  const cry = (id: number, rec: number, score: number | null, p: number | null, f0 = 440) => ({
    id,
    recordingId: rec,
    startS: id,
    t: rec * 3600e3 + id * 1000,
    cryConfidence: p,
    score,
    features: cryFeatureMatrix([measures(f0)]).subarray(0, CRY_FEATURE_DIM),
  })

  it('ends the baseline period with a refit request, keeping doubted sounds out of the baseline', () => {
    const settings = { ...DEFAULT_STEP, baselineMinCries: 4, baselineMinRecordings: 2 }
    const a = stepInfant(
      INITIAL_STATE,
      [cry(1, 1, null, 0.9), cry(2, 1, null, 0.2), cry(3, 1, null, 0.9)],
      settings,
    )
    expect(a.decisions.map((d) => d.gate.decision)).toEqual(['baseline', 'rejected', 'baseline'])
    expect(a.decisions[1]!.mayNotBeCry).toBe(true)
    expect(a.refit).toBeNull()
    const b = stepInfant(a.state, [cry(4, 2, null, 0.9), cry(5, 2, null, 0.95)], settings)
    expect(b.refit).toBe('initial baseline')
    expect(b.state.replay.map((r) => r.cryId)).toEqual([1, 3, 4, 5])
  })

  it('scores, flags and charts every cry whatever its P(cry); alerts name what moved', () => {
    const state = withModel(INITIAL_STATE, {
      version: 1,
      noise: { within: 1, between: 0, mean: 0, size: 100 },
      json: { standardiser },
    })
    const shifted = Array.from({ length: 8 }, (_, i) => cry(10 + i, 3, 0.999, i % 2 ? 0.1 : 0.9, 660))
    const r = stepInfant(state, shifted)
    expect(r.decisions.every((d) => d.flagged)).toBe(true)
    expect(r.decisions.filter((d) => d.mayNotBeCry)).toHaveLength(4)
    expect(r.decisions.every((d) => !d.joinedBaseline)).toBe(true)
    expect(r.blocks[0]!.n).toBe(8)
    expect(r.alerts.length).toBeGreaterThan(0)
    expect(r.alerts[0]!.message).toMatch(/f0 mean 660 Hz, \+\d+ % over baseline/)
    expect(r.decisions[0]!.changes[0]!.key).toBe('f0')
    // An open alert pauses gated updating: the next typical cries are scored but do not join.
    const next = stepInfant(r.state, [cry(30, 4, 0.3, 0.95)])
    expect(next.decisions[0]!.gate.reason).toMatch(/paused/)
    expect(next.decisions[0]!.joinedBaseline).toBe(false)
  })
})

describe('the demo report', () => {
  const DAY = 864e5
  it('counts an EWMA and a CUSUM crossing of one excursion as one alert, and flags per day around the onset', () => {
    expect(alertEvents([5, 5 + 3600e3, 5 + 2 * DAY])).toEqual([5, 5 + 2 * DAY])
    const cries = Array.from({ length: 40 }, (_, i) => ({
      t: (i * DAY) / 8,
      flagged: i >= 20 && i % 2 === 0,
    }))
    const [dev, healthy] = demoOutcomes([
      { id: 'A', onsetT: 2.5 * DAY, cries, alerts: [3 * DAY, 3 * DAY + 60e3] },
      { id: 'B', onsetT: null, cries: cries.map((c) => ({ ...c, flagged: false })), alerts: [DAY] },
    ])
    expect(dev!.alert_delay_hours).toBeCloseTo(12, 6)
    expect(dev!.false_alerts_per_day).toBe(0)
    expect(dev!.flags_per_day_before).toBe(0)
    expect(dev!.flags_per_day_after).toBeGreaterThan(3)
    expect(healthy!.deviating).toBe(false)
    expect(healthy!.false_alerts_per_day).toBeCloseTo(1 / (39 / 8), 6)
    expect(dev!.cries_within_24h).toBeNull()
  })

  it('says what the ward recorded in the first day after the onset, and sums the ward up against the goals', () => {
    const cries = Array.from({ length: 40 }, (_, i) => ({ t: (i * DAY) / 8, flagged: i >= 24 }))
    const truthCries = [
      { t: 2 * DAY, severity: 0 },
      { t: 2.5 * DAY, severity: 0.1 },
      { t: 3 * DAY, severity: 0.5 },
      { t: 3.5 * DAY - 1, severity: 0.9 },
      { t: 3.5 * DAY, severity: 1 },
    ]
    const rows = demoOutcomes([
      { id: 'A', onsetT: 2.5 * DAY, cries, alerts: [3 * DAY], truthCries },
      { id: 'B', onsetT: 2 * DAY, cries, alerts: [5 * DAY], truthCries: [] },
      { id: 'C', onsetT: null, cries: cries.map((c, i) => ({ ...c, flagged: i === 30 })), alerts: [DAY] },
    ])
    expect(rows[0]!.cries_within_24h).toBe(3)
    expect(rows[0]!.mean_severity_within_24h).toBeCloseTo(0.5, 12)
    expect(rows[1]!.cries_within_24h).toBe(0)
    expect(rows[1]!.mean_severity_within_24h).toBeNull()
    expect(rows[2]!.cries_within_24h).toBeNull()
    const s = demoSummary(rows)
    expect(s.deviating).toBe(2)
    expect(s.alerted_within_24h).toBe(1)
    expect(s.healthy_false_alerts_per_day).toBeCloseTo(rows[2]!.false_alerts_per_day, 12)
    expect(s.flags_ratio).toBeCloseTo(
      (rows[0]!.flags_per_day_after + rows[1]!.flags_per_day_after) / 2 / rows[2]!.flags_per_day_after,
      12,
    )
  })
})
