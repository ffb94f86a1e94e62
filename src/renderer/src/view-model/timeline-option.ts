// The infant timeline as an ECharts option: one point per cry (score against time, coloured by the gate's
// decision, flagged and reviewed cries marked), hourly blocks and daily means, the flag threshold, alerts, the
// EWMA and CUSUM charts against their limits, and the daily acoustic trends beneath, all on one shared time
// axis so one zoom moves them together. Pure (no DOM): the chart component, the unit tests and the bench use it.
import type { Alert, Timeline } from '../../../shared/contract'
import { formatTime } from './format'

type Point = Timeline['points'][number]
type Decision = Point['decision']

/** Distinguishable in both themes and for the common colour-vision deficiencies (blue / green / orange). */
export const DECISION_COLORS: Record<Decision, string> = {
  baseline: '#4c6ef5',
  accepted: '#2b8a3e',
  rejected: '#e8590c',
  pending: '#868e96',
}
/** The same hues lighter for the dark theme, where the darker ones sink into the background. */
export const DECISION_COLORS_DARK: Record<Decision, string> = {
  baseline: '#91a7ff',
  accepted: '#69db7c',
  rejected: '#ffa94d',
  pending: '#ced4da',
}
export const decisionColors = (dark: boolean) => (dark ? DECISION_COLORS_DARK : DECISION_COLORS)
export const DECISION_LABELS: Record<Decision, string> = {
  baseline: 'Baseline',
  accepted: 'Accepted',
  rejected: 'Rejected',
  pending: 'Pending',
}
export const FLAG_COLOR = '#e03131'
export const REVIEW_COLOR = '#9c36b5'
export const GAINED_COLOR = '#d6336c'
export const LOST_COLOR = '#0c8599'
const ALERT_COLORS: Record<Alert['state'], string> = {
  new: '#e03131',
  acknowledged: '#f08c00',
  resolved: '#868e96',
}

/** Above this many points a scatter series draws in ECharts' large mode (one path, no per-point objects). */
export const LARGE_THRESHOLD = 2000

export interface TimelineColors {
  text: string
  subtle: string
  line: string
  background: string
  primary: string
  /** The dark theme: lighter point colours. */
  dark?: boolean
}

export interface TimelinePreview {
  gained: ReadonlySet<number>
  lost: ReadonlySet<number>
  /** The proposed flag threshold, drawn beside the current one. */
  flagPercentile?: number
}

/** A cry as the chart draws it: [time ms, score, cry id]. */
export type CryDatum = [number, number, number]

export const POINT_SERIES = [
  'cries-baseline',
  'cries-accepted',
  'cries-rejected',
  'cries-pending',
  'flagged',
  'reviewed',
  'gained',
  'lost',
] as const
export type PointSeriesId = (typeof POINT_SERIES)[number]

/** The cries split into the chart's point series (decisions, plus the flagged, reviewed and preview marks). */
export function pointSeriesData(
  points: readonly Point[],
  preview?: TimelinePreview | null,
): Record<PointSeriesId, CryDatum[]> {
  const out = Object.fromEntries(POINT_SERIES.map((id) => [id, [] as CryDatum[]])) as Record<
    PointSeriesId,
    CryDatum[]
  >
  for (const p of points) {
    const d: CryDatum = [Date.parse(p.at), p.score, p.cryId]
    out[`cries-${p.decision}`].push(d)
    if (p.flagged) out.flagged.push(d)
    if (p.verdict) out.reviewed.push(d)
    if (preview?.gained.has(p.cryId)) out.gained.push(d)
    if (preview?.lost.has(p.cryId)) out.lost.push(d)
  }
  return out
}

/** The time span the axes cover: every cry, block and alert of the whole timeline (not just a zoomed part). */
export function timelineExtent(t: Timeline): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  const see = (iso: string) => {
    const v = Date.parse(iso)
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  for (const p of t.points) see(p.at)
  for (const b of t.blocks) {
    see(b.start)
    see(b.end)
  }
  for (const a of t.alerts) see(a.at)
  if (!Number.isFinite(lo)) return null
  const pad = Math.max(10 * 60e3, (hi - lo) * 0.01)
  return [lo - pad, hi + pad]
}

