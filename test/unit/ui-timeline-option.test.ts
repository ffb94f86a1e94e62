// The timeline's ECharts option: cries split by gate decision with flagged, reviewed and preview marks, large
// mode for the cry series, the flag threshold (and a proposed one), alerts by state, the control charts, a time
// axis covering the whole timeline, and every grid on the one zoom.
import { describe, expect, it } from 'vitest'
import type { Timeline } from '../../src/shared/contract'
import {
  DECISION_COLORS,
  LARGE_THRESHOLD,
  pointSeriesData,
  pointSeriesOption,
  timelineExtent,
  timelineOption,
} from '../../src/renderer/src/view-model/timeline-option'

const colors = { text: '#000', subtle: '#555', line: '#ddd', background: '#fff', primary: '#06c' }

function timeline(): Timeline {
  const at = (h: number) => new Date(Date.UTC(2026, 1, 1, h)).toISOString()
  return {
    infantId: 1,
    from: null,
    to: null,
    points: [
      { cryId: 1, at: at(0), score: 0.4, decision: 'baseline', flagged: false, verdict: null },
      { cryId: 2, at: at(1), score: 0.7, decision: 'accepted', flagged: false, verdict: null },
      { cryId: 3, at: at(2), score: 0.97, decision: 'rejected', flagged: true, verdict: 'deviation' },
      { cryId: 4, at: at(30), score: 0.96, decision: 'rejected', flagged: true, verdict: null },
    ],
    totalPoints: 4,
    blocks: [
      {
        start: at(0),
        end: at(0.5),
        n: 2,
        meanScore: 0.5,
        value: 0,
        ewma: 0,
        ewmaLimit: 1,
        cusum: 0,
        cusumLimit: 5,
      },
      {
        start: at(1),
        end: at(1.5),
        n: 2,
        meanScore: 0.6,
        value: 1,
        ewma: 0.2,
        ewmaLimit: 1,
        cusum: 1,
        cusumLimit: 5,
      },
      {
        start: at(30),
        end: at(30.5),
        n: 1,
        meanScore: 0.96,
        value: 3,
        ewma: 1.2,
        ewmaLimit: 1,
        cusum: 6,
        cusumLimit: 5,
      },
    ],
    days: [
      { day: '2026-02-01', n: 3, meanScore: 0.69, flagged: 1 },
      { day: '2026-02-02', n: 1, meanScore: 0.96, flagged: 1 },
    ],
    flagPercentile: 0.95,
    alerts: [
      {
        id: 9,
        infantId: 1,
        infantLabel: 'A',
        statistic: 'cusum',
        state: 'acknowledged',
        at: at(30.5),
        value: 6,
        limit: 5,
        cryId: 4,
        message: 'Sustained change',
        createdAt: at(31),
        updatedAt: at(32),
        updatedBy: 'clinician',
        note: null,
      },
    ],
    trends: [
      { day: '2026-02-01', f0MeanHz: 450, durationS: 1, hnrDb: 12 },
      { day: '2026-02-02', f0MeanHz: 520, durationS: 0.7, hnrDb: null },
    ],
    activeModel: null,
    phase: 'tracking',
    baseline: { cries: 30, recordings: 3, minCries: 30, minRecordings: 3 },
  }
}

type Series = {
  id: string
  type: string
  data: unknown[]
  large?: boolean
  markLine?: { data: { yAxis?: number; xAxis?: number; name: string }[] }
  markPoint?: { data: unknown[] }
  itemStyle?: { color?: string }
}

