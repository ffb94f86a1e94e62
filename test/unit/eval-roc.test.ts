import { describe, expect, it } from 'vitest'
import { averagePrecision, recallAtFpr, rocAuc } from '../../src/main/evaluation/metrics/roc'

describe('ranking metrics', () => {
  // Reference values computed with scikit-learn 1.2 (roc_auc_score, average_precision_score).
  const y = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0]
  const s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.7, 0.2, 0.4, 0.05]
  it('matches scikit-learn on a small example with ties', () => {
    expect(rocAuc(s, y)).toBeCloseTo(0.88, 10)
    expect(averagePrecision(s, y)).toBeCloseTo(0.8761904762, 8)
  })
  it('handles perfect, inverted and constant scores', () => {
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1)
    expect(rocAuc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0)
    expect(rocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5)
    expect(rocAuc([1, 2], [1, 1])).toBeNaN()
  })
  it('reports recall at a false-positive rate', () => {
    expect(recallAtFpr([0.9, 0.8, 0.7, 0.6, 0.5], [1, 1, 0, 1, 0], 0)).toBeCloseTo(2 / 3)
    expect(recallAtFpr([0.9, 0.8, 0.7, 0.6, 0.5], [1, 1, 0, 1, 0], 0.5)).toBe(1)
  })
})