/** Noon of a local calendar day ('2026-03-01'), where daily values are drawn. */
export function dayNoon(day: string): number {
  return new Date(`${day}T12:00:00`).getTime()
}

/** Hourly means are not joined across a pause this long (the control statistics always are: they run on). */
export const HOURLY_GAP_MS = 6 * 3600e3

/** Block values at each block's middle, with a gap (null) where the recording paused for over `gapMs`. */
function blockLine(
  t: Timeline,
  value: (b: Timeline['blocks'][number]) => number,
  gapMs = Infinity,
): (number | null)[][] {
  const out: (number | null)[][] = []
  let prevEnd = -Infinity
  for (const b of t.blocks) {
    const s = Date.parse(b.start)
    const e = Date.parse(b.end)
    if (s - prevEnd > gapMs && out.length) out.push([(prevEnd + s) / 2, null])
    out.push([(s + e) / 2, value(b)])
    prevEnd = e
  }
  return out
}

export interface TimelineOptionInput {
  overview: Timeline
  /** The cries drawn now: the overview's, or a zoomed range fetched in more detail. */
  points: readonly Point[]
  preview?: TimelinePreview | null
  colors: TimelineColors
  /** The zoom window to keep (ms), or null for the whole timeline. */
  zoom?: { start: number; end: number } | null
}

const GRIDS = [
  { top: 44, height: 300, name: 'score' },
  { top: 380, height: 80, name: 'EWMA' },
  { top: 486, height: 80, name: 'CUSUM' },
  { top: 592, height: 64, name: 'f0 (Hz)' },
  { top: 676, height: 64, name: 'duration (s)' },
  { top: 760, height: 64, name: 'HNR (dB)' },
] as const
export const TIMELINE_HEIGHT = 900

const fmtTime = (ms: number) => formatTime(ms, { year: false })

