// A recording's waveform (wavesurfer.js, MediaElement backend streaming from the core) with its cries marked
// as regions and, beneath it in the same scrolling strip, the spectrogram tiles the core computes. Drawn from
// peaks precomputed at import — a coarse set for the whole recording, finer peaks fetched for the range in
// view when zoomed in — so the page never decodes an hour-long file.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type RefObject } from 'react'
import { Box, Button, MenuItem, Stack, TextField, Typography, alpha, useTheme } from '@mui/material'
import WaveSurfer from 'wavesurfer.js'
import RegionsPlugin from 'wavesurfer.js/plugins/regions'
import { api } from '../api/client'
import { PeakDetail, STORED_PER_SECOND } from '../peak-detail'
import { SpectrogramLayer, type SpectrogramState } from './spectrogram-layer'

export interface CryMark {
  id: number
  startS: number
  endS: number
  flagged: boolean
}

export interface WaveformHandle {
  playPause(): void
  pause(): void
  /** Play [startS, endS) and stop there. */
  playRange(startS: number, endS: number): void
  setRate(rate: number): void
  seekTo(seconds: number): void
  /** Zoom so that [startS, endS] fills the view. */
  zoomTo(startS: number, endS: number): void
  /** Zoom in (factor > 1) or out around the middle of the view. */
  zoomBy(factor: number): void
  showAll(): void
}

const OVERVIEW_PEAKS = 4000
const MAX_PX_PER_SEC = 2000
const SPECTROGRAM_HEIGHT = 160

export const Waveform = forwardRef<
  WaveformHandle,
  {
    recordingId: number
    url: string
    durationS: number
    cries?: CryMark[]
    selectedCryId?: number | null
    /** Range to zoom to once drawn (e.g. the cry under review, with some context). */
    focus?: { startS: number; endS: number } | null
    spectrogram?: boolean
    onTime?: (t: number) => void
    onPlaying?: (p: boolean) => void
    onCryClick?: (id: number) => void
  }
