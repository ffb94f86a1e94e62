import { describe, expect, it } from 'vitest'
import {
  blockScale,
  blockStatistic,
  estimateBaselineNoise,
  runControl,
} from '../../src/main/engine/timeline/control'
import { normalCdf, normalQuantile, percentileToZ } from '../../src/main/engine/timeline/normal'
import { timelineBlocks } from '../../src/main/engine/timeline/blocks'

function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r())

describe('normal quantile', () => {
  it('inverts the CDF', () => {
    for (const p of [1e-6, 0.01, 0.2, 0.5, 0.8, 0.975, 0.999999])
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5)
    expect(percentileToZ(1, 50)).toBeCloseTo(normalQuantile(1 - 1 / 100), 9)
  })
})

describe('baseline noise', () => {
  it('recovers within- and between-recording variances of a random-effects model', () => {
    const r = rng(1)
    const p: number[] = []
    const g: number[] = []
    for (let rec = 0; rec < 400; rec++) {
      const b = gauss(r) * Math.sqrt(0.3)
      for (let i = 0; i < 12; i++) {
        p.push(normalCdf(b + gauss(r) * Math.sqrt(0.7)))
        g.push(rec)
      }
    }
    const noise = estimateBaselineNoise(p, g)
    expect(noise.within).toBeGreaterThan(0.6)
    expect(noise.within).toBeLessThan(0.8)
    expect(noise.between).toBeGreaterThan(0.22)
    expect(noise.between).toBeLessThan(0.38)
  })

  it('falls back to N(0, 1) for a tiny baseline', () => {
    expect(estimateBaselineNoise([0.5, 0.4], [1, 1])).toMatchObject({ within: 1, between: 0, mean: 0 })
  })
})

describe('control charts', () => {
  it('rarely alarm in control (CUSUM h=4: run length ≈ 340 blocks) and alarm after a 1.5 sd shift', () => {
    const r = rng(7)
    const inControl = Array.from({ length: 20000 }, () => gauss(r))
    const points = runControl(inControl)
    const cusumAlarms = points.filter((p) => p.crossed.includes('cusum')).length
    const ewmaAlarms = points.filter((p) => p.crossed.includes('ewma')).length
    expect(20000 / Math.max(1, cusumAlarms)).toBeGreaterThan(200)
    expect(20000 / Math.max(1, ewmaAlarms)).toBeGreaterThan(200)
    // A shift present from the very first block: its first blocks pass for in-control spread and widen the
    // limits a little (over 200 such charts: median 6 blocks to the alarm, 9 in ten within 10).
    const firsts = Array.from({ length: 200 }, () =>
      runControl(Array.from({ length: 60 }, () => 1.5 + gauss(r))).findIndex((p) => p.crossed.length > 0),
    ).sort((a, b) => a - b)
    expect(firsts[0]).toBeGreaterThanOrEqual(0)
    expect(firsts[100]).toBeLessThanOrEqual(8)
    expect(firsts[180]).toBeLessThanOrEqual(14)
  })

  it('learn the in-control spread when later blocks vary more than the baseline said, and still catch a shift', () => {
    // Blocks whose statistic has sd 1.7 (recordings differ more than the baseline's few did): charted as N(0, 1)
    // they alarm every few dozen blocks; with the in-control spread estimated as the charts go, rarely.
    const r = rng(11)
    const over = Array.from({ length: 5000 }, () => 1.7 * gauss(r))
    const alarms = (pts: { crossed: string[] }[]) => pts.filter((p) => p.crossed.length > 0).length
    const learned = runControl(over)
    const exact = over.map((v) => v / 1.7)
    expect(learned[learned.length - 1]!.scale).toBeGreaterThan(1.45)
    expect(learned[learned.length - 1]!.scale).toBeLessThan(1.95)
    // As many alarms as a chart that knew the true spread, within a factor of two.
    expect(alarms(learned)).toBeLessThan(2 * Math.max(5, alarms(runControl(exact))))
    // A shift of two (true) standard deviations after 60 in-control blocks is caught within a dozen blocks.
    const head = Array.from({ length: 60 }, () => 1.7 * gauss(r))
    const tail = Array.from({ length: 30 }, () => 1.7 * (2 + gauss(r)))
    const pts = runControl([...head, ...tail])
    const first = pts.slice(60).findIndex((p) => p.crossed.length > 0)
    expect(first).toBeGreaterThanOrEqual(0)
    expect(first).toBeLessThan(12)
  })

  it('never narrows the limits, and blocks below the baseline do not widen them', () => {
    expect(blockScale({ inControl: 0, sumSq: 0 })).toBe(1)
    expect(blockScale({ inControl: 100, sumSq: 1 })).toBe(1)
    const low = runControl(Array.from({ length: 50 }, () => -6))
    expect(low[low.length - 1]!.scale).toBe(1)
  })

  it('standardises a block so its statistic is ≈ N(0, 1) under the baseline', () => {
    const r = rng(3)
    const noise = { within: 0.7, between: 0.3, mean: 0, size: 1000 }
    const stats: number[] = []
    for (let k = 0; k < 3000; k++) {
      const b = gauss(r) * Math.sqrt(0.3)
      const n = 1 + Math.floor(r() * 20)
      stats.push(
        blockStatistic(
          Array.from({ length: n }, () => normalCdf(b + gauss(r) * Math.sqrt(0.7))),
          noise,
        ),
      )
    }
    const m = stats.reduce((a, b) => a + b, 0) / stats.length
    const v = stats.reduce((a, b) => a + (b - m) ** 2, 0) / stats.length
    expect(Math.abs(m)).toBeLessThan(0.06)
    expect(v).toBeGreaterThan(0.85)
    expect(v).toBeLessThan(1.15)
  })

  it('builds time-ordered hourly blocks per recording and skips unscored cries', () => {
    const noise = { within: 1, between: 0, mean: 0, size: 100 }
    const t0 = Date.UTC(2026, 0, 1)
    const cries = [
      { id: 3, recordingId: 2, startS: 10, t: t0 + 86400e3, score: 0.99 },
      { id: 1, recordingId: 1, startS: 10, t: t0 + 10e3, score: 0.5 },
      { id: 2, recordingId: 1, startS: 4000, t: t0 + 4000e3, score: 0.6 },
      { id: 4, recordingId: 2, startS: 20, t: t0 + 86420e3, score: null },
    ]
    const blocks = timelineBlocks(cries, noise)
    expect(blocks.map((b) => b.key)).toEqual(['1:0', '1:1', '2:0'])
    expect(blocks[2]!.n).toBe(1)
    expect(blocks[2]!.lastCryId).toBe(3)
    expect(blocks[2]!.value).toBeGreaterThan(blocks[0]!.value)
  })
})