describe('timeline option', () => {
  it('splits cries by decision and marks flagged, reviewed and previewed cries', () => {
    const d = pointSeriesData(timeline().points, { gained: new Set([2]), lost: new Set([4]) })
    expect(d['cries-baseline'].map((x) => x[2])).toEqual([1])
    expect(d['cries-accepted'].map((x) => x[2])).toEqual([2])
    expect(d['cries-rejected'].map((x) => x[2])).toEqual([3, 4])
    expect(d.flagged.map((x) => x[2])).toEqual([3, 4])
    expect(d.reviewed.map((x) => x[2])).toEqual([3])
    expect(d.gained.map((x) => x[2])).toEqual([2])
    expect(d.lost.map((x) => x[2])).toEqual([4])
    expect(d['cries-accepted'][0]).toEqual([Date.parse(timeline().points[1]!.at), 0.7, 2])
  })

  it('covers every cry, block and alert on a shared, zoomable time axis', () => {
    const t = timeline()
    const [lo, hi] = timelineExtent(t)!
    expect(lo).toBeLessThan(Date.parse(t.points[0]!.at))
    expect(hi).toBeGreaterThan(Date.parse(t.alerts[0]!.at))
    const o = timelineOption({ overview: t, points: t.points, colors }) as {
      xAxis: { min: number; max: number }[]
      dataZoom: { xAxisIndex: number[]; filterMode: string }[]
      series: Series[]
    }
    expect(o.xAxis).toHaveLength(6)
    for (const x of o.xAxis) expect([x.min, x.max]).toEqual([lo, hi])
    for (const z of o.dataZoom) expect(z.xAxisIndex).toEqual([0, 1, 2, 3, 4, 5])
    const byId = new Map(o.series.map((s) => [s.id, s]))
    for (const d of ['baseline', 'accepted', 'rejected'] as const) {
      expect(byId.get(`cries-${d}`)!.large).toBe(true)
      expect(byId.get(`cries-${d}`)!.itemStyle!.color).toBe(DECISION_COLORS[d])
    }
    expect(LARGE_THRESHOLD).toBeLessThanOrEqual(5000)
    const marks = byId.get('hourly')!.markLine!.data
    expect(marks.find((m) => m.name === 'flag threshold')!.yAxis).toBe(0.95)
    expect(marks.find((m) => m.name === 'CUSUM alert (acknowledged)')!.xAxis).toBe(
      Date.parse(t.alerts[0]!.at),
    )
    // Hourly means break where the recording paused for hours; the control statistics run on.
    expect(byId.get('hourly')!.data).toContainEqual([expect.any(Number), null])
    expect(byId.get('ewma')!.data).not.toContainEqual([expect.any(Number), null])
    expect(byId.get('cusum')!.markPoint!.data).toHaveLength(1)
    expect(byId.get('ewma')!.markPoint!.data).toHaveLength(0)
    expect(byId.get('cusum-limit')!.data.filter((v) => (v as unknown[])[1] === 5)).toHaveLength(3)
    expect(byId.get('hnr')!.data).toEqual([
      [expect.any(Number), 12],
      [expect.any(Number), null],
    ])
  })

  it('draws a proposed threshold and the preview legend only with a preview, and keeps a zoom window', () => {
    const t = timeline()
    const o = timelineOption({
      overview: t,
      points: t.points,
      colors,
      preview: { gained: new Set(), lost: new Set(), flagPercentile: 0.9 },
      zoom: { start: 1, end: 2 },
    }) as { legend: { data: string[] }; dataZoom: { startValue: number }[]; series: Series[] }
    expect(o.legend.data).toContain('Would be flagged')
    expect(o.dataZoom[0]!.startValue).toBe(1)
    const marks = o.series.find((s) => s.id === 'hourly')!.markLine!.data
    expect(marks.find((m) => m.name === 'proposed threshold')!.yAxis).toBe(0.9)
    const plain = timelineOption({ overview: t, points: t.points, colors }) as { legend: { data: string[] } }
    expect(plain.legend.data).not.toContain('Would be flagged')
  })

  it('swaps a zoomed range in by series id', () => {
    const t = timeline()
    const o = pointSeriesOption(t.points.slice(2))
    expect(o.series.map((s) => s.id)).toContain('flagged')
    expect(o.series.find((s) => s.id === 'cries-baseline')!.data).toEqual([])
    expect(o.series.find((s) => s.id === 'flagged')!.data).toHaveLength(2)
  })
})
