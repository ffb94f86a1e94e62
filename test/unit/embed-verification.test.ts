// Protocol C metrics against scikit-learn (training/verification.py: roc_curve-based EER with interpolation
// at the crossing, minDCF normalised by the best trivial decision) and against cases with known answers.
import { describe, expect, it } from 'vitest'
import { meanEmbedding } from '../../src/main/engine/embed/backbone'
import {
  eerBootstrapInterval,
  equalErrorRate,
  minDcf,
  verificationFigures,
  verificationTrials,
} from '../../src/main/evaluation/metrics/verification'

describe('verification metrics', () => {
  // References from /usr/bin/python3 with scikit-learn: EER = where the ROC polyline crosses FNR = FPR, as
  // brentq(lambda x: 1 - x - interp1d(fpr, tpr)(x), 0, 1) over roc_curve(drop_intermediate=False) gives it (2/9
  // here; training/verification.py's nearest-point shortcut says 0.2111); minDCF as training/verification.py.
  const scores = [0.9, 0.8, 0.8, 0.7, 0.65, 0.6, 0.55, 0.5, 0.4, 0.35, 0.3, 0.2, 0.1, 0.05]
  const labels = [1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]

  it('EER and minDCF match scikit-learn on a case with a tie', () => {
    expect(equalErrorRate(scores, labels)).toBeCloseTo(2 / 9, 9)
    expect(minDcf(scores, labels, 0.05)).toBeCloseTo(0.8000000000000002, 12)
    expect(minDcf(scores, labels, 0.5)).toBeCloseTo(0.42222222222222217, 12)
  })

  it('perfect, inverted and uninformative scores', () => {
    expect(equalErrorRate([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(0)
    expect(minDcf([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(0)
    expect(equalErrorRate([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(1)
    expect(equalErrorRate([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5)
    expect(minDcf([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(1)
  })

  it('is NaN without both kinds of trial', () => {
    expect(equalErrorRate([0.1, 0.2], [1, 1])).toBeNaN()
    expect(minDcf([0.1, 0.2], [0, 0])).toBeNaN()
  })

  it('trials: same-platform pairs only, target = same infant', () => {
    const recs = [
      { infant: 'a', platform: 'ios' },
      { infant: 'a', platform: 'ios' },
      { infant: 'a', platform: 'android' },
      { infant: 'b', platform: 'ios' },
      { infant: 'b', platform: 'android' },
    ]
    const same = verificationTrials(recs, true)
    expect(same.a.length).toBe(4) // ios: 3 pairs, android: 1
    expect(Array.from(same.target).reduce((s, v) => s + v, 0)).toBe(1)
    const all = verificationTrials(recs, false)
    expect(all.a.length).toBe(10)
    expect(Array.from(all.target).reduce((s, v) => s + v, 0)).toBe(4)
  })

  it('figures from embeddings: identical infants score 1, counts add up', () => {
    const u = (x: number, y: number) => meanEmbedding([Float32Array.of(x, y)])
    const embs = [u(1, 0), u(1, 0.1), u(0, 1), u(0.1, 1)]
    const recs = [
      { infant: 'a', platform: 'ios' },
      { infant: 'a', platform: 'ios' },
      { infant: 'b', platform: 'ios' },
      { infant: 'b', platform: 'ios' },
    ]
    const f = verificationFigures(embs, recs)
    expect(f.eer).toBe(0)
    expect(f.target_trials).toBe(2)
    expect(f.nontarget_trials).toBe(4)
  })

  it('bootstraps the EER over infants: an interval around it, narrower with more infants', () => {
    let seed = 5
    const random = () => {
      seed = (seed * 16807) % 2147483647
      return seed / 2147483647
    }
    const gauss = () => Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random())
    const ward = (infants: number) => {
      // Four recordings per infant: a direction of its own plus noise (cosine scores between them).
      const embeddings: Float32Array[] = []
      const recs: { infant: string; platform: string }[] = []
      for (let i = 0; i < infants; i++) {
        const centre = Array.from({ length: 8 }, gauss)
        for (let r = 0; r < 4; r++) {
          embeddings.push(Float32Array.from(centre, (c) => c + 1.5 * gauss()))
          recs.push({ infant: `i${i}`, platform: 'p' })
        }
      }
      return { embeddings, recs }
    }
    const small = ward(10)
    const large = ward(80)
    const f1 = verificationFigures(small.embeddings, small.recs)
    const f2 = verificationFigures(large.embeddings, large.recs)
    for (const f of [f1, f2]) {
      expect(f.eer_ci95[0]).toBeLessThanOrEqual(f.eer)
      expect(f.eer_ci95[1]).toBeGreaterThanOrEqual(f.eer)
      expect(f.eer_ci95[1]).toBeGreaterThan(f.eer_ci95[0])
    }
    expect(f2.eer_ci95[1] - f2.eer_ci95[0]).toBeLessThan(f1.eer_ci95[1] - f1.eer_ci95[0])
    // Deterministic, and undefined with one infant.
    const t = verificationTrials(small.recs, true)
    const s = Array.from(t.a, (_, k) => k % 7)
    expect(eerBootstrapInterval(s, t, small.recs)).toEqual(eerBootstrapInterval(s, t, small.recs))
    const one = verificationTrials(
      [
        { infant: 'a', platform: 'p' },
        { infant: 'a', platform: 'p' },
      ],
      true,
    )
    expect(
      eerBootstrapInterval([0.5], one, [
        { infant: 'a', platform: 'p' },
        { infant: 'a', platform: 'p' },
      ]),
    ).toEqual([NaN, NaN])
  })
})
