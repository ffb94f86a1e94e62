// Protocol E's reference (metrics/drift-reference.ts): a one-sided recording-level t on the measure a change moves,
// read against unchanged timelines.
import { describe, expect, it } from 'vitest'
import { CRY_FEATURE_DIM, CRY_FEATURES } from '../../src/main/engine/anomaly/cry-features'
import type { ChangeKind, DriftInfant } from '../../src/main/evaluation/metrics/drift'
import { referenceFigures, referenceStatistic } from '../../src/main/evaluation/metrics/drift-reference'

const F0 = CRY_FEATURES.findIndex((f) => f.key === 'f0')
const DAY = 86400e3

/** A timeline of `before` + `after` recordings of 3 cries each; f0 (log2 Hz) per recording from `level(r)`. */
function timeline(
  id: string,
  kind: ChangeKind,
  levels: number[],
  before: number,
  size: number | null = null,
): DriftInfant {
  let cryId = 1
  const recordings = levels.map((lv, r) => ({
    id: `${id}-${r}`,
    cries: [0, 1, 2].map((k) => {
      const features = new Float64Array(CRY_FEATURE_DIM).fill(NaN)
      features[F0] = lv + (k - 1) * 0.01
      return {
        id: cryId++,
        recordingId: `${id}-${r}`,
        startS: k,
        t: r * DAY + k * 1000,
        embedding: new Float32Array(4),
        cryConfidence: 0.9,
        features,
      }
    }),
  }))
  return {
    id,
    changeT: kind === 'none' ? null : before * DAY,
    splitT: before * DAY,
    kind,
    size: size ?? undefined,
    recordings,
  }
}

describe('drift reference', () => {
  it('is the recording medians shift over the baseline recordings spread, signed by the change', () => {
    const inf = timeline('a', 'pitch-keep-duration', [8.8, 9.0, 9.2, 9.4, 9.6], 3, 0.3)
    // before 8.8, 9.0, 9.2: mean 9.0, sd 0.2; after 9.4, 9.6: mean 9.5; se = 0.2 √(1/2 + 1/3)
    const t = 0.5 / (0.2 * Math.sqrt(1 / 2 + 1 / 3))
    expect(referenceStatistic(inf, F0, 1)).toBeCloseTo(t, 9)
    expect(referenceStatistic(inf, F0, -1)).toBeCloseTo(-t, 9)
    // One baseline recording: no spread to scale by.
    expect(referenceStatistic(timeline('b', 'none', [9, 9.5], 1), F0, 1)).toBeNull()
  })

  it('separates a shift larger than the infants session spread, and not one within it', () => {
    const none = [0, 1, 2, 3, 4].map((i) =>
      timeline(`n${i}`, 'none', [9, 9.1, 8.9, 9.0 + (i - 2) * 0.05, 9.05], 3),
    )
    const big = [0, 1, 2, 3, 4].map((i) =>
      timeline(`b${i}`, 'pitch-resample', [9, 9.1, 8.9, 9.5 + i * 0.01, 9.5], 3, 0.3),
    )
    const small = [0, 1, 2, 3, 4].map((i) =>
      timeline(`s${i}`, 'pitch-keep-duration', [9, 9.1, 8.9, 9.0 + (i - 2) * 0.05, 9.05], 3, 0.1),
    )
    const figs = referenceFigures([...none, ...big, ...small])
    const bigF = figs.find((f) => f.kind === 'pitch-resample')!
    const smallF = figs.find((f) => f.kind === 'pitch-keep-duration')!
    expect(bigF).toMatchObject({
      measure: 'f0',
      direction: 'up',
      infants: 5,
      auc_vs_none: 1,
      detected_at_false_share: 1,
    })
    expect(smallF.auc_vs_none).toBeCloseTo(0.5, 9)
    expect(smallF.detected_at_false_share).toBeLessThanOrEqual(0.2)
    // 'replaced' moves no single measure, and 'none' is the control: neither gets a row.
    expect(figs.map((f) => f.kind).sort()).toEqual(['pitch-keep-duration', 'pitch-resample'])
  })
})
