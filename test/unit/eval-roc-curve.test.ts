// ROC points for the evaluation charts: from (0, 0) to (1, 1), monotone, ties moving together, thinned to about
// the requested number of points, and its area agreeing with the rank AUC.
import { describe, expect, it } from 'vitest'
import { rocAuc, rocCurve } from '../../src/main/evaluation/metrics/roc'

const area = (pts: { fpr: number; tpr: number }[]) =>
  pts.slice(1).reduce((a, p, i) => a + ((p.fpr - pts[i]!.fpr) * (p.tpr + pts[i]!.tpr)) / 2, 0)

describe('rocCurve', () => {
  it('walks the thresholds of a small case exactly', () => {
    // scikit-learn roc_curve([0,0,1,1],[0.1,0.4,0.35,0.8]) → fpr 0,0,.5,.5,1 tpr 0,.5,.5,1,1
    expect(rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 0.5 },
      { fpr: 0.5, tpr: 0.5 },
      { fpr: 0.5, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ])
  })

  it('moves tied scores together and needs both classes', () => {
    expect(rocCurve([0.5, 0.5], [0, 1])).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 1, tpr: 1 },
    ])
    expect(rocCurve([0.1, 0.2], [1, 1])).toEqual([])
  })

  it('thins a large curve and keeps its area', () => {
    let s = 7
    const rand = () => (s = (s * 16807) % 2147483647) / 2147483647
    const labels = Array.from({ length: 20000 }, (_, i) => i % 3 === 0)
    const scores = labels.map((l) => rand() + (l ? 0.4 : 0))
    const pts = rocCurve(scores, labels, 50)
    expect(pts.length).toBeLessThan(110)
    expect(pts[0]).toEqual({ fpr: 0, tpr: 0 })
    expect(pts[pts.length - 1]).toEqual({ fpr: 1, tpr: 1 })
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i]!.fpr).toBeGreaterThanOrEqual(pts[i - 1]!.fpr)
      expect(pts[i]!.tpr).toBeGreaterThanOrEqual(pts[i - 1]!.tpr)
    }
    expect(area(pts)).toBeCloseTo(rocAuc(scores, labels), 2)
  })
})
