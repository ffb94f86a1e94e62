// An infant's timeline: every scored cry against time (gate decision, flags, verdicts), hourly and daily means,
// the EWMA and CUSUM charts with their limits, alerts (acknowledged and resolved by clinicians here), and the
// daily f0, expiration-duration and HNR trends. Clicking a cry opens it; zooming fetches that range in detail.
// For the ward round the timeline is saved as a PNG or printed (or saved as PDF) with a print stylesheet; both
// are audited exports.
import { useCallback, useRef, useState } from 'react'
import { Alert, Box, Button, Chip, GlobalStyles, Paper, Stack, Typography, useTheme } from '@mui/material'
import { EXPORTERS, type Timeline, type User } from '../../../shared/contract'
import { api } from '../api/client'
import { baselineChip } from '../view-model/baseline-progress'
import { AlertsPanel } from '../components/AlertsPanel'
import { DateRange } from '../components/Filters'
import { InfantAge } from '../components/InfantName'
import { InfantTimeline } from '../components/InfantTimeline'
import { LoadState } from '../components/States'
import type { TimelineChartHandle } from '../components/TimelineChart'
import { formatTime, fromLocalInput } from '../view-model/format'
import { useLoad, useRoute } from '../api/hooks'
import { decisionColors, FLAG_COLOR, REVIEW_COLOR } from '../view-model/timeline-option'

/** Print: only the report (header, chart picture, alerts), nothing of the app around it. */
const PRINT_STYLES = {
  '.iclas-print-only': { display: 'none' },
  '@media print': {
    '.iclas-no-print, header.MuiAppBar-root': { display: 'none !important' },
    '.iclas-print-only': { display: 'block !important' },
    'main.MuiBox-root': { padding: '0 !important' },
    body: { background: '#fff' },
    '@page': { size: 'A4 landscape', margin: '12mm' },
  },
}

export function phaseText(t: Timeline): string {
  if (t.phase === 'no-cries') return 'no cries yet'
  if (t.phase === 'baseline') return `collecting its baseline: ${baselineChip(t) ?? ''}`
  const m = t.activeModel
  return m ? `tracked against model v${m.version} (${m.kind.toUpperCase()}, ${m.cryCount} cries)` : 'tracked'
}

