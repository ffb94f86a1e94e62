// Waveform detail on demand: coarse peaks spread over the recording, finer peaks written over a range,
// detail bookkeeping, bounded memory on long recordings.
import { describe, expect, it } from 'vitest'
import { PeakDetail } from '../../src/renderer/src/view-model/peak-detail'

describe('PeakDetail', () => {
  it('spreads coarse peaks, then overwrites a range with finer ones', () => {
    const d = new PeakDetail(10) // 100 values/s → 1000 values
    expect(d.perSecond).toBe(100)
    expect(d.values).toHaveLength(1000)
    // 10 coarse peaks of 1 s each (min/max pairs): value = max |min|, |max|
    d.fill(0, 1, Array.from({ length: 10 }, (_x, i) => [-0.1 * i, 0.05 * i]).flat())
    expect(d.values[0]).toBeCloseTo(0, 6)
    expect(d.values[550]).toBeCloseTo(0.5, 6)
    expect(d.hasDetail(5, 6)).toBe(false)
    // fine peaks (10 ms) for 5.00–5.10 s
    d.fill(5, 0.01, Array.from({ length: 10 }, () => [0, 0.9]).flat())
    expect(d.values[505]).toBeCloseTo(0.9, 6)
    expect(d.values[511]).toBeCloseTo(0.5, 6) // outside the fine range: the coarse value stays
    expect(d.hasDetail(5, 5.1)).toBe(true)
    expect(d.hasDetail(5, 5.2)).toBe(false)
    d.fill(5.1, 0.01, Array.from({ length: 10 }, () => [0, 0.2]).flat())
    expect(d.hasDetail(5, 5.2)).toBe(true) // adjacent ranges merge
  })

  it('keeps memory bounded on a day-long recording', () => {
    const d = new PeakDetail(24 * 3600)
    expect(d.values.length).toBeLessThanOrEqual(4_000_000)
    expect(d.perSecond).toBeGreaterThan(40)
  })
})
