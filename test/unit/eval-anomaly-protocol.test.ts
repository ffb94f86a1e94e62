// Protocol D's pure parts: who is evaluated, baseline / normal / anomalous recordings, the threshold read off
// the baseline's leave-one-recording-out scores, per-infant metrics and their mean ± sd.
import { describe, expect, it } from 'vitest'
import { createRng } from '../../src/main/engine/anomaly/rng'
import {
  aggregateMetrics,
  baselineSize,
  baselineThreshold,
  formatInfantTable,
  infantMetrics,
  inUnit,
  planProtocolD,
  quantile,
  recordingMeans,
  type InfantRow,
  type ProtocolRecording,
} from '../../src/main/evaluation/metrics/anomaly'

/** n recordings of one infant, an hour apart from `day`, listed in a scrambled order. */
function recordings(infant: string, platform: string, n: number, day = 1): ProtocolRecording[] {
  const list = Array.from({ length: n }, (_, i) => ({
    id: `${infant}/${String(i).padStart(2, '0')}.flac`,
    infant,
    platform,
    recordedAt: new Date(Date.UTC(2015, 4, day, i)).toISOString(),
  }))
  return list.map((_, i) => list[(i * 7) % n]!) // 7 is coprime with the sizes used below
}

const corpus = [
  ...recordings('A', 'ios', 6),
  ...recordings('B', 'ios', 9, 3),
  ...recordings('C', 'android', 8),
  ...recordings('D', 'ios', 5), // too few: only in the anomaly pool
  ...recordings('E', 'android', 2),
  ...recordings('F', 'android', 4),
]

describe('protocol D plan', () => {
  const plans = planProtocolD(corpus, { seed: 1 })

  it('evaluates infants with at least 6 recordings, baseline = first half in time order (at least 3)', () => {
    expect(plans.map((p) => p.infant)).toEqual(['A', 'B', 'C'])
    const b = plans.find((p) => p.infant === 'B')!
    expect(b.baseline.map((r) => r.id)).toEqual(['B/00.flac', 'B/01.flac', 'B/02.flac', 'B/03.flac'])
    expect(b.normal.map((r) => r.id)).toEqual([
      'B/04.flac',
      'B/05.flac',
      'B/06.flac',
      'B/07.flac',
      'B/08.flac',
    ])
    expect([6, 7, 8, 9, 23].map(baselineSize)).toEqual([3, 3, 4, 4, 11])
  })

  it('draws as many anomalies as normal test recordings, from other infants on the same platform', () => {
    for (const p of plans) {
      expect(p.anomalous).toHaveLength(p.normal.length)
      expect(new Set(p.anomalous.map((r) => r.id)).size).toBe(p.anomalous.length)
      for (const r of p.anomalous) {
        expect(r.infant).not.toBe(p.infant)
        expect(r.platform).toBe(p.platform)
      }
    }
    // C (android, 4 normal) can only draw from E and F: 6 recordings.
    expect(plans.find((p) => p.infant === 'C')!.anomalous.every((r) => 'EF'.includes(r.infant))).toBe(true)
  })

  it('is reproducible, changes with the seed, and does not depend on input order or on other platforms', () => {
    const again = planProtocolD([...corpus].reverse(), { seed: 1 })
    expect(again).toEqual(plans)
    const other = planProtocolD(corpus, { seed: 2 })
    expect(other.map((p) => p.anomalous.map((r) => r.id))).not.toEqual(
      plans.map((p) => p.anomalous.map((r) => r.id)),
    )
    const withMoreAndroid = planProtocolD([...corpus, ...recordings('G', 'android', 3)], { seed: 1 })
    expect(withMoreAndroid.find((p) => p.infant === 'A')).toEqual(plans.find((p) => p.infant === 'A'))
  })

  it('draws from every platform only when asked', () => {
    const any = planProtocolD(corpus, { seed: 1, pool: 'any-platform' })
    const drawn = any.flatMap((p) => p.anomalous.map((r) => r.platform))
    expect(new Set(drawn)).toEqual(new Set(['ios', 'android']))
  })

  it('refuses what it cannot evaluate', () => {
    expect(() => planProtocolD([...recordings('A', 'ios', 6), ...recordings('B', 'ios', 2)])).toThrow(
      /only 2 recordings of other infants on ios/,
    )
    const mixed = recordings('A', 'ios', 6).map((r, i) => (i === 0 ? { ...r, platform: 'android' } : r))
    expect(() => planProtocolD([...mixed, ...recordings('B', 'ios', 6)])).toThrow(/recorded on/)
    expect(() => planProtocolD([{ ...corpus[0]!, recordedAt: 'yesterday' }])).toThrow(/no usable time/)
    expect(() => planProtocolD([corpus[0]!, corpus[0]!])).toThrow(/listed twice/)
  })
})

