// An infant's timeline with its data: the whole timeline downsampled on the server (LTTB, every flagged and
// reviewed cry kept), and after each zoom the visible range fetched again in as much detail, so a zoomed-in
// view shows every cry while the overview stays light. Used by the timeline screen and the thresholds preview.
import { useEffect, useState, type Ref } from 'react'
import { Alert, Stack, Typography } from '@mui/material'
import type { Timeline } from '../../../shared/contract'
import { api } from '../api/client'
import { baselineNeeds } from '../view-model/baseline-progress'
import { useLoad } from '../api/hooks'
import type { TimelinePreview } from '../view-model/timeline-option'
import { LoadState } from './States'
import { TimelineChart, type TimelineChartHandle } from './TimelineChart'

/** Cries drawn per request: about two per pixel of a wide chart. */
export const TIMELINE_MAX_POINTS = 4000

export function InfantTimeline({
  infantId,
  preview,
  keepCryIds,
  onOpenCry,
  onLoaded,
  onRange,
  chartRef,
  maxPoints: maxPointsAsked,
}: {
  infantId: number
  preview?: TimelinePreview | null
  /** Cries the downsampling must keep (the preview's gained and lost cries). */
  keepCryIds?: number[]
  onOpenCry: (cryId: number) => void
  onLoaded?: (t: Timeline) => void
  /** The zoomed range changed (ms), or nulls for the whole timeline. */
  onRange?: (start: number | null, end: number | null) => void
  chartRef?: Ref<TimelineChartHandle>
  /** Cries drawn per request (default TIMELINE_MAX_POINTS; the server caps it at 200 000). */
  maxPoints?: number
}) {
  const maxPoints = maxPointsAsked ?? TIMELINE_MAX_POINTS
  const keep = keepCryIds?.length ? keepCryIds.slice(0, 1000) : undefined
  const keepKey = keep?.join(',') ?? ''
  const refresh = ['cries', 'reviews', 'alerts', 'models', 'settings'] as const
  const overview = useLoad(
    () => api.getTimeline({ infantId, maxPoints, keepCryIds: keep }),
    [infantId, keepKey, maxPoints],
    [...refresh],
  )
  // The zoomed range belongs to the infant it was chosen on.
  const [zoomed, setRange] = useState<{ infantId: number; start: number; end: number } | null>(null)
  const range = zoomed?.infantId === infantId ? zoomed : null
  const detail = useLoad(
    () =>
      range
        ? api.getTimeline({
            infantId,
            from: new Date(range.start).toISOString(),
            to: new Date(range.end).toISOString(),
            maxPoints,
            keepCryIds: keep,
          })
        : Promise.resolve(null),
    [infantId, range?.start, range?.end, keepKey, maxPoints],
    [...refresh],
  )
  useEffect(() => {
    if (overview.data) onLoaded?.(overview.data)
  }, [overview.data, onLoaded])
  const t = overview.data
  // A detail answer belongs to the range it was asked for; a stale one (zoomed elsewhere since) is not drawn,
  // while a reload of the same range keeps showing the previous answer.
  const current =
    range &&
    detail.data &&
    detail.data.from === new Date(range.start).toISOString() &&
    detail.data.to === new Date(range.end).toISOString()
      ? detail.data
      : null
  const shown = current ?? t
  const needs = t ? baselineNeeds(t) : null
  return (
    <Stack spacing={1}>
      {needs && (
        <Alert severity="info" data-testid="baseline-needed">
          {needs}
        </Alert>
      )}
      <LoadState
        loading={overview.loading}
        error={overview.error ?? detail.error}
        empty={t ? t.totalPoints === 0 && t.blocks.length === 0 : undefined}
        emptyText={
          needs
            ? 'No scored cries yet.'
            : "No scored cries yet: cries are scored once the infant's baseline is complete."
        }
      >
        {t && (
          <Stack spacing={1}>
            <Typography
              variant="body2"
              color="text.secondary"
              data-testid="timeline-points"
              data-total={shown?.totalPoints ?? 0}
              data-drawn={shown?.points.length ?? 0}
              data-zoomed={range ? 'true' : 'false'}
              data-flagged={shown?.points.filter((p) => p.flagged).length ?? 0}
              data-reviewed={shown?.points.filter((p) => p.verdict !== null).length ?? 0}
              data-loading={detail.loading || overview.loading ? 'true' : 'false'}
            >
              {shown && shown.points.length < shown.totalPoints
                ? `${shown.points.length.toLocaleString()} of ${shown.totalPoints.toLocaleString()} cries ${range ? 'in this range ' : ''}drawn (downsampled; every flagged and reviewed cry is kept). Zoom in for every cry.`
                : `${(shown?.points.length ?? 0).toLocaleString()} cries${range ? ' in this range' : ''}, every one drawn.`}
            </Typography>
            <TimelineChart
              ref={chartRef}
              overview={t}
              detail={current}
              preview={preview}
              onOpenCry={onOpenCry}
              onRangeChange={(start, end) => {
                setRange(start === null || end === null ? null : { infantId, start, end })
                onRange?.(start, end)
              }}
            />
          </Stack>
        )}
      </LoadState>
    </Stack>
  )
}
