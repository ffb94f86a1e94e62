// A tiny trend of an infant's recent anomaly scores (0–1) for the ward overview; a line at the flag level
// would need the lead's thresholds, so the chart shows the scores alone.
import { lazy, Suspense, useMemo } from 'react'
import { Box, Typography, useTheme } from '@mui/material'
import type { ChartOption } from './Chart'

// ECharts (half a megabyte) is fetched once the ward table has painted: the table first, the sparklines a
// moment later.
const afterPaint = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r)))
const Chart = lazy(() =>
  afterPaint()
    .then(() => import('./Chart'))
    .then((m) => ({ default: m.Chart })),
)

export function Sparkline({ scores, label }: { scores: { at: string; score: number }[]; label: string }) {
  const theme = useTheme()
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      grid: { left: 1, right: 1, top: 2, bottom: 2 },
      // By order, not time: cries come in bouts, and a time axis would squeeze a bout into one pixel.
      xAxis: { type: 'category', show: false, data: scores.map((s) => s.at) },
      yAxis: { type: 'value', min: 0, max: 1, show: false },
      series: [
        {
          type: 'line',
          data: scores.map((s) => s.score),
          showSymbol: false,
          lineStyle: { width: 1.5, color: theme.palette.primary.main },
          areaStyle: { opacity: 0.12, color: theme.palette.primary.main },
        },
      ],
    }),
    [scores, theme],
  )
  if (scores.length < 2)
    return (
      <Typography variant="body2" color="text.secondary">
        {scores.length ? `score ${scores[0]!.score.toFixed(2)}` : 'no scores yet'}
      </Typography>
    )
  const last = scores[scores.length - 1]!.score
  return (
    <Suspense fallback={<Box sx={{ width: 120, height: 32 }} />}>
      <Chart
        option={option}
        label={`${label}: last ${scores.length} scores, latest ${last.toFixed(2)}`}
        testId="sparkline"
        sx={{ width: 120, height: 32 }}
      />
    </Suspense>
  )
}
