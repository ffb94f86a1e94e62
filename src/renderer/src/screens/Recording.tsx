import { useCallback, useEffect, useRef, useState } from 'react'
import { Button, MenuItem, Paper, Stack, TextField, Typography } from '@mui/material'
import { api, transport } from '../api/client'
import { LoadState } from '../components/States'
import { Waveform, type WaveformHandle } from '../components/Waveform'
import { formatDuration, formatRate, formatTime } from '../format'
import { useLoad } from '../hooks'

const RATES = [0.5, 0.75, 1, 1.5, 2]

export function RecordingScreen({ id, go }: { id: number; go: (p: string) => void }) {
  const rec = useLoad(() => api.getRecording({ id }), [id], ['recordings'])
  const peaks = useLoad(() => api.getRecordingPeaks({ id, maxPeaks: 8000 }), [id])
  const wave = useRef<WaveformHandle>(null)
  const [time, setTime] = useState(0)
  const [playing, setPlaying] = useState(false)
  const [rate, setRate] = useState(1)

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return
      if (e.code === 'Space') {
        e.preventDefault()
        wave.current?.playPause()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  const onTime = useCallback((t: number) => setTime(t), [])
  const onPlaying = useCallback((p: boolean) => setPlaying(p), [])

  return (
    <Stack spacing={2}>
      <LoadState loading={rec.loading} error={rec.error}>
        {rec.data && (
          <Stack sx={{ alignItems: 'center' }} direction="row" spacing={2}>
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
      <Paper sx={{ p: 2 }}>
        <LoadState loading={peaks.loading} error={peaks.error}>
          {peaks.data && (
            <Waveform
              ref={wave}
              url={transport.mediaUrl(id)}
              peaks={peaks.data.peaks}
              durationS={peaks.data.durationS}
              onTime={onTime}
              onPlaying={onPlaying}
            />
          )}
        </LoadState>
        <Stack direction="row" spacing={2} sx={{ mt: 2, alignItems: 'center' }}>
          <Button
            variant="contained"
            onClick={() => wave.current?.playPause()}
            aria-label={playing ? 'pause' : 'play'}
            data-testid="play"
          >
            {playing ? 'Pause' : 'Play'} (space)
          </Button>
          <TextField
            select
            size="small"
            label="Speed"
            value={rate}
            onChange={(e) => {
              const r = Number(e.target.value)
              setRate(r)
              wave.current?.setRate(r)
            }}
          >
            {RATES.map((r) => (
              <MenuItem key={r} value={r}>
                {r}×
              </MenuItem>
            ))}
          </TextField>
          <Typography data-testid="playback-time">{time.toFixed(1)} s</Typography>
        </Stack>
      </Paper>
    </Stack>
  )
}
