// One cry under review: its recording's waveform and spectrogram zoomed to the cry (the recording's other cries
// marked), playback with speed control, its measures against the infant's baseline, its f0 contour, and the
// verdict. Keys: Space play/pause, P play the cry, J/K previous/next cry, 1/2/3 verdicts, Z zoom to the cry,
// +/− zoom, 0 whole recording.
import { useCallback, useMemo, useRef, useState } from 'react'
import { Box, Button, Chip, Paper, Stack, Tooltip, Typography, useTheme } from '@mui/material'
import type { CryDetail, Verdict } from '../../../shared/contract'
import { api, transport } from '../api/client'
import { downloadExport } from '../api/download'
import { formatDuration, formatMeasure, formatTime } from '../view-model/format'
import { useLoad, useShortcuts } from '../api/hooks'
import { Chart, type ChartOption } from './Chart'
import { MeasuresTable } from './MeasuresTable'
import { LoadState } from './States'
import { VERDICTS, VerdictPanel } from './VerdictPanel'
import { StageZeroCorrection } from './StageZeroCorrection'
import { PlayButton, SpeedSelect, Waveform, ZoomButtons, type WaveformHandle } from './Waveform'

export function CryView(props: {
  cryId: number
  canJudge: boolean
  /** May take audio off the workstation (exporters): the cry and selections as WAV files. */
  canExport?: boolean
  /** May correct stage 0 (clinicians, researchers, admins): the cry's boundaries, a cry it missed. */
  canCorrect?: boolean
  /** "3 of 12" in the list the reviewer walks through. */
  position?: string
  onPrev?: () => void
  onNext?: () => void
  onJudged?: (verdict: Verdict) => void
  go: (path: string) => void
}) {
  const { cryId } = props
  const cry = useLoad(() => api.getCry({ id: cryId }), [cryId], ['reviews', 'cries'])
  const c = cry.data
  const infantId = c?.infantId
  const recordingId = c?.recordingId
  const baseline = useLoad(
    () => (infantId ? api.baselineRanges({ infantId }) : Promise.resolve(undefined)),
    [infantId],
    ['cries', 'reviews'],
  )
  const marks = useLoad(
    () =>
      recordingId ? api.listCries({ recordingId, order: 'oldest', limit: 1000 }) : Promise.resolve(undefined),
    [recordingId],
    ['cries'],
  )
  const wave = useRef<WaveformHandle>(null)
  const [playing, setPlaying] = useState(false)
  const [time, setTime] = useState(0)
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const focus = useMemo(() => {
    if (!c) return null
    const context = Math.max(1, (c.endS - c.startS) * 0.5)
    return {
      startS: Math.max(0, c.startS - context),
      endS: Math.min(c.recording.durationS, c.endS + context),
    }
  }, [c])
  const cryMarks = useMemo(
    () =>
      (marks.data?.cries ?? []).map((m) => ({
        id: m.id,
        startS: m.startS,
        endS: m.endS,
        flagged: m.flagged,
      })),
    [marks.data],
  )

  const record = useCallback(
    async (verdict: Verdict) => {
      if (!props.canJudge || busy) return
      setBusy(true)
      setError(null)
      try {
        await api.recordVerdict({ cryId, verdict, ...(note.trim() ? { note: note.trim() } : {}) })
        setNote('')
        props.onJudged?.(verdict)
      } catch (e) {
        setError((e as Error).message)
      } finally {
        setBusy(false)
      }
    },
    [props, busy, cryId, note],
  )

  useShortcuts({
    Space: () => wave.current?.playPause(),
    p: () => c && wave.current?.playRange(c.startS, c.endS),
    j: props.onPrev,
    k: props.onNext,
    z: () => focus && wave.current?.zoomTo(focus.startS, focus.endS),
    '+': () => wave.current?.zoomBy(2),
    '=': () => wave.current?.zoomBy(2),
    '-': () => wave.current?.zoomBy(0.5),
    '0': () => wave.current?.showAll(),
    ...Object.fromEntries(
      VERDICTS.map((v) => [v.key, props.canJudge ? () => void record(v.verdict) : undefined]),
    ),
  })

  const onTime = useCallback((t: number) => setTime(t), [])
  const onPlaying = useCallback((p: boolean) => setPlaying(p), [])

  return (
    <LoadState loading={cry.loading && !c} error={cry.error}>
      {c && (
        <Stack
          spacing={2}
          data-testid="cry-view"
          data-cry-id={c.id}
          data-start-s={c.startS}
          data-end-s={c.endS}
        >
          <Paper sx={{ p: 2 }}>
            <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
              <Typography variant="h5" component="h2" sx={{ flex: 1, minWidth: 240 }}>
                {c.infantBed ? `Bed ${c.infantBed} · ` : ''}
                {c.infantLabel} — cry at {formatTime(c.at, { seconds: true })}
              </Typography>
              <Button variant="outlined" onClick={() => props.go(`timeline/${c.infantId}`)}>
                {c.infantLabel}'s timeline
              </Button>
              {props.position && <Typography color="text.secondary">{props.position}</Typography>}
              <Button onClick={props.onPrev} disabled={!props.onPrev} aria-keyshortcuts="j">
                ← Previous (J)
              </Button>
              <Button onClick={props.onNext} disabled={!props.onNext} aria-keyshortcuts="k">
                Next (K) →
              </Button>
            </Stack>
            <CryFacts cry={c} go={props.go} />
          </Paper>
          <Paper sx={{ p: 2 }}>
            <Waveform
              ref={wave}
              recordingId={c.recordingId}
              url={transport.mediaUrl(c.recordingId)}
              durationS={c.recording.durationS}
              nativeSampleRate={c.recording.nativeSampleRate}
              highRateHz={c.recording.highRateHz}
              canExport={props.canExport}
              selectionActions={
                props.canCorrect
                  ? (sel) => (
                      <StageZeroCorrection
                        selection={sel}
                        recordingId={c.recordingId}
                        cryId={c.id}
                        onDone={(done, what) => {
                          wave.current?.clearSelection()
                          if (what === 'marked') props.go(`cry/${done.cryId}`)
                        }}
                      />
                    )
                  : undefined
              }
              cries={cryMarks}
              selectedCryId={c.id}
              focus={focus}
              onTime={onTime}
              onPlaying={onPlaying}
              onCryClick={(id) => id !== c.id && props.go(`cry/${id}`)}
            />
            <Stack
              direction="row"
              spacing={1.5}
              sx={{ mt: 1.5, alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}
            >
              <PlayButton wave={wave} playing={playing} />
              <Button
                variant="outlined"
                onClick={() => wave.current?.playRange(c.startS, c.endS)}
                aria-keyshortcuts="p"
              >
                Play cry (P)
              </Button>
              <SpeedSelect wave={wave} />
              <Button
                onClick={() => focus && wave.current?.zoomTo(focus.startS, focus.endS)}
                aria-keyshortcuts="z"
              >
                Zoom to cry (Z)
              </Button>
              <ZoomButtons wave={wave} />
              {props.canExport && <CryWavButton cryId={c.id} />}
              {props.canCorrect && (
                <Tooltip
                  describeChild
                  title="Select the cry as it stands: drag the selection's edges, then set them as its boundaries"
                >
                  <Button onClick={() => wave.current?.setSelection(c.startS, c.endS)}>
                    Correct boundaries
                  </Button>
                </Tooltip>
              )}
              <Typography data-testid="playback-time" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                {time.toFixed(1)} s
              </Typography>
            </Stack>
          </Paper>
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '3fr 2fr' }, gap: 2 }}>
            <Paper>
              <Typography variant="h6" component="h3" sx={{ px: 2, pt: 2 }}>
                Acoustic measures
              </Typography>
              <MeasuresTable measures={c.measures} baseline={baseline.data} />
            </Paper>
            <Stack spacing={2}>
              <Paper sx={{ p: 2 }}>
                <VerdictPanel
                  canJudge={props.canJudge}
                  reviews={c.reviews}
                  busy={busy}
                  error={error}
                  note={note}
                  onNote={setNote}
                  onVerdict={(v) => void record(v)}
                />
              </Paper>
              <Paper sx={{ p: 2 }}>
                <F0Contour cry={c} baseline={baseline.data?.ranges.find((r) => r.measure === 'f0MeanHz')} />
              </Paper>
            </Stack>
          </Box>
        </Stack>
      )}
    </LoadState>
  )
}

