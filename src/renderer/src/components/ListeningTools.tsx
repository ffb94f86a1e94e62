// The controls around a waveform that audio tools have: the spectrogram's settings (window length, dynamic
// range, colour map, top frequency, f0 and intensity over it) and the selection bar (its times, duration and
// f0; play it, loop it, export it as WAV, and whatever the screen adds, e.g. correcting a cry to it).
import { useState, type ReactNode } from 'react'
import {
  Alert,
  Button,
  FormControlLabel,
  MenuItem,
  Stack,
  Switch,
  TextField,
  ToggleButton,
  Typography,
} from '@mui/material'
import { SPECTROGRAM_WINDOWS, type SelectionMeasures } from '../../../shared/contract'
import { api } from '../api/client'
import { downloadExport } from '../api/download'
import {
  DYNAMIC_RANGES,
  formatHz,
  formatSelection,
  formatSelectionF0,
  topCutAt8k,
  topFrequencies,
  windowMs,
  type Selection,
  type SpectrogramSettings,
} from '../view-model/listening'
import { COLOUR_MAPS } from '../view-model/spectrogram-tiles'

const small = { size: 'small' as const, select: true, sx: { minWidth: 112 } }

export function SpectrogramControls({
  settings,
  onChange,
  nativeSampleRate,
  highRateHz,
  maxHz,
}: {
  settings: SpectrogramSettings
  onChange: (s: SpectrogramSettings) => void
  nativeSampleRate: number
  /** The rate of the recording's high-rate copy; null when it has none. */
  highRateHz: number | null
  /** The top frequency in force. */
  maxHz: number
}) {
  const set = <K extends keyof SpectrogramSettings>(k: K, v: SpectrogramSettings[K]) =>
    onChange({ ...settings, [k]: v })
  const tops = topFrequencies(nativeSampleRate, highRateHz)
  return (
    <Stack
      direction="row"
      spacing={1.5}
      sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}
      role="group"
      aria-label="spectrogram settings"
    >
      <TextField
        {...small}
        label="Window"
        value={settings.windowSize}
        onChange={(e) => set('windowSize', Number(e.target.value) as SpectrogramSettings['windowSize'])}
      >
        {SPECTROGRAM_WINDOWS.map((n) => (
          <MenuItem key={n} value={n}>
            {windowMs(n)}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        {...small}
        // Wide enough for its label ("Dynamic r…" at the common width; so is Top frequency's).
        sx={{ minWidth: 140 }}
        label="Dynamic range"
        value={settings.dynamicRangeDb}
        onChange={(e) => set('dynamicRangeDb', Number(e.target.value))}
      >
        {DYNAMIC_RANGES.map((n) => (
          <MenuItem key={n} value={n}>
            {n} dB
          </MenuItem>
        ))}
      </TextField>
      <TextField
        {...small}
        label="Colours"
        value={settings.colourMap}
        onChange={(e) => set('colourMap', e.target.value as SpectrogramSettings['colourMap'])}
      >
        {COLOUR_MAPS.map((n) => (
          <MenuItem key={n} value={n}>
            {n}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        {...small}
        sx={{ minWidth: 140 }}
        label="Top frequency"
        value={tops.includes(maxHz) ? maxHz : tops[tops.length - 1]}
        onChange={(e) => {
          const v = Number(e.target.value)
          set('maxHz', v === tops[tops.length - 1] ? null : v)
        }}
      >
        {tops.map((hz, i) => (
          <MenuItem key={hz} value={hz}>
            {formatHz(hz)}
            {i === tops.length - 1 ? ' (Nyquist)' : ''}
          </MenuItem>
        ))}
      </TextField>
      <FormControlLabel
        control={<Switch checked={settings.overlay} onChange={(e) => set('overlay', e.target.checked)} />}
        label={
          <Typography variant="body2">
            <span style={{ color: '#38bdf8' }}>●</span> f0 and <span style={{ color: '#facc15' }}>—</span>{' '}
            intensity
          </Typography>
        }
      />
      {topCutAt8k(nativeSampleRate, highRateHz) ? (
        <Typography variant="caption" color="text.secondary" data-testid="top-frequency-note">
          Recorded at {formatHz(nativeSampleRate)}, but imported before ICLAS kept a high-rate copy: only the
          16 kHz working copy is here, so 8 kHz is the top.
        </Typography>
      ) : (
        highRateHz && (
          <Typography variant="caption" color="text.secondary" data-testid="top-frequency-note">
            Recorded at {formatHz(nativeSampleRate)}: above 8 kHz from the {formatHz(highRateHz)} copy.
          </Typography>
        )
      )}
    </Stack>
  )
}

export function SelectionBar({
  recordingId,
  selection,
  measures,
  looping,
  canExport,
  onPlay,
  onLoop,
  onClear,
  actions,
}: {
  recordingId: number
  selection: Selection
  measures: SelectionMeasures | null | 'loading'
  looping: boolean
  canExport: boolean
  onPlay: () => void
  onLoop: (on: boolean) => void
  onClear: () => void
  actions?: ReactNode
}) {
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const exportWav = async () => {
    setBusy(true)
    setError(null)
    try {
      downloadExport(
        await api.exportSelectionAudio({ recordingId, startS: selection.startS, endS: selection.endS }),
      )
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Stack spacing={1}>
      <Stack
        direction="row"
        spacing={1.5}
        sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}
        data-testid="selection"
        data-start-s={selection.startS.toFixed(3)}
        data-end-s={selection.endS.toFixed(3)}
      >
        <Typography sx={{ fontVariantNumeric: 'tabular-nums' }}>
          Selection {formatSelection(selection)}
        </Typography>
        <Typography
          color="text.secondary"
          data-testid="selection-f0"
          sx={{ fontVariantNumeric: 'tabular-nums' }}
        >
          {measures === 'loading'
            ? 'f0 …'
            : measures
              ? formatSelectionF0(measures)
              : selection.endS - selection.startS > 60
                ? 'f0: select at most a minute'
                : ''}
        </Typography>
        <Button variant="outlined" onClick={onPlay} aria-keyshortcuts="s">
          Play selection (S)
        </Button>
        <ToggleButton
          value="loop"
          size="small"
          selected={looping}
          onChange={() => onLoop(!looping)}
          aria-keyshortcuts="l"
        >
          Loop (L)
        </ToggleButton>
        {canExport && (
          <Button onClick={() => void exportWav()} disabled={busy}>
            Export selection as WAV
          </Button>
        )}
        {actions}
        <Button onClick={onClear} aria-keyshortcuts="Escape">
          Clear
        </Button>
      </Stack>
      {error && <Alert severity="error">{error}</Alert>}
    </Stack>
  )
}