describe('protocol D threshold', () => {
  it('type7 is NumPy’s default percentile', () => {
    expect(quantile([4, 1, 3, 2], 0.95)).toBeCloseTo(3.85, 12)
    expect(quantile([0.3, 0.1, 0.7], 0.5)).toBeCloseTo(0.3, 12)
    expect(baselineThreshold([4, 1, 3, 2], 95, 'type7')).toBeCloseTo(3.85, 12)
  })

  it('calibrated reaches beyond the largest of a few scores, and stays inside (0, 1) for percentiles', () => {
    const loro = [0.42, 0.5, 0.61]
    const t = baselineThreshold(loro, 95, 'calibrated', 'percentile')
    expect(t).toBeGreaterThan(0.61)
    expect(t).toBeLessThan(1)
    // One cry per recording (whole-recording backbones): LORO percentiles are the plotting positions.
    const single = baselineThreshold([0.25, 0.5, 0.75], 95, 'calibrated', 'percentile')
    expect(single).toBeGreaterThan(0.9)
    expect(single).toBeLessThan(1)
    expect(baselineThreshold([1, 2, 3], 95, 'calibrated', 'surprise')).toBeGreaterThan(3)
  })

  it('calibrated comes much nearer "above P % of new normal recordings" than type7 with few baseline recordings', () => {
    // Recording scores of a normal infant: exponential (as surprise units are). 95th percentile wanted.
    const exceedance = (m: number, method: 'calibrated' | 'type7') => {
      const rng = createRng(7)
      const draw = () => -Math.log(1 - rng.next())
      let n = 0
      const trials = 4000
      for (let t = 0; t < trials; t++) {
        const loro = Array.from({ length: m }, draw)
        if (draw() > baselineThreshold(loro, 95, method, 'surprise')) n++
      }
      return n / trials
    }
    // type7 is capped at the largest score: with 3 recordings about a quarter of new ones exceed it
    // (m/(m+1) coverage); the tail estimate from 2–3 points is rough but halves that, and is near 5 % by 11.
    expect(exceedance(3, 'type7')).toBeGreaterThan(0.22)
    expect(exceedance(3, 'calibrated')).toBeLessThan(0.13)
    expect(exceedance(11, 'type7')).toBeGreaterThan(0.09)
    const c11 = exceedance(11, 'calibrated')
    expect(c11).toBeGreaterThan(0.03)
    expect(c11).toBeLessThan(0.08)
  })
})

describe('protocol D scores and metrics', () => {
  it('averages cry scores per recording and converts units', () => {
    const m = recordingMeans([0.2, 0.4, 0.9, 0.5], ['a', 'a', 'b', 'a'])
    expect([...m.keys()]).toEqual(['a', 'b'])
    expect(m.get('a')).toBeCloseTo(1.1 / 3, 12)
    expect(m.get('b')).toBeCloseTo(0.9, 12)
    expect(() => recordingMeans([1], ['a', 'b'])).toThrow()
    expect(Array.from(inUnit([0.5, 0.95], 'percentile'))).toEqual([0.5, 0.95])
    expect(inUnit([1 - Math.exp(-2)], 'surprise')[0]).toBeCloseTo(2, 12)
  })

  it('computes one infant’s row like scikit-learn (anomalies are the positives)', () => {
    const r = infantMetrics([0.1, 0.2, 0.3], [0.25, 0.4, 0.5], 0.28)
    expect(r.auc).toBeCloseTo(0.888888888888889, 12) // roc_auc_score
    expect(r.ap).toBeCloseTo(0.9166666666666665, 12) // average_precision_score
    expect(r.recall).toBeCloseTo(2 / 3, 12)
    expect(r.fpr).toBeCloseTo(1 / 3, 12)
    expect(r.f1).toBeCloseTo(2 / 3, 12) // 2·2 / (2·2 + 1 + 1)
    expect(infantMetrics([0.1], [0.2], 0.5).f1).toBe(0)
    expect(() => infantMetrics([], [0.2], 0.5)).toThrow()
  })

  it('aggregates mean and sample standard deviation over infants', () => {
    const row = (v: number) => ({ auc: v, ap: v, f1: v, recall: v, fpr: 1 - v })
    const { mean, sd } = aggregateMetrics([row(0.5), row(0.7), row(0.9)])
    expect(mean.auc).toBeCloseTo(0.7, 12)
    expect(sd.auc).toBeCloseTo(0.2, 12) // numpy std(ddof=1)
    expect(mean.fpr).toBeCloseTo(0.3, 12)
  })

  it('prints the method’s columns with mean ± sd', () => {
    const rows: InfantRow[] = [
      {
        infant: 'DAC-1',
        n_recs: 6,
        baseline_recs: 3,
        normal_recs: 3,
        anomalous_recs: 3,
        baseline_cries: 20,
        threshold: 0.8,
        auc: 1,
        ap: 1,
        f1: 0.8,
        recall: 0.667,
        fpr: 0,
      },
      {
        infant: 'DAC-2',
        n_recs: 8,
        baseline_recs: 4,
        normal_recs: 4,
        anomalous_recs: 4,
        baseline_cries: 30,
        threshold: 0.7,
        auc: 0.5,
        ap: 0.6,
        f1: 0.5,
        recall: 0.5,
        fpr: 0.5,
      },
    ]
    const { mean, sd } = aggregateMetrics(rows)
    const text = formatInfantTable(rows, mean, sd)
    const lines = text.split('\n')
    expect(lines[0]!.split(/\s+/)).toEqual(['Infant', 'N_recs', 'AUC', 'AP', 'F1', 'Recall', 'FPR'])
    expect(lines[2]).toMatch(/^DAC-1\s+6\s+1\.000\s+1\.000\s+0\.800\s+0\.667\s+0\.000$/)
    expect(lines[lines.length - 1]).toMatch(/^mean ± sd\s+0\.750 ± 0\.354\s+0\.800 ± 0\.283/)
  })
})
