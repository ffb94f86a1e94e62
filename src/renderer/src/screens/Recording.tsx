// One recording: waveform and spectrogram with its cries marked, playback, the list of its cries (open one to
// review it) and its segments as TextGrid/Audacity labels. Keys: Space play/pause, +/− zoom, 0 whole recording.
import { useCallback, useMemo, useRef, useState } from 'react'
import {
  Alert,
  Button,
  Chip,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TablePagination,
  TableRow,
  Typography,
} from '@mui/material'
import { CORRECTORS, EXPORTERS, type ExportFile, type User } from '../../../shared/contract'
import { api, transport } from '../api/client'
import { StageZeroCorrection } from '../components/StageZeroCorrection'
import { LoadState } from '../components/States'
import { verdictLabel } from '../components/VerdictPanel'
import { PlayButton, SpeedSelect, Waveform, ZoomButtons, type WaveformHandle } from '../components/Waveform'
import { downloadExport } from '../api/download'
import { formatDuration, formatRate, formatTime } from '../view-model/format'
import { useLoad, useShortcuts } from '../api/hooks'
import { SegmentButtons } from './Exports'

/** Rows of the cries table a page. */
const ROWS = 20

export function RecordingScreen({ id, user, go }: { id: number; user: User; go: (p: string) => void }) {
  const rec = useLoad(() => api.getRecording({ id }), [id], ['recordings'])
  const cries = useLoad(
    () => api.listCries({ recordingId: id, order: 'oldest', limit: 1000 }),
    [id],
    ['cries', 'reviews'],
  )
  // The cries table a page at a time (the waveform marks them all): the page stays about a screen long.
  const [page, setPage] = useState(0)
  const wave = useRef<WaveformHandle>(null)
  const [time, setTime] = useState(0)
  const [playing, setPlaying] = useState(false)
  const [busy, setBusy] = useState<string | null>(null)
  const [exportError, setExportError] = useState<string | null>(null)
  const onTime = useCallback((t: number) => setTime(t), [])
  const onPlaying = useCallback((p: boolean) => setPlaying(p), [])
  const marks = useMemo(
    () =>
      (cries.data?.cries ?? []).map((c) => ({
        id: c.id,
        startS: c.startS,
        endS: c.endS,
        flagged: c.flagged,
      })),
    [cries.data],
  )
  useShortcuts({
    Space: () => wave.current?.playPause(),
    '+': () => wave.current?.zoomBy(2),
    '=': () => wave.current?.zoomBy(2),
    '-': () => wave.current?.zoomBy(0.5),
    '0': () => wave.current?.showAll(),
  })
  const run = async (what: string, make: () => Promise<ExportFile>) => {
    setBusy(what)
    setExportError(null)
    try {
      downloadExport(await make())
    } catch (e) {
      setExportError((e as Error).message)
    } finally {
      setBusy(null)
    }
  }

  return (
    <Stack spacing={2}>
      <LoadState loading={rec.loading && !rec.data} error={rec.error}>
        {rec.data && (
          <Stack sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }} direction="row" spacing={2}>
            <Button onClick={() => go(`infant/${rec.data!.infantId}`)}>← Infant</Button>
            <Typography variant="h5" component="h2" sx={{ flex: 1 }}>
              {rec.data.fileName}
            </Typography>
            <Typography color="text.secondary">
              {formatTime(rec.data.recordedAt)} ({rec.data.timeSource}) · {formatDuration(rec.data.durationS)}{' '}
              · {formatRate(rec.data.nativeSampleRate)} · {rec.data.format}
            </Typography>
          </Stack>
        )}
      </LoadState>
      {rec.data && (
        <Paper sx={{ p: 2 }}>
          <Waveform
            ref={wave}
            recordingId={id}
            url={transport.mediaUrl(id)}
            durationS={rec.data.durationS}
            nativeSampleRate={rec.data.nativeSampleRate}
            highRateHz={rec.data.highRateHz}
            canExport={EXPORTERS.includes(user.role)}
            selectionActions={
              CORRECTORS.includes(user.role)
                ? (sel) => (
                    <StageZeroCorrection
                      selection={sel}
                      recordingId={id}
                      onDone={(done) => go(`cry/${done.cryId}`)}
                    />
                  )
                : undefined
            }
            cries={marks}
            onTime={onTime}
            onPlaying={onPlaying}
            onCryClick={(cryId) => go(`cry/${cryId}`)}
          />
          <Stack
            direction="row"
            spacing={1.5}
            sx={{ mt: 2, alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}
          >
            <PlayButton wave={wave} playing={playing} />
            <SpeedSelect wave={wave} />
            <ZoomButtons wave={wave} />
            <Typography data-testid="playback-time" sx={{ flex: 1, fontVariantNumeric: 'tabular-nums' }}>
              {time.toFixed(1)} s
            </Typography>
            {EXPORTERS.includes(user.role) && (
              <SegmentButtons recordingId={id} busy={busy} run={(w, m) => void run(w, m)} />
            )}
          </Stack>
          {exportError && (
            <Alert severity="error" sx={{ mt: 1 }}>
              {exportError}
            </Alert>
          )}
        </Paper>
      )}
      <Paper>
        <Typography variant="h6" component="h3" sx={{ px: 2, pt: 2 }}>
          Cries in this recording
        </Typography>
        <LoadState
          loading={cries.loading && !cries.data}
          error={cries.error}
          empty={cries.data?.cries.length === 0}
          emptyText="No cries were found in this recording."
        >
          <Table size="small" aria-label="cries">
            <TableHead>
              <TableRow>
                <TableCell>At</TableCell>
                <TableCell align="right">Offset</TableCell>
                <TableCell align="right">Duration</TableCell>
                <TableCell align="right">f0 mean</TableCell>
                <TableCell align="right">Score</TableCell>
                <TableCell>Gate</TableCell>
                <TableCell>Verdict</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {(cries.data?.cries ?? []).slice(page * ROWS, (page + 1) * ROWS).map((c) => (
                <TableRow
                  key={c.id}
                  hover
                  tabIndex={0}
                  sx={{ cursor: 'pointer' }}
                  onClick={() => go(`cry/${c.id}`)}
                  onKeyDown={(e) => e.key === 'Enter' && go(`cry/${c.id}`)}
                >
                  <TableCell>{formatTime(c.at, { seconds: true })}</TableCell>
                  <TableCell align="right">{c.startS.toFixed(1)} s</TableCell>
                  <TableCell align="right">{(c.endS - c.startS).toFixed(2)} s</TableCell>
                  <TableCell align="right">
                    {c.measures.f0MeanHz !== null ? `${c.measures.f0MeanHz.toFixed(0)} Hz` : '—'}
                  </TableCell>
                  <TableCell align="right">
                    {c.score === null ? '—' : c.score.toFixed(2)}
                    {c.flagged && <Chip size="small" color="error" label="flagged" sx={{ ml: 1 }} />}
                  </TableCell>
                  <TableCell>{c.decision}</TableCell>
                  <TableCell>{c.verdict ? verdictLabel(c.verdict) : '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {(cries.data?.cries.length ?? 0) > ROWS && (
            <TablePagination
              component="div"
              count={cries.data!.cries.length}
              page={Math.min(page, Math.ceil(cries.data!.cries.length / ROWS) - 1)}
              onPageChange={(_e, p) => setPage(p)}
              rowsPerPage={ROWS}
              rowsPerPageOptions={[ROWS]}
              labelDisplayedRows={({ from, to, count }) => `cries ${from}–${to} of ${count}`}
            />
          )}
          {cries.data && cries.data.total > cries.data.cries.length && (
            <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
              Showing the first {cries.data.cries.length} of {cries.data.total} cries.
            </Typography>
          )}
        </LoadState>
      </Paper>
    </Stack>
  )
}