export function timelineOption(input: TimelineOptionInput): Record<string, unknown> {
  const { overview: t, colors } = input
  const extent = timelineExtent(t) ?? [Date.now() - 86400e3, Date.now()]
  const data = pointSeriesData(input.points, input.preview)
  const axisIdx = GRIDS.map((_, i) => i)
  const scatter = (id: PointSeriesId, name: string, extra: Record<string, unknown>) => ({
    id,
    name,
    type: 'scatter',
    xAxisIndex: 0,
    yAxisIndex: 0,
    data: data[id],
    dimensions: ['time', 'score', 'cry'],
    encode: { x: 0, y: 1 },
    animation: false,
    ...extra,
  })
  const large = {
    large: true,
    largeThreshold: LARGE_THRESHOLD,
    progressive: 5000,
    progressiveThreshold: 10000,
  }
  const flagLines: Record<string, unknown>[] = [
    {
      yAxis: t.flagPercentile,
      name: 'flag threshold',
      lineStyle: { color: FLAG_COLOR, type: 'solid', width: 1.5 },
      // Right of the plot, in two short lines so the margin holds it.
      label: {
        position: 'end',
        formatter: `flag ≥\n${(t.flagPercentile * 100).toFixed(1)}th pct`,
        distance: 8,
        color: FLAG_COLOR,
        lineHeight: 14,
      },
    },
  ]
  const proposed = input.preview?.flagPercentile
  if (proposed !== undefined && proposed !== t.flagPercentile)
    flagLines.push({
      yAxis: proposed,
      name: 'proposed threshold',
      lineStyle: { color: GAINED_COLOR, type: 'dashed', width: 1.5 },
      // Inside the plot's right end, on the far side of its line from the current threshold's label, on
      // a backing so the points beneath do not show through: the two labels never meet.
      label: {
        position: proposed > t.flagPercentile ? 'insideEndTop' : 'insideEndBottom',
        formatter: `proposed ${(proposed * 100).toFixed(1)}th`,
        color: GAINED_COLOR,
        backgroundColor: colors.background,
        padding: [1, 4],
      },
    })
  const alertLines = t.alerts.map((a) => ({
    xAxis: Date.parse(a.at),
    name: `${a.statistic.toUpperCase()} alert (${a.state})`,
    lineStyle: {
      color: ALERT_COLORS[a.state],
      type: a.state === 'new' ? 'solid' : a.state === 'acknowledged' ? 'dashed' : 'dotted',
      width: 2,
    },
    // No text over the cries: the line's colour and dash say the state, the pin on the EWMA or CUSUM chart
    // beneath says which statistic raised it, and the alerts table names it.
    label: { show: false },
  }))
  const alertPoints = (statistic: Alert['statistic']) =>
    t.alerts
      .filter((a) => a.statistic === statistic)
      .map((a) => ({
        coord: [Date.parse(a.at), a.value],
        name: a.state,
        itemStyle: { color: ALERT_COLORS[a.state] },
      }))
  const line = (
    id: string,
    name: string,
    grid: number,
    points: (number | null)[][],
    extra: Record<string, unknown> = {},
  ) => ({
    id,
    name,
    type: 'line',
    xAxisIndex: grid,
    yAxisIndex: grid,
    data: points,
    showSymbol: points.length < 400,
    symbolSize: 4,
    connectNulls: false,
    animation: false,
    ...extra,
  })
  const trend = (key: 'f0MeanHz' | 'durationS' | 'hnrDb') => t.trends.map((d) => [dayNoon(d.day), d[key]])

  return {
    animation: false,
    backgroundColor: colors.background,
    textStyle: { color: colors.text },
    // One line above the plot, whatever the chart's width (the preview's is half the screen): pages of
    // entries behind arrows rather than a second line over the scores.
    legend: {
      type: 'scroll',
      top: 4,
      left: 72,
      right: 100,
      itemGap: 8,
      textStyle: { color: colors.text },
      pageTextStyle: { color: colors.subtle },
      data: [
        'Baseline',
        'Accepted',
        'Rejected',
        'Flagged',
        'Reviewed',
        'Hourly mean',
        'Daily mean',
        ...(input.preview ? ['Would be flagged', 'Would be unflagged'] : []),
      ],
    },
    tooltip: { trigger: 'item', confine: true },
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: GRIDS.map((g) => ({ left: 72, right: 100, top: g.top, height: g.height })),
    xAxis: GRIDS.map((_, i) => ({
      type: 'time',
      gridIndex: i,
      min: extent[0],
      max: extent[1],
      axisLabel: { show: i === 0 || i === GRIDS.length - 1, color: colors.subtle, hideOverlap: true },
      axisLine: { lineStyle: { color: colors.line } },
      splitLine: { show: false },
    })),
    yAxis: GRIDS.map((g, i) => ({
      type: 'value',
      gridIndex: i,
      name: g.name,
      nameLocation: 'middle',
      nameGap: i === 0 ? 40 : 48,
      nameTextStyle: { color: colors.subtle },
      ...(i === 0 ? { min: 0, max: 1 } : i === 2 ? { min: 0 } : { scale: true }),
      splitNumber: i === 0 ? 5 : 2,
      axisLabel: { color: colors.subtle },
      splitLine: { lineStyle: { color: colors.line, opacity: 0.5 } },
    })),
    dataZoom: [
      {
        type: 'inside',
        xAxisIndex: axisIdx,
        filterMode: 'none',
        ...(input.zoom ? { startValue: input.zoom.start, endValue: input.zoom.end } : {}),
        minValueSpan: 5 * 60e3,
      },
      {
        type: 'slider',
        xAxisIndex: axisIdx,
        filterMode: 'none',
        top: 846,
        height: 26,
        ...(input.zoom ? { startValue: input.zoom.start, endValue: input.zoom.end } : {}),
        minValueSpan: 5 * 60e3,
        labelFormatter: (v: number) => fmtTime(v),
        textStyle: { color: colors.subtle },
      },
    ],
    series: [
      ...(['baseline', 'accepted', 'rejected', 'pending'] as const).map((d) =>
        scatter(`cries-${d}`, DECISION_LABELS[d], {
          ...large,
          symbolSize: 5,
          itemStyle: { color: decisionColors(colors.dark ?? false)[d], opacity: colors.dark ? 0.85 : 0.75 },
          emphasis: { scale: 2 },
        }),
      ),
      scatter('flagged', 'Flagged', {
        ...large,
        symbol: 'circle',
        symbolSize: 11,
        itemStyle: { color: 'transparent', borderColor: FLAG_COLOR, borderWidth: 2 },
        z: 3,
      }),
      scatter('reviewed', 'Reviewed', {
        symbol: 'triangle',
        symbolSize: 10,
        itemStyle: { color: REVIEW_COLOR },
        z: 4,
      }),
      scatter('gained', 'Would be flagged', {
        symbol: 'diamond',
        symbolSize: 13,
        itemStyle: { color: 'transparent', borderColor: GAINED_COLOR, borderWidth: 2.5 },
        z: 5,
      }),
      scatter('lost', 'Would be unflagged', {
        symbol: 'diamond',
        symbolSize: 13,
        itemStyle: { color: 'transparent', borderColor: LOST_COLOR, borderWidth: 2.5 },
        z: 5,
      }),
      line(
        'hourly',
        'Hourly mean',
        0,
        blockLine(t, (b) => b.meanScore, HOURLY_GAP_MS),
        {
          lineStyle: { color: colors.primary, width: 1.2, opacity: 0.8 },
          itemStyle: { color: colors.primary },
          z: 2,
          markLine: { symbol: 'none', silent: true, data: [...flagLines, ...alertLines] },
        },
      ),
      line(
        'daily',
        'Daily mean',
        0,
        t.days.map((d) => [dayNoon(d.day), d.meanScore]),
        {
          lineStyle: { color: colors.text, width: 2.5, type: 'dashed' },
          itemStyle: { color: colors.text },
          symbol: 'rect',
          symbolSize: 7,
          showSymbol: true,
          z: 2,
        },
      ),
      line(
        'ewma',
        'EWMA',
        1,
        blockLine(t, (b) => b.ewma),
        {
          lineStyle: { color: colors.primary, width: 1.5 },
          itemStyle: { color: colors.primary },
          markPoint: { symbol: 'pin', symbolSize: 28, data: alertPoints('ewma') },
        },
      ),
      line(
        'ewma-limit',
        'EWMA limit',
        1,
        blockLine(t, (b) => b.ewmaLimit),
        {
          showSymbol: false,
          lineStyle: { color: FLAG_COLOR, type: 'dashed', width: 1 },
          areaStyle: { color: FLAG_COLOR, opacity: 0.06 },
          tooltip: { show: false },
        },
      ),
      line(
        'cusum',
        'CUSUM',
        2,
        blockLine(t, (b) => b.cusum),
        {
          lineStyle: { color: colors.primary, width: 1.5 },
          itemStyle: { color: colors.primary },
          markPoint: { symbol: 'pin', symbolSize: 28, data: alertPoints('cusum') },
        },
      ),
      line(
        'cusum-limit',
        'CUSUM decision interval',
        2,
        blockLine(t, (b) => b.cusumLimit),
        {
          showSymbol: false,
          lineStyle: { color: FLAG_COLOR, type: 'dashed', width: 1 },
          tooltip: { show: false },
        },
      ),
      // The trends in the theme's primary colour: readable on the dark background too.
      ...(
        [
          ['f0', 'f0 (daily median)', 3, 'f0MeanHz'],
          ['duration', 'expiration duration (daily median)', 4, 'durationS'],
          ['hnr', 'HNR (daily median)', 5, 'hnrDb'],
        ] as const
      ).map(([id, name, grid, key]) =>
        line(id, name, grid, trend(key), {
          showSymbol: true,
          lineStyle: { color: colors.primary, width: 2 },
          itemStyle: { color: colors.primary },
        }),
      ),
    ],
  }
}

/** The point-series part of the option, to swap in a zoomed range's cries without rebuilding the chart. */
export function pointSeriesOption(
  points: readonly Point[],
  preview?: TimelinePreview | null,
): { series: { id: PointSeriesId; data: CryDatum[] }[] } {
  const data = pointSeriesData(points, preview)
  return { series: POINT_SERIES.map((id) => ({ id, data: data[id] })) }
}

/** Tooltip text of a cry point. */
export function cryTooltip(d: CryDatum, p: Point | undefined): string {
  const parts = [`Cry ${d[2]} · ${fmtTime(d[0])}`, `score ${d[1].toFixed(3)}`]
  if (p) {
    parts.push(`gate: ${DECISION_LABELS[p.decision].toLowerCase()}`)
    if (p.flagged) parts.push('flagged')
    if (p.verdict) parts.push(`verdict: ${p.verdict.replace('_', ' ')}`)
  }
  parts.push('click to open')
  return parts.join('<br/>')
}