/** The cry's own samples as a WAV file (audited by the core). */
function CryWavButton({ cryId }: { cryId: number }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  return (
    <Tooltip
      describeChild
      title={error ?? 'The 16 kHz samples stage 0 measured, from the cry’s start to its end'}
    >
      <Button
        onClick={async () => {
          setBusy(true)
          setError(null)
          try {
            downloadExport(await api.exportCryAudio({ cryId }))
          } catch (e) {
            setError((e as Error).message)
          } finally {
            setBusy(false)
          }
        }}
        disabled={busy}
        color={error ? 'error' : 'primary'}
      >
        Export cry as WAV
      </Button>
    </Tooltip>
  )
}

/** The cry's duration as the measures table writes it (same value, same digits), so the two agree. */
export function cryDuration(c: Pick<CryDetail, 'startS' | 'endS' | 'measures'>): string {
  const s = c.measures.durationS ?? c.endS - c.startS
  return s < 60 ? formatMeasure(s, 's', 2) : formatDuration(s)
}

/** The top of the f0 axis: the contour and the baseline band both fit, rounded up to 50 Hz. */
export function f0AxisTop(hz: readonly number[], band?: { p95: number | null }): number {
  const voiced = hz.reduce((m, f) => (f > 0 ? Math.max(m, f) : m), 0)
  const top = Math.max(voiced, band?.p95 ?? 0)
  return Math.max(100, Math.ceil((top * 1.05) / 50) * 50)
}

