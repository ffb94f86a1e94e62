// The tracker on a toy problem: 2-D "embeddings", a distance-to-mean model calibrated by leave-one-recording-out
// percentiles. A shift after recording 10 must raise an alert soon, the gate must keep shifted cries out of
// the baseline, and always-update must absorb them.
import { describe, expect, it } from 'vitest'
import { InfantTracker, type FitPersonalModel, type TrackerCry } from '../../src/main/engine/gate/tracker'

const fitToy: FitPersonalModel = async (x, n, d, groups) => {
  const distTo = (mean: number[], i: number, src: Float32Array) =>
    Math.hypot(...mean.map((m, j) => src[i * d + j]! - m))
  const meanOf = (idx: number[]) =>
    Array.from({ length: d }, (_, j) => idx.reduce((a, i) => a + x[i * d + j]!, 0) / idx.length)
  const all = Array.from({ length: n }, (_, i) => i)
  const mean = meanOf(all)
  const loro: number[] = []
  for (let i = 0; i < n; i++) loro.push(distTo(meanOf(all.filter((k) => groups[k] !== groups[i])), i, x))
  const sorted = [...loro].sort((a, b) => a - b)
  const pct = (v: number) => sorted.filter((s) => s <= v).length / (sorted.length + 1)
  return {
    calibrated: (q, m) => Float64Array.from({ length: m }, (_, i) => pct(distTo(mean, i, q))),
    baseline: { percentiles: loro.map(pct), groups },
  }
}

function makeCries(rec: number, shift: number, seed: number): TrackerCry[] {
  let s = seed
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647
  const g = () => Math.sqrt(-2 * Math.log(r())) * Math.cos(2 * Math.PI * r())
  return Array.from({ length: 12 }, (_, i) => ({
    id: rec * 100 + i,
    recordingId: rec,
    startS: i * 30,
    t: rec * 8 * 3600e3 + i * 30e3,
    embedding: Float32Array.from([g() + shift, g()]),
    cryConfidence: 0.95,
  }))
}

async function run(policy: 'gated' | 'always' | 'never') {
  const tracker = new InfantTracker(fitToy, policy, {
    ...(await import('../../src/main/engine/gate/tracker')).DEFAULT_TRACKER,
    refitAfter: 12,
  })
  const post: number[] = []
  for (let rec = 1; rec <= 30; rec++) {
    const shift = rec > 10 ? Math.min(3, (rec - 10) * 0.5) : 0
    const ds = await tracker.addRecording(makeCries(rec, shift, 1000 + rec))
    if (rec > 10) post.push(...ds.filter((d) => d.joinedBaseline).map((d) => d.id))
  }
  const firstAlert = tracker.alerts[0]
  return {
    tracker,
    contamination: post.length / (20 * 12),
    firstAlertRec: firstAlert ? Math.floor(firstAlert.cryId / 100) : null,
  }
}

describe('InfantTracker', () => {
  it('alerts soon after a shift; the gate keeps the baseline clean, always-update does not', async () => {
    const gated = await run('gated')
    const always = await run('always')
    const never = await run('never')
    expect(gated.firstAlertRec).not.toBeNull()
    expect(gated.firstAlertRec!).toBeGreaterThan(10)
    expect(gated.firstAlertRec!).toBeLessThanOrEqual(15)
    expect(gated.tracker.alerts.every((a) => a.cryId >= 1100)).toBe(true)
    expect(gated.contamination).toBeLessThan(0.25)
    expect(always.contamination).toBeGreaterThan(0.9)
    expect(never.contamination).toBe(0)
    expect(gated.tracker.modelVersion).toBeGreaterThan(1)
  })
})