>(function Waveform(props, ref) {
  const box = useRef<HTMLDivElement>(null)
  const ws = useRef<WaveSurfer | null>(null)
  const regions = useRef<ReturnType<typeof RegionsPlugin.create> | null>(null)
  const theme = useTheme()
  const [drawn, setDrawn] = useState(false)
  const [ready, setReady] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [spectrogram, setSpectrogram] = useState<SpectrogramState>({ drawn: 0, pending: 0, error: null })
  const { recordingId, url, durationS, spectrogram: withSpectrogram = true } = props
  // Latest callbacks and focus without re-creating wavesurfer when they change.
  const latest = useRef(props)
  useEffect(() => {
    latest.current = props
  })
  const mode = theme.palette.mode

  useEffect(() => {
    const container = box.current
    if (!container) return
    let disposed = false
    let layer: SpectrogramLayer | null = null
    let w: WaveSurfer | null = null
    let refineTimer: ReturnType<typeof setTimeout> | undefined
    setDrawn(false)
    setReady(false)
    setError(null)
    const detail = new PeakDetail(durationS)

    const refine = () => {
      clearTimeout(refineTimer)
      refineTimer = setTimeout(async () => {
        if (!w || disposed) return
        const total = w.getWrapper().getBoundingClientRect().width
        const pxPerSec = total / durationS
        // Detail is worth fetching only when the view shows more than the overview holds.
        if (pxPerSec <= OVERVIEW_PEAKS / durationS) return
        const startS = Math.max(0, w.getScroll() / pxPerSec - 5)
        const endS = Math.min(durationS, (w.getScroll() + w.getWidth()) / pxPerSec + 5)
        if (detail.hasDetail(startS, endS)) return
        const from = Math.floor(startS * STORED_PER_SECOND) / STORED_PER_SECOND
        const maxPeaks = Math.min(200_000, Math.max(16, Math.ceil((endS - from) * detail.perSecond)))
        try {
          const p = await api.getRecordingPeaks({ id: recordingId, startS: from, endS, maxPeaks })
          if (disposed || !w) return
          detail.fill(from, p.samplesPerPeak / p.sampleRate, p.peaks)
          w.setOptions({ peaks: [detail.values], duration: durationS })
        } catch {
          /* keep the coarse waveform */
        }
      }, 200)
    }

    void (async () => {
      try {
        const overview = await api.getRecordingPeaks({ id: recordingId, maxPeaks: OVERVIEW_PEAKS })
        if (disposed) return
        detail.fill(0, overview.samplesPerPeak / overview.sampleRate, overview.peaks)
        const regionsPlugin = RegionsPlugin.create()
        w = WaveSurfer.create({
          container,
          url,
          peaks: [detail.values],
          duration: durationS,
          height: 120,
          waveColor: theme.palette.primary.main,
          progressColor: theme.palette.secondary.main,
          cursorColor: theme.palette.text.primary,
          cursorWidth: 2,
          normalize: true,
          backend: 'MediaElement',
          autoScroll: true,
          autoCenter: true,
          plugins: [regionsPlugin],
        })
        ws.current = w
        regions.current = regionsPlugin
        w.on('decode', () => {
          setDrawn(true)
          drawRegions()
          const f = latest.current.focus
          if (f) zoomTo(f.startS, f.endS)
        })
        w.on('ready', () => setReady(true))
        w.on('error', (e) => setError(e.message))
        w.on('timeupdate', (t) => latest.current.onTime?.(t))
        w.on('play', () => latest.current.onPlaying?.(true))
        w.on('pause', () => latest.current.onPlaying?.(false))
        w.on('zoom', refine)
        w.on('scroll', refine)
        regionsPlugin.on('region-clicked', (region, e) => {
          e.stopPropagation()
          latest.current.onCryClick?.(Number(region.id))
        })
        if (withSpectrogram) {
          layer = new SpectrogramLayer(w, {
            durationS,
            height: SPECTROGRAM_HEIGHT,
            fetchTile: (t) => api.getSpectrogramTile({ recordingId, ...t }),
            onState: (s) => !disposed && setSpectrogram(s),
          })
        }
      } catch (e) {
        if (!disposed) setError((e as Error).message)
      }
    })()
    return () => {
      disposed = true
      clearTimeout(refineTimer)
      layer?.destroy()
      w?.destroy()
      ws.current = null
      regions.current = null
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- colours follow the theme mode only
  }, [recordingId, url, durationS, withSpectrogram, mode])

  function drawRegions() {
    const plugin = regions.current
    if (!plugin) return
    plugin.clearRegions()
    const { cries = [], selectedCryId } = latest.current
    for (const c of cries) {
      const colour =
        c.id === selectedCryId
          ? theme.palette.secondary.main
          : c.flagged
            ? theme.palette.error.main
            : theme.palette.primary.main
      plugin.addRegion({
        id: String(c.id),
        start: c.startS,
        end: c.endS,
        color: alpha(colour, c.id === selectedCryId ? 0.35 : 0.18),
        drag: false,
        resize: false,
      })
    }
  }

  const criesKey = (props.cries ?? []).map((c) => `${c.id}:${c.flagged ? 1 : 0}`).join(',')
  useEffect(() => {
    if (drawn) drawRegions()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- redraw when the marks change
  }, [criesKey, props.selectedCryId, drawn])

  const focusKey = props.focus ? `${props.focus.startS}-${props.focus.endS}` : ''
  useEffect(() => {
    const f = latest.current.focus
    if (drawn && f) zoomTo(f.startS, f.endS)
  }, [focusKey, drawn])

  function zoomTo(startS: number, endS: number) {
    const w = ws.current
    if (!w) return
    const span = Math.max(0.05, endS - startS)
    w.zoom(Math.min(MAX_PX_PER_SEC, w.getWidth() / span))
    w.setScrollTime(Math.max(0, startS))
  }

  useImperativeHandle(ref, () => ({
    playPause: () => void ws.current?.playPause(),
    pause: () => ws.current?.pause(),
    playRange: (startS, endS) => void ws.current?.play(startS, endS),
    setRate: (r) => ws.current?.setPlaybackRate(r, true),
    seekTo: (s) => ws.current?.setTime(s),
    zoomTo,
    zoomBy: (factor) => {
      const w = ws.current
      if (!w) return
      const total = w.getWrapper().getBoundingClientRect().width
      const pxPerSec = total / durationS
      const centre = (w.getScroll() + w.getWidth() / 2) / pxPerSec
      const next = Math.max(w.getWidth() / durationS, Math.min(MAX_PX_PER_SEC, pxPerSec * factor))
      w.zoom(next)
      w.setScrollTime(Math.max(0, centre - w.getWidth() / next / 2))
    },
    showAll: () => ws.current?.zoom(0),
  }))

  return (
    <Stack spacing={0.5}>
      <Stack direction="row" spacing={1}>
        {withSpectrogram && (
          <Box
            aria-hidden
            sx={{
              width: 44,
              pt: '124px',
              height: 124 + SPECTROGRAM_HEIGHT,
              display: 'flex',
              flexDirection: 'column',
              justifyContent: 'space-between',
              textAlign: 'right',
            }}
          >
            {['8 kHz', '6', '4', '2', '0'].map((l) => (
              <Typography key={l} variant="caption" color="text.secondary" sx={{ lineHeight: 1 }}>
                {l}
              </Typography>
            ))}
          </Box>
        )}
        <Box
          ref={box}
          data-testid="waveform"
          data-ready={ready ? 'true' : 'false'}
          data-drawn={drawn ? 'true' : 'false'}
          // inline-size containment: a zoomed-in waveform (wider than any screen) never widens the page
          sx={{
            flex: 1,
            minWidth: 0,
            contain: 'inline-size',
            minHeight: 120 + (withSpectrogram ? SPECTROGRAM_HEIGHT + 4 : 0),
          }}
        />
      </Stack>
      {withSpectrogram && (
        <Typography
          variant="caption"
          color={spectrogram.error ? 'error' : 'text.secondary'}
          data-testid="spectrogram"
          data-tiles={spectrogram.drawn}
          data-pending={spectrogram.pending}
          sx={{ pl: '52px' }}
        >
          {spectrogram.error
            ? `Spectrogram unavailable: ${spectrogram.error}`
            : spectrogram.pending
              ? 'Spectrogram 0–8 kHz: computing…'
              : 'Spectrogram 0–8 kHz'}
        </Typography>
      )}
      {error && (
        <Typography color="error" role="alert">
          The recording could not be loaded: {error}
        </Typography>
      )}
    </Stack>
  )
})

const RATES = [0.25, 0.5, 0.75, 1, 1.5, 2]

/** Playback speed of a waveform (0.25–2×), for every screen that plays a recording. */
export function SpeedSelect({ wave }: { wave: RefObject<WaveformHandle | null> }) {
  const [rate, setRate] = useState(1)
  return (
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
      sx={{ minWidth: 100 }}
    >
      {RATES.map((r) => (
        <MenuItem key={r} value={r}>
          {r}×
        </MenuItem>
      ))}
    </TextField>
  )
}

/** Play / pause of a waveform (Space in the screens that hold one). */
export function PlayButton({ wave, playing }: { wave: RefObject<WaveformHandle | null>; playing: boolean }) {
  return (
    <Button
      variant="contained"
      onClick={() => wave.current?.playPause()}
      aria-label={playing ? 'pause' : 'play'}
      aria-keyshortcuts="Space"
      data-testid="play"
    >
      {playing ? 'Pause' : 'Play'} (space)
    </Button>
  )
}

/** Zoom in, out and back to the whole recording (+, −, 0). */
export function ZoomButtons({ wave }: { wave: RefObject<WaveformHandle | null> }) {
  return (
    <>
      <Button onClick={() => wave.current?.zoomBy(2)} aria-label="zoom in" aria-keyshortcuts="+">
        +
      </Button>
      <Button onClick={() => wave.current?.zoomBy(0.5)} aria-label="zoom out" aria-keyshortcuts="-">
        −
      </Button>
      <Button onClick={() => wave.current?.showAll()} aria-keyshortcuts="0">
        Whole recording (0)
      </Button>
    </>
  )
}
