// ECharts in React: one small component that owns a chart instance (tree-shaken to the pieces ICLAS draws),
// resizes it with its box and applies option updates. Used by the sparklines, the f0 contour and the ROC curves.
import { useEffect, useRef } from 'react'
import { Box, type SxProps, type Theme } from '@mui/material'
import { LineChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  MarkAreaComponent,
  MarkLineComponent,
  CanvasRenderer,
])

export type ChartOption = echarts.EChartsCoreOption

export function Chart(props: { option: ChartOption; sx?: SxProps<Theme>; label: string; testId?: string }) {
  const el = useRef<HTMLDivElement>(null)
  const chart = useRef<echarts.ECharts | null>(null)
  useEffect(() => {
    if (!el.current) return
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' })
    chart.current = c
    const ro = new ResizeObserver(() => c.resize())
    ro.observe(el.current)
    return () => {
      ro.disconnect()
      c.dispose()
      chart.current = null
    }
  }, [])
  useEffect(() => {
    chart.current?.setOption(props.option, { notMerge: true })
  }, [props.option])
  return <Box ref={el} role="img" aria-label={props.label} data-testid={props.testId} sx={props.sx} />
}
