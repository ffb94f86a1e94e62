// The infant timeline chart: owns one ECharts instance (scatter in large/progressive mode for the cries, lines for
// blocks, days, control charts and trends), opens a cry on click, and reports the zoomed time range so the screen
// can fetch that range in more detail. A zoomed range's cries replace the point series in place (merge by series
// id), so the zoom window, legend choices and the rest of the chart stay as they are.
import { useEffect, useImperativeHandle, useMemo, useRef, type Ref } from 'react'
import { Box, useTheme } from '@mui/material'
import { LineChart, ScatterChart } from 'echarts/charts'
import {
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  AxisPointerComponent,
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import type { Timeline } from '../../../shared/contract'
import { formatTime } from '../view-model/format'
import {
  cryTooltip,
  POINT_SERIES,
  pointSeriesData,
  pointSeriesOption,
  TIMELINE_HEIGHT,
  timelineExtent,
  timelineOption,
  type CryDatum,
  type TimelinePreview,
} from '../view-model/timeline-option'

echarts.use([
  ScatterChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  AxisPointerComponent,
  MarkLineComponent,
  MarkPointComponent,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  CanvasRenderer,
])

export interface TimelineChartHandle {
  /** The chart as a PNG data URL (for the report). */
  dataUrl(pixelRatio?: number): string
  /** Zoom to a time range (ms), or back to the whole timeline with nulls. */
  zoomTo(start: number | null, end: number | null): void
}

type Point = Timeline['points'][number]

export function TimelineChart({
  ref,
  ...props
}: {
  overview: Timeline
  /** Cries of the zoomed range, in more detail than the overview's (null: draw the overview's). */
  detail: Timeline | null
  preview?: TimelinePreview | null
  onOpenCry: (cryId: number) => void
  /** The visible time range after a zoom settles (ms), or nulls for the whole timeline. */
  onRangeChange: (start: number | null, end: number | null) => void
  ref?: Ref<TimelineChartHandle>
}) {
  const el = useRef<HTMLDivElement>(null)
  const chart = useRef<echarts.ECharts | null>(null)
  const theme = useTheme()
  const colors = useMemo(
    () => ({
      text: theme.palette.text.primary,
      subtle: theme.palette.text.secondary,
      line: theme.palette.divider,
      background: theme.palette.background.paper,
      primary: theme.palette.primary.main,
      dark: theme.palette.mode === 'dark',
    }),
    [theme],
  )
  const points = (props.detail ?? props.overview).points
  // What is drawn now, by series, for clicks and tooltips (large mode hands back indices, not items).
  const drawn = useRef<Record<string, CryDatum[]>>({})
  const byId = useRef(new Map<number, Point>())
  const latest = useRef(props)
  useEffect(() => {
    latest.current = props
  })
  const extent = useMemo(() => timelineExtent(props.overview), [props.overview])
  const renders = useRef(0)

  useEffect(() => {
    const node = el.current
    if (!node) return
    const c = echarts.init(node, undefined, { renderer: 'canvas' })
    chart.current = c
    const ro = new ResizeObserver(() => c.resize())
    ro.observe(node)
    c.on('click', (params) => {
      const p = params as { seriesId?: string; dataIndex?: number }
      const d = p.seriesId ? drawn.current[p.seriesId]?.[p.dataIndex ?? -1] : undefined
      if (d) latest.current.onOpenCry(d[2])
    })
    let timer: ReturnType<typeof setTimeout> | undefined
    c.on('datazoom', () => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        const z = (c.getOption() as { dataZoom?: { startValue?: number; endValue?: number }[] }).dataZoom?.[0]
        const ext = timelineExtent(latest.current.overview)
        if (!z || z.startValue === undefined || z.endValue === undefined || !ext) return
        const whole = z.startValue <= ext[0] + 1 && z.endValue >= ext[1] - 1
        latest.current.onRangeChange(whole ? null : z.startValue, whole ? null : z.endValue)
      }, 250)
    })
    // For tests and the bench: each finished render is counted on the element, with where the newest cry in
    // view sits on screen (a flagged one if any), so a test can click a real point.
    c.on('finished', () => {
      renders.current++
      node.dataset.renders = String(renders.current)
      const probe = newestInView(c, drawn.current)
      node.dataset.probe = probe ? JSON.stringify(probe) : ''
    })
    return () => {
      clearTimeout(timer)
      ro.disconnect()
      c.dispose()
      chart.current = null
    }
  }, [])

  // The whole chart: when the infant's overview, the preview or the theme changes. The zoom window is kept.
  useEffect(() => {
    const c = chart.current
    if (!c) return
    const z = (c.getOption() as { dataZoom?: { startValue?: number; endValue?: number }[] } | undefined)
      ?.dataZoom?.[0]
    const zoom =
      z?.startValue !== undefined && z.endValue !== undefined
        ? { start: z.startValue, end: z.endValue }
        : null
    const { overview, preview, detail } = latest.current
    const shown = (detail ?? overview).points
    const option = timelineOption({ overview, points: shown, preview, colors, zoom })
    option.tooltip = {
      trigger: 'item',
      confine: true,
      formatter: (params: { seriesId?: string; dataIndex: number; seriesName: string; value: unknown }) => {
        const d = params.seriesId ? drawn.current[params.seriesId]?.[params.dataIndex] : undefined
        if (d) return cryTooltip(d, byId.current.get(d[2]))
        const v = params.value as [number, number | null] | undefined
        if (!Array.isArray(v) || v[1] === null || v[1] === undefined) return params.seriesName
        return `${params.seriesName}<br/>${formatTime(v[0])}<br/>${Number(v[1]).toFixed(3)}`
      },
    }
    c.setOption(option, { notMerge: true })
    drawn.current = pointSeriesData(shown, preview)
    byId.current = new Map(shown.map((p) => [p.cryId, p]))
  }, [props.overview, props.preview, colors])

  // The cries of a zoomed range, swapped into the point series.
  useEffect(() => {
    const c = chart.current
    if (!c) return
    const { preview } = latest.current
    c.setOption(pointSeriesOption(points, preview))
    drawn.current = pointSeriesData(points, preview)
    byId.current = new Map(points.map((p) => [p.cryId, p]))
    if (el.current) el.current.dataset.points = String(points.length)
  }, [points, props.preview])

  useImperativeHandle(
    ref,
    () => ({
      dataUrl: (pixelRatio = 2) =>
        chart.current?.getDataURL({ type: 'png', pixelRatio, backgroundColor: colors.background }) ?? '',
      zoomTo: (start, end) => {
        const c = chart.current
        if (!c || !extent) return
        c.dispatchAction({
          type: 'dataZoom',
          startValue: start ?? extent[0],
          endValue: end ?? extent[1],
        })
      },
    }),
    [colors.background, extent],
  )

  return (
    <Box
      ref={el}
      role="img"
      aria-label={`Timeline: ${props.overview.totalPoints} scored cries; click a point to open that cry`}
      data-testid="timeline-chart"
      data-series={POINT_SERIES.join(' ')}
      sx={{ width: '100%', height: TIMELINE_HEIGHT }}
    />
  )
}

/** The newest drawn cry inside the zoom window (flagged ones first) and its pixel position. */
function newestInView(
  c: echarts.ECharts,
  drawn: Record<string, CryDatum[]>,
): { cryId: number; x: number; y: number } | null {
  const z = (c.getOption() as { dataZoom?: { startValue?: number; endValue?: number }[] }).dataZoom?.[0]
  const lo = z?.startValue ?? -Infinity
  const hi = z?.endValue ?? Infinity
  for (const ids of [['flagged'], ['cries-baseline', 'cries-accepted', 'cries-rejected', 'cries-pending']]) {
    let best: { id: string; d: CryDatum } | null = null
    for (const id of ids)
      for (const d of drawn[id] ?? [])
        if (d[0] >= lo && d[0] <= hi && (!best || d[0] > best.d[0])) best = { id, d }
    if (best) {
      const [x, y] = c.convertToPixel({ seriesId: best.id }, [best.d[0], best.d[1]]) as number[]
      return { cryId: best.d[2], x: Math.round(x!), y: Math.round(y!) }
    }
  }
  return null
}