function CryFacts({ cry: c, go }: { cry: CryDetail; go: (p: string) => void }) {
  return (
    <Stack direction="row" spacing={1} sx={{ mt: 1.5, flexWrap: 'wrap', rowGap: 1, alignItems: 'center' }}>
      <Chip
        color={c.flagged ? 'error' : 'default'}
        label={
          c.score === null ? 'not scored yet' : `score ${c.score.toFixed(2)}${c.flagged ? ' · flagged' : ''}`
        }
      />
      <Tooltip title={c.decisionReason ?? 'What the gate decided for this cry'}>
        <Chip variant="outlined" label={`gate: ${c.decision}`} />
      </Tooltip>
      {c.cryConfidence !== null && (
        <Chip variant="outlined" label={`cry confidence ${(c.cryConfidence * 100).toFixed(0)} %`} />
      )}
      {c.mayNotBeCry && (
        <Tooltip title="The cry classifier doubts this sound is a cry. It is still scored and flagged; mark it “not a cry” if it is not.">
          <Chip variant="outlined" color="warning" label="may not be a cry" />
        </Tooltip>
      )}
      {c.inBaseline && <Chip variant="outlined" color="primary" label="in baseline" />}
      {c.clipped && <Chip variant="outlined" color="warning" label="clipped" />}
      <Typography color="text.secondary" sx={{ pl: 1 }} data-testid="cry-duration">
        {cryDuration(c)} at {c.startS.toFixed(1)} s of
      </Typography>
      <Button size="small" sx={{ textTransform: 'none' }} onClick={() => go(`recording/${c.recordingId}`)}>
        {c.recording.fileName}
      </Button>
      {c.whatMoved.length > 0 && (
        <Box sx={{ flexBasis: '100%' }} role="note" aria-label="what moved">
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            What moved against this infant’s baseline
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {c.whatMoved.map((m) => (
              <Typography component="li" variant="body2" key={m.measure}>
                {m.text}
              </Typography>
            ))}
          </Box>
        </Box>
      )}
    </Stack>
  )
}

function F0Contour({
  cry,
  baseline,
}: {
  cry: CryDetail
  baseline?: { p5: number | null; p95: number | null }
}) {
  const theme = useTheme()
  const option = useMemo<{ chart: ChartOption; yAxisTop: number } | null>(() => {
    if (!cry.f0) return null
    const { hopS, hz } = cry.f0
    const top = f0AxisTop(hz, baseline)
    const band =
      baseline?.p5 != null && baseline?.p95 != null
        ? {
            silent: true,
            itemStyle: { color: theme.palette.primary.main, opacity: 0.12 },
            data: [[{ yAxis: baseline.p5 }, { yAxis: baseline.p95 }]],
          }
        : undefined
    const chart: ChartOption = {
      animation: false,
      grid: { left: 48, right: 16, top: 28, bottom: 28 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(0)} Hz` : '—'),
      },
      xAxis: {
        type: 'value',
        name: 's',
        nameLocation: 'end',
        min: 0,
        max: hz.length * hopS,
        // The cry's end and the axis top are rarely on a tick: their labels would crowd the last tick's
        // ("0.7 0.75", "650" over "600").
        axisLabel: { color: theme.palette.text.secondary, showMaxLabel: false },
      },
      yAxis: {
        type: 'value',
        name: 'Hz',
        min: 0,
        max: top,
        axisLabel: { color: theme.palette.text.secondary, showMaxLabel: false },
        splitLine: { lineStyle: { color: theme.palette.divider } },
      },
      series: [
        {
          type: 'line',
          showSymbol: false,
          connectNulls: false,
          data: hz.map((f, i) => [i * hopS, f > 0 ? f : null]),
          lineStyle: { color: theme.palette.secondary.main, width: 2 },
          markArea: band,
        },
      ],
    }
    return { chart, yAxisTop: top }
  }, [cry.f0, baseline, theme])
  return (
    <Stack spacing={1}>
      <Typography variant="h6" component="h3">
        f0 contour
      </Typography>
      {option ? (
        <Box data-testid="f0-contour" data-axis-top={option.yAxisTop} data-band-top={baseline?.p95 ?? ''}>
          <Chart option={option.chart} label="f0 contour of the cry" sx={{ height: 180 }} />
        </Box>
      ) : (
        <Typography color="text.secondary">No f0 contour was measured for this cry.</Typography>
      )}
      {option && baseline?.p5 != null && (
        <Typography variant="caption" color="text.secondary">
          Shaded: the infant's baseline range of mean f0 (5–95 %).
        </Typography>
      )}
    </Stack>
  )
}
