// Protocol C's AS-norm scoring (metrics/verification.ts) and its infant-grouped folds
// (protocols/verification.ts): known answers worked by hand, and the property the method exists for.
import { describe, expect, it } from 'vitest'
import { meanEmbedding } from '../../src/main/engine/embed/backbone'
import {
  asNormScores,
  equalErrorRate,
  trialScores,
  verificationFigures,
  verificationTrials,
} from '../../src/main/evaluation/metrics/verification'
import { infantFolds } from '../../src/main/evaluation/protocols/verification'

const v = (...x: number[]) => Float32Array.from(x)

describe('AS-norm', () => {
  const embs = [v(1, 0), v(0, 1)]
  const recs = [
    { infant: 'a', platform: 'ios' },
    { infant: 'b', platform: 'ios' },
  ]
  const trials = verificationTrials(recs, true)
  const cohort = { embeddings: [v(1, 0), v(0, 1), v(-1, 0)], platforms: ['ios', 'ios', 'ios'] }

  it('matches the worked example: z-scores against the top cohort scores, averaged', () => {
    // a against the cohort: 1, 0, −1; b: 0, 1, 0; the trial's cosine is 0.
    // top 2: a {1, 0} and b {1, 0}, both mean 0.5 and sd 0.5 → ((0 − 0.5)/0.5 + (0 − 0.5)/0.5)/2 = −1.
    expect(asNormScores(embs, recs, trials, cohort, 2)[0]).toBeCloseTo(-1, 12)
    // every cohort score: a mean 0, sd √(2/3); b mean 1/3, sd √(2/9) → (0 + (−1/3)/√(2/9))/2.
    expect(asNormScores(embs, recs, trials, cohort, 3)[0]).toBeCloseTo(-1 / 3 / Math.sqrt(2 / 9) / 2, 12)
  })

  it('ignores cohort recordings of another platform, and needs two of the same', () => {
    const mixed = {
      embeddings: [...cohort.embeddings, v(0.3, 0.9), v(-0.7, 0.2)],
      platforms: ['ios', 'ios', 'ios', 'android', 'android'],
    }
    expect(asNormScores(embs, recs, trials, mixed, 2)[0]).toBeCloseTo(-1, 12)
    const lone = { embeddings: [v(1, 0)], platforms: ['ios'] }
    expect(() => asNormScores(embs, recs, trials, lone)).toThrow(/1 cohort recording/)
  })

  it('removes the recordings that score high against everyone, which raw cosine cannot', () => {
    // 30 infants, two recordings each, every infant its own direction; each recording carries a shared
    // component of its own strength (a short or noisy recording is mostly "any cry"), so the strong ones score
    // high against everyone: a recording-level offset that one threshold over all trials cannot remove.
    let seed = 7
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0
      return seed / 4294967296 - 0.5
    }
    const dim = 40
    const make = (infant: number) => {
      const x = new Float32Array(dim)
      x[infant % (dim - 1)] = 1
      for (let i = 0; i < dim; i++) x[i] = x[i]! + 0.45 * rand()
      x[dim - 1] = x[dim - 1]! + 2.5 * (rand() + 0.5)
      return meanEmbedding([x])
    }
    const build = (n: number, offset: number) => {
      const e: Float32Array[] = []
      const r: { infant: string; platform: string }[] = []
      for (let i = 0; i < n; i++)
        for (let k = 0; k < 2; k++) {
          e.push(make(i + offset))
          r.push({ infant: `i${i + offset}`, platform: 'ios' })
        }
      return { e, r }
    }
    const evaluated = build(30, 0)
    const other = build(30, 5)
    const t = verificationTrials(evaluated.r, true)
    const raw = equalErrorRate(trialScores(evaluated.e, t), t.target)
    const normed = equalErrorRate(
      asNormScores(evaluated.e, evaluated.r, t, {
        embeddings: other.e,
        platforms: other.r.map((x) => x.platform),
      }),
      t.target,
    )
    expect(normed).toBeLessThan(raw - 0.05)
    // verificationFigures scores with AS-norm when given a cohort.
    const figures = verificationFigures(evaluated.e, evaluated.r, {
      embeddings: other.e,
      platforms: other.r.map((x) => x.platform),
    })
    expect(figures.eer).toBeCloseTo(normed, 12)
  })
})

describe('infant folds', () => {
  const ids = Array.from({ length: 23 }, (_, i) => `DAC-${String(i).padStart(3, '0')}`)

  it('partition the infants into k folds of near-equal size, the same for the same seed', () => {
    const folds = infantFolds(ids, 5, 1)
    expect(folds).toHaveLength(5)
    const all = folds.flatMap((f) => [...f])
    expect(new Set(all).size).toBe(23)
    expect(all.length).toBe(23)
    const sizes = folds.map((f) => f.size)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    expect(infantFolds([...ids].reverse(), 5, 1).map((f) => [...f].sort())).toEqual(
      folds.map((f) => [...f].sort()),
    )
    expect(infantFolds(ids, 5, 2).map((f) => [...f].sort())).not.toEqual(folds.map((f) => [...f].sort()))
  })
})
