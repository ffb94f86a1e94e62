// A recording's waveform (wavesurfer.js, MediaElement backend streaming from the core) with its cries marked
// as regions, a time ruler (timeline plugin) and, beneath it in the same scrolling strip, the spectrogram tiles
// the core computes, with f0 and intensity over them. Drawn from peaks precomputed at import — a coarse set for
// the whole recording, finer peaks fetched for the range in view when zoomed in — so the page never decodes an
// hour-long file. The pointer reads time, frequency and level; a drag selects (regions plugin), and the
// selection is measured, played, looped and exported.
import {
  forwardRef,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
  type ReactNode,
  type RefObject,
} from 'react'
import { Box, Button, MenuItem, Stack, TextField, Typography, alpha, useTheme } from '@mui/material'
import WaveSurfer from 'wavesurfer.js'
import HoverPlugin from 'wavesurfer.js/plugins/hover'
import RegionsPlugin from 'wavesurfer.js/plugins/regions'
import TimelinePlugin from 'wavesurfer.js/plugins/timeline'
import type { SelectionMeasures } from '../../../shared/contract'
import { api } from '../api/client'
import { useShortcuts } from '../api/hooks'
import {
  effectiveMaxHz,
  formatReading,
  frequencyTicks,
  parseSettings,
  peakDbfs,
  rulerLabel,
  rulerSpacing,
  type CursorReading,
  type Selection,
  type SpectrogramSettings,
} from '../view-model/listening'
import { PeakDetail, STORED_PER_SECOND } from '../view-model/peak-detail'
import { SelectionBar, SpectrogramControls } from './ListeningTools'
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
  /** Select [startS, endS) (as a drag would). */
  setSelection(startS: number, endS: number): void
  clearSelection(): void
}

const OVERVIEW_PEAKS = 4000
const MAX_PX_PER_SEC = 2000
const WAVE_HEIGHT = 120
const RULER_HEIGHT = 20
const SPECTROGRAM_HEIGHT = 160
/** f0 and intensity are drawn when the view spans at most this much (they are computed for what is in view). */
const OVERLAY_MAX_VIEW_S = 30
const SELECTION_ID = 'selection'
const SETTINGS_KEY = 'iclas.spectrogram'

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
    /** The original recording's sample rate: the spectrogram reaches up to its Nyquist. */
    nativeSampleRate?: number
    /** The rate of the recording's high-rate copy (null: none, so 8 kHz is the top). */
    highRateHz?: number | null
    /** May the user export the selection as WAV (exporters only). */
    canExport?: boolean
    /** What the screen offers for a selection besides play, loop and export (e.g. correcting a cry to it). */
    selectionActions?: (s: Selection) => ReactNode
    onTime?: (t: number) => void
    onPlaying?: (p: boolean) => void
    onCryClick?: (id: number) => void
  }