function downloadDataUrl(url: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export function TimelineScreen({ id, user, go }: { id: number; user: User; go: (p: string) => void }) {
  const infant = useLoad(() => api.getInfant({ id }), [id], ['infants'])
  // ?points=all draws every cry (no downsampling; the bench uses it to measure the chart's large mode).
  const [, , query] = useRoute()
  const everyCry = query.get('points') === 'all'
  const [loaded, setTimeline] = useState<Timeline | null>(null)
  const timeline = loaded?.infantId === id ? loaded : null
  const chart = useRef<TimelineChartHandle>(null)
  const [dates, setDates] = useState({ from: '', to: '' })
  const [range, setRange] = useState<{ start: number; end: number } | null>(null)
  const [report, setReport] = useState<{ image: string; by: string; at: string } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const canExport = EXPORTERS.includes(user.role)
  const onLoaded = useCallback((t: Timeline) => setTimeline(t), [])

  const showDates = () => {
    const from = fromLocalInput(dates.from)
    const to = fromLocalInput(dates.to, true)
    chart.current?.zoomTo(from ? Date.parse(from) : null, to ? Date.parse(to) : null)
  }
  const exportReport = async (format: 'png' | 'pdf') => {
    setBusy(true)
    setError(null)
    try {
      const done = await api.exportTimelineReport({
        infantId: id,
        format,
        ...(range
          ? { from: new Date(range.start).toISOString(), to: new Date(range.end).toISOString() }
          : {}),
      })
      const image = chart.current?.dataUrl(2) ?? ''
      if (format === 'png') downloadDataUrl(image, done.fileName)
      else setReport({ image, by: done.exportedBy, at: done.exportedAt })
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  // The browser's print dialog (print or save as PDF) once the report's picture is on the page.
  const printWhenReady = () => {
    const done = () => setReport(null)
    window.addEventListener('afterprint', done, { once: true })
    window.print()
  }

  const label = infant.data ? `${infant.data.label}${infant.data.bed ? ` · bed ${infant.data.bed}` : ''}` : ''
  return (
    <Stack spacing={2}>
      <GlobalStyles styles={PRINT_STYLES} />
      <LoadState loading={infant.loading} error={infant.error}>
        <Stack
          className="iclas-no-print"
          direction="row"
          spacing={2}
          sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}
        >
          <Box sx={{ flex: 1 }}>
            <Typography variant="h5" component="h2">
              Timeline — {label}
            </Typography>
            <InfantAge infant={infant.data} />
          </Box>
          {timeline && <Chip label={phaseText(timeline)} data-testid="timeline-phase" />}
          <Button onClick={() => go(`infant/${id}`)}>Recordings</Button>
          <Button onClick={() => go(`review?infant=${id}`)}>Review flagged cries</Button>
          {canExport && (
            <>
              <Button
                variant="outlined"
                disabled={busy || !timeline}
                onClick={() => void exportReport('png')}
              >
                Save PNG
              </Button>
              <Button
                variant="contained"
                disabled={busy || !timeline}
                onClick={() => void exportReport('pdf')}
              >
                Print report
              </Button>
            </>
          )}
        </Stack>
      </LoadState>
      {error && <Alert severity="error">{error}</Alert>}
      <Stack
        className="iclas-no-print"
        direction="row"
        spacing={2}
        sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}
      >
        <DateRange from={dates.from} to={dates.to} onChange={setDates} />
        <Button variant="outlined" onClick={showDates} disabled={!dates.from && !dates.to}>
          Show these days
        </Button>
        <Button
          onClick={() => {
            setDates({ from: '', to: '' })
            chart.current?.zoomTo(null, null)
          }}
          disabled={!range}
        >
          Whole timeline
        </Button>
        <Typography variant="body2" color="text.secondary" data-testid="timeline-range">
          {range
            ? `${formatTime(new Date(range.start).toISOString())} – ${formatTime(new Date(range.end).toISOString())}`
            : 'whole timeline'}
        </Typography>
      </Stack>
      <Paper className="iclas-no-print" sx={{ p: 2 }}>
        <InfantTimeline
          infantId={id}
          chartRef={chart}
          maxPoints={everyCry ? 200_000 : undefined}
          onOpenCry={(cryId) => go(`cry/${cryId}`)}
          onLoaded={onLoaded}
          onRange={(start, end) => setRange(start === null || end === null ? null : { start, end })}
        />
        <Legend />
      </Paper>
      {report && (
        <Box className="iclas-print-only" data-testid="timeline-report">
          <Typography variant="h5" component="h2">
            ICLAS timeline report — {label}
          </Typography>
          <InfantAge infant={infant.data} />
          <Typography variant="body2">
            {range
              ? `${formatTime(new Date(range.start).toISOString())} – ${formatTime(new Date(range.end).toISOString())}`
              : 'Whole timeline'}
            {timeline ? ` · ${timeline.totalPoints} scored cries · ${phaseText(timeline)}` : ''}
          </Typography>
          <img
            src={report.image}
            alt={`Timeline of ${label}`}
            style={{ width: '100%', marginTop: 8 }}
            onLoad={printWhenReady}
          />
          <Typography variant="caption" sx={{ display: 'block' }}>
            Printed by {report.by}, {formatTime(report.at)}. Scores are this infant's own: the percentile of
            its baseline.
          </Typography>
        </Box>
      )}
      <Paper sx={{ p: 2 }} component="section" aria-label="Drift alerts">
        <Typography variant="h6" component="h3" sx={{ mb: 1 }}>
          Drift alerts
        </Typography>
        {timeline ? (
          <AlertsPanel alerts={timeline.alerts} user={user} onOpenCry={(cryId) => go(`cry/${cryId}`)} />
        ) : (
          <Typography color="text.secondary">Loading…</Typography>
        )}
      </Paper>
      <FlaggedCries infantId={id} go={go} />
    </Stack>
  )
}

/** The infant's most recent flagged cries with what moved against its baseline (printed with the report). */
function FlaggedCries({ infantId, go }: { infantId: number; go: (p: string) => void }) {
  const flagged = useLoad(
    () => api.listCries({ infantId, flaggedOnly: true, order: 'newest', offset: 0, limit: 10 }),
    [infantId],
    ['cries', 'reviews'],
  )
  return (
    <Paper sx={{ p: 2 }} component="section" aria-label="Flagged cries">
      <Typography variant="h6" component="h3" sx={{ mb: 1 }}>
        Flagged cries: what moved
      </Typography>
      <LoadState
        loading={flagged.loading}
        error={flagged.error}
        empty={!flagged.data?.cries.length}
        emptyText="No flagged cries."
      >
        <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
          {flagged.data?.cries.map((c) => (
            <Typography component="li" variant="body2" key={c.id} sx={{ mb: 0.5 }}>
              <Button
                size="small"
                sx={{ textTransform: 'none', p: 0, minWidth: 0, verticalAlign: 'baseline' }}
                onClick={() => go(`cry/${c.id}`)}
              >
                {formatTime(c.at, { seconds: true })}
              </Button>{' '}
              score {c.score?.toFixed(2) ?? '—'}
              {c.verdict ? ` · judged ${c.verdict.replace('_', ' ')}` : ''}
              {c.mayNotBeCry ? ' · may not be a cry' : ''}
              {': '}
              {c.whatMoved.length
                ? c.whatMoved.map((m) => m.text).join('; ')
                : 'no single measure moved by two baseline SDs'}
            </Typography>
          ))}
        </Box>
      </LoadState>
    </Paper>
  )
}

function Legend() {
  const DECISION_COLORS = decisionColors(useTheme().palette.mode === 'dark')
  const dot = (color: string, hollow = false) => (
    <Box
      component="span"
      sx={{
        display: 'inline-block',
        width: 10,
        height: 10,
        borderRadius: '50%',
        mr: 0.5,
        verticalAlign: 'middle',
        ...(hollow ? { border: `2px solid ${color}` } : { bgcolor: color }),
      }}
    />
  )
  return (
    <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
      {dot(DECISION_COLORS.baseline)} baseline cry {dot(DECISION_COLORS.accepted)} accepted into the baseline
      by the gate {dot(DECISION_COLORS.rejected)} rejected by the gate {dot(FLAG_COLOR, true)} flagged (score
      at or above the flag threshold) {dot(REVIEW_COLOR)} has a clinician&apos;s verdict. A vertical line is a
      drift alert (red: new, orange dashed: acknowledged, grey dotted: resolved), pinned on the chart beneath
      that raised it. Beneath: the EWMA of hourly scores against its control limit, the CUSUM against its
      decision interval, and the daily medians of f0, expiration duration and HNR. Scroll or drag the slider
      to zoom; click a cry to open it.
    </Typography>
  )
}