>(function Waveform(props, ref) {
  const box = useRef<HTMLDivElement>(null)
  const ws = useRef<WaveSurfer | null>(null)
  const regions = useRef<ReturnType<typeof RegionsPlugin.create> | null>(null)
  const layerRef = useRef<SpectrogramLayer | null>(null)
  const detailRef = useRef<PeakDetail | null>(null)
  const theme = useTheme()
  const [drawn, setDrawn] = useState(false)
  const [ready, setReady] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [spectrogram, setSpectrogram] = useState<SpectrogramState>({ drawn: 0, pending: 0, error: null })
  const { recordingId, url, durationS, spectrogram: withSpectrogram = true } = props
  const nativeSampleRate = props.nativeSampleRate ?? 16000
  const highRateHz = props.highRateHz ?? null
  const [settings, setSettings] = useState<SpectrogramSettings>(() =>
    parseSettings(window.localStorage.getItem(SETTINGS_KEY)),
  )
  const maxHz = effectiveMaxHz(settings, nativeSampleRate, highRateHz)
  const tileSettings = { windowSize: settings.windowSize, dynamicRangeDb: settings.dynamicRangeDb, maxHz }
  const latestSettings = useRef({ tileSettings, settings })
  const [reading, setReading] = useState<CursorReading | null>(null)
  const [selection, setSelectionState] = useState<Selection | null>(null)
  const [measured, setMeasured] = useState<{ key: string; m: SelectionMeasures | null }>({ key: '', m: null })
  const [looping, setLooping] = useState(false)
  const loopRef = useRef({ looping, selection })
  const overlayRefresh = useRef<() => void>(() => undefined)
  useEffect(() => {
    latestSettings.current = { tileSettings, settings }
    loopRef.current = { looping, selection }
  })
  const [loops, setLoops] = useState(0)
  const [overlayRange, setOverlayRange] = useState<string>('')
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
    detailRef.current = detail
    let overlayTimer: ReturnType<typeof setTimeout> | undefined
    let overlayFetched: { startS: number; endS: number } | null = null
    // f0 and intensity of what is in view (with a margin), fetched again when the view leaves what was fetched.
    const refreshOverlay = () => {
      clearTimeout(overlayTimer)
      overlayTimer = setTimeout(async () => {
        if (!w || disposed || !layer) return
        const pxPerSec = w.getWrapper().getBoundingClientRect().width / durationS
        const viewStart = w.getScroll() / pxPerSec
        const viewEnd = Math.min(durationS, (w.getScroll() + w.getWidth()) / pxPerSec)
        if (!latestSettings.current.settings.overlay || viewEnd - viewStart > OVERLAY_MAX_VIEW_S) {
          overlayFetched = null
          layer.setOverlay(null)
          setOverlayRange('')
          return
        }
        if (overlayFetched && overlayFetched.startS <= viewStart && overlayFetched.endS >= viewEnd) return
        const margin = Math.min(5, (viewEnd - viewStart) / 2)
        const startS = Math.max(0, viewStart - margin)
        const endS = Math.min(durationS, viewEnd + margin)
        try {
          const track = await api.getSelectionMeasures({ recordingId, startS, endS })
          if (disposed || !layer) return
          overlayFetched = { startS: track.startS, endS: track.endS }
          layer.setOverlay(track)
          setOverlayRange(`${track.startS.toFixed(2)}-${track.endS.toFixed(2)}`)
        } catch {
          /* the spectrogram stays without it */
        }
      }, 300)
    }
    overlayRefresh.current = () => {
      overlayFetched = null
      refreshOverlay()
    }

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
          height: WAVE_HEIGHT,
          waveColor: theme.palette.primary.main,
          progressColor: theme.palette.secondary.main,
          cursorColor: theme.palette.text.primary,
          cursorWidth: 2,
          normalize: true,
          backend: 'MediaElement',
          autoScroll: true,
          autoCenter: true,
          plugins: [
            regionsPlugin,
            HoverPlugin.create({
              lineColor: theme.palette.text.primary,
              labelBackground: theme.palette.background.paper,
              labelColor: theme.palette.text.primary,
              formatTimeCallback: (t) => `${t.toFixed(3)} s`,
            }),
          ],
        })
        ws.current = w
        regions.current = regionsPlugin
        // The ruler between the waveform and the spectrogram (timeline plugin), its spacing following the zoom:
        // the plugin's intervals are fixed when it is made, so a zoom that needs others makes a new one.
        const rulerHost = document.createElement('div')
        rulerHost.dataset.testid = 'ruler'
        // The plugin writes a label at the foot of its notch, where the ticks are drawn: labels go to the top
        // and ticks are kept short beneath them, so no tick crosses a label (a style inside wavesurfer's shadow
        // root reaches its notches; !important outranks the plugin's inline styles).
        const rulerStyle = document.createElement('style')
        rulerStyle.textContent =
          '[part~="timeline-notch-primary"] { justify-content: flex-start !important }' +
          ' [part~="timeline-notch-tick"] { height: 25% !important }'
        rulerHost.appendChild(rulerStyle)
        w.getWrapper().appendChild(rulerHost)
        let ruler: ReturnType<typeof TimelinePlugin.create> | null = null
        let rulerKey = ''
        const placeRuler = () => {
          if (!w || disposed) return
          const pxPerSec = w.getWrapper().getBoundingClientRect().width / durationS
          const r = rulerSpacing(pxPerSec)
          const key = `${r.tickS}/${r.labelEvery}`
          if (key === rulerKey) return
          rulerKey = key
          ruler?.destroy()
          ruler = w.registerPlugin(
            TimelinePlugin.create({
              container: rulerHost,
              height: RULER_HEIGHT,
              timeInterval: r.tickS,
              primaryLabelSpacing: r.labelEvery,
              primaryLabelInterval: 1e6,
              secondaryLabelInterval: 1e6,
              style: { color: theme.palette.text.secondary },
              formatTimeCallback: (t) => rulerLabel(t, r.decimals),
            }),
          )
        }
        w.on('decode', placeRuler)
        w.on('zoom', placeRuler)
        w.on('resize', placeRuler)
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
        w.on('zoom', refreshOverlay)
        w.on('scroll', refreshOverlay)
        w.on('decode', refreshOverlay)
        // Loop: a selection played to its end starts again while the loop is on.
        w.on('pause', () => {
          const { looping, selection } = loopRef.current
          if (looping && selection && w && Math.abs(w.getCurrentTime() - selection.endS) < 0.08) {
            setLoops((n) => n + 1)
            void w.play(selection.startS, selection.endS)
          }
        })
        regionsPlugin.on('region-clicked', (region, e) => {
          e.stopPropagation()
          if (region.id !== SELECTION_ID) latest.current.onCryClick?.(Number(region.id))
        })
        regionsPlugin.enableDragSelection({ id: SELECTION_ID, color: alpha(theme.palette.info.main, 0.25) })
        regionsPlugin.on('region-created', (region) => {
          if (region.id !== SELECTION_ID) return
          for (const r of regionsPlugin.getRegions()) if (r.id === SELECTION_ID && r !== region) r.remove()
          setSelectionState({ startS: region.start, endS: region.end })
        })
        regionsPlugin.on('region-updated', (region) => {
          if (region.id === SELECTION_ID) setSelectionState({ startS: region.start, endS: region.end })
        })
        if (withSpectrogram) {
          layer = new SpectrogramLayer(w, {
            durationS,
            height: SPECTROGRAM_HEIGHT,
            settings: latestSettings.current.tileSettings,
            colourMap: latestSettings.current.settings.colourMap,
            fetchTile: (t) => api.getSpectrogramTile({ recordingId, ...t }),
            onState: (s) => !disposed && setSpectrogram(s),
          })
          layerRef.current = layer
        }
      } catch (e) {
        if (!disposed) setError((e as Error).message)
      }
    })()
    return () => {
      disposed = true
      clearTimeout(refineTimer)
      clearTimeout(overlayTimer)
      layer?.destroy()
      w?.destroy()
      ws.current = null
      regions.current = null
      layerRef.current = null
      overlayRefresh.current = () => undefined
      setSelectionState(null)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- colours follow the theme mode only
  }, [recordingId, url, durationS, withSpectrogram, mode])

  function drawRegions() {
    const plugin = regions.current
    if (!plugin) return
    for (const r of plugin.getRegions()) if (r.id !== SELECTION_ID) r.remove()
    const { cries = [], selectedCryId } = latest.current
    for (const c of cries) {
      const colour =
        c.id === selectedCryId
          ? theme.palette.secondary.main
          : c.flagged
            ? theme.palette.error.main
            : theme.palette.primary.main
      const region = plugin.addRegion({
        id: String(c.id),
        start: c.startS,
        end: c.endS,
        color: alpha(colour, c.id === selectedCryId ? 0.35 : 0.18),
        drag: false,
        resize: false,
      })
      // The cry under review lets a drag through: selecting inside it is how its parts are measured.
      if (c.id === selectedCryId && region.element) region.element.style.pointerEvents = 'none'
    }
  }

  function selectRange(startS: number, endS: number) {
    const plugin = regions.current
    if (!plugin) return
    const a = Math.max(0, Math.min(startS, endS))
    const b = Math.min(durationS, Math.max(startS, endS))
    const existing = plugin.getRegions().find((r) => r.id === SELECTION_ID)
    if (existing) {
      existing.setOptions({ start: a, end: b })
      setSelectionState({ startS: a, endS: b })
    } else
      plugin.addRegion({ id: SELECTION_ID, start: a, end: b, color: alpha(theme.palette.info.main, 0.25) })
  }

  function clearSelection() {
    for (const r of regions.current?.getRegions() ?? []) if (r.id === SELECTION_ID) r.remove()
    setSelectionState(null)
    setLooping(false)
  }

  const playSelection = () => {
    const s = loopRef.current.selection
    if (s) void ws.current?.play(s.startS, s.endS)
  }

  // Spectrogram settings: kept for the next screen, applied to the layer (tiles again, or a repaint).
  const settingsKey = `${tileSettings.windowSize}/${tileSettings.dynamicRangeDb}/${tileSettings.maxHz}`
  useEffect(() => {
    window.localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings))
    layerRef.current?.setSettings(latestSettings.current.tileSettings)
    layerRef.current?.setColourMap(settings.colourMap)
    overlayRefresh.current()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key stands for the tile settings
  }, [settingsKey, settings.colourMap, settings.overlay, drawn])

  // The selection's f0 and level, measured by the core (at most a minute).
  const selectionKey = selection ? `${selection.startS.toFixed(3)}-${selection.endS.toFixed(3)}` : ''
  const measurable =
    !!selection && selection.endS - selection.startS <= 60 && selection.endS - selection.startS >= 0.02
  useEffect(() => {
    if (!measurable || !selection) return
    let stale = false
    const t = setTimeout(() => {
      api
        .getSelectionMeasures({ recordingId, startS: selection.startS, endS: selection.endS })
        .then((m) => !stale && setMeasured({ key: selectionKey, m }))
        .catch(() => !stale && setMeasured({ key: selectionKey, m: null }))
    }, 250)
    return () => {
      stale = true
      clearTimeout(t)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key stands for the selection
  }, [selectionKey, recordingId])
  const selectionMeasures = !measurable ? null : measured.key === selectionKey ? measured.m : 'loading'

  // The readout under the pointer: time everywhere; over the spectrogram, frequency and that pixel's level;
  // over the waveform, its peak level at that time.
  // The pointer's last position, so the readout follows a redraw under a pointer that has not moved (new
  // spectrogram settings, tiles arriving): it reads what is drawn now, not what was drawn before.
  const pointer = useRef<{ x: number; y: number } | null>(null)
  const readAt = (x: number, y: number) => {
    const w = ws.current
    if (!w) return
    const rect = w.getWrapper().getBoundingClientRect()
    if (!(rect.width > 0)) return
    const timeS = Math.max(0, Math.min(durationS, ((x - rect.left) / rect.width) * durationS))
    const layer = layerRef.current
    const spec = layer?.element.getBoundingClientRect()
    if (layer && spec && y >= spec.top && y < spec.bottom) {
      const hz = Math.max(0, layer.maxHz * (1 - (y - spec.top) / spec.height))
      setReading({ timeS, hz, db: layer.levelAt(timeS, hz) })
      return
    }
    const detail = detailRef.current
    const v = detail ? (detail.values[Math.floor(timeS * detail.perSecond)] ?? 0) : 0
    setReading({ timeS, peakDbfs: peakDbfs(v) })
  }
  const onPointerMove = (e: React.PointerEvent) => {
    pointer.current = { x: e.clientX, y: e.clientY }
    readAt(e.clientX, e.clientY)
  }
  const onPointerLeave = () => {
    pointer.current = null
    setReading(null)
  }
  useEffect(() => {
    const p = pointer.current
    if (p) readAt(p.x, p.y)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-read when what is drawn changes
  }, [settingsKey, spectrogram.drawn, spectrogram.pending])

  useShortcuts({
    s: selection ? playSelection : undefined,
    l: selection ? () => setLooping((l) => !l) : undefined,
    Escape: selection ? clearSelection : undefined,
  })

  const criesKey = (props.cries ?? [])
    .map((c) => `${c.id}:${c.flagged ? 1 : 0}:${c.startS}:${c.endS}`)
    .join(',')
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
    setSelection: selectRange,
    clearSelection,
  }))

  const ticks = frequencyTicks(maxHz)
  return (
    <Stack spacing={0.5}>
      {withSpectrogram && (
        <Box sx={{ pl: '52px', pb: 1 }}>
          <SpectrogramControls
            settings={settings}
            onChange={setSettings}
            nativeSampleRate={nativeSampleRate}
            highRateHz={highRateHz}
            maxHz={maxHz}
          />
        </Box>
      )}
      <Stack direction="row" spacing={1}>
        {withSpectrogram && (
          <Box
            aria-hidden
            data-testid="frequency-axis"
            sx={{
              width: 44,
              pt: `${WAVE_HEIGHT + RULER_HEIGHT + 4}px`,
              height: WAVE_HEIGHT + RULER_HEIGHT + 4 + SPECTROGRAM_HEIGHT,
              display: 'flex',
              flexDirection: 'column',
              justifyContent: 'space-between',
              textAlign: 'right',
            }}
          >
            {ticks.map((l) => (
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
          data-loops={loops}
          onPointerMove={onPointerMove}
          onPointerLeave={onPointerLeave}
          // inline-size containment: a zoomed-in waveform (wider than any screen) never widens the page
          sx={{
            flex: 1,
            minWidth: 0,
            contain: 'inline-size',
            minHeight: WAVE_HEIGHT + RULER_HEIGHT + (withSpectrogram ? SPECTROGRAM_HEIGHT + 4 : 0),
          }}
        />
      </Stack>
      {/* One line each, whatever they say: a readout that changes length must not move what is below it. */}
      <Stack spacing={0.25} sx={{ pl: withSpectrogram ? '52px' : 0, minWidth: 0 }}>
        <Typography
          variant="body2"
          data-testid="cursor-readout"
          noWrap
          sx={{ fontVariantNumeric: 'tabular-nums', height: '1.5em' }}
        >
          {reading
            ? formatReading(reading)
            : 'Point at the waveform or the spectrogram to read time, frequency and level; drag to select.'}
        </Typography>
        {withSpectrogram && (
          <Typography
            variant="caption"
            color={spectrogram.error ? 'error' : 'text.secondary'}
            data-testid="spectrogram"
            data-tiles={spectrogram.drawn}
            data-pending={spectrogram.pending}
            data-max-hz={maxHz}
            data-overlay={overlayRange}
            noWrap
            sx={{ display: 'block' }}
          >
            {spectrogram.error
              ? `Spectrogram unavailable: ${spectrogram.error}`
              : `Spectrogram 0–${ticks[0]}${spectrogram.pending ? ': computing…' : ''}${
                  settings.overlay
                    ? overlayRange
                      ? ' · f0 (blue, on the frequency axis) and intensity (yellow, 0 to −' +
                        settings.dynamicRangeDb +
                        ' dB)'
                      : ` · zoom to ${OVERLAY_MAX_VIEW_S} s or less for f0 and intensity`
                    : ''
                }`}
          </Typography>
        )}
      </Stack>
      {selection && (
        <SelectionBar
          recordingId={recordingId}
          selection={selection}
          measures={selectionMeasures}
          looping={looping}
          canExport={props.canExport ?? false}
          onPlay={playSelection}
          onLoop={(on) => {
            setLooping(on)
            if (on) playSelection()
          }}
          onClear={clearSelection}
          actions={props.selectionActions?.(selection)}
        />
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
