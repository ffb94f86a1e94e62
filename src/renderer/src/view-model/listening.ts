// The listening tools' arithmetic, pure so it is unit-tested without a browser: spectrogram settings (window,
// dynamic range, colour map, top frequency up to the original recording's Nyquist), the frequency axis, the
// cursor readout and the selection readout.
import {
  SPECTROGRAM_DB_TOP,
  SPECTROGRAM_DEFAULT_RANGE_DB,
  SPECTROGRAM_MAX_HZ,
  SPECTROGRAM_WINDOWS,
  WORKING_COPY_TOP_HZ,
  type SelectionMeasures,
} from '../../../shared/contract'
import { COLOUR_MAPS, type ColourMapName } from './spectrogram-tiles'

export interface SpectrogramSettings {
  /** Analysis window, samples at 16 kHz. */
  windowSize: (typeof SPECTROGRAM_WINDOWS)[number]
  dynamicRangeDb: number
  colourMap: ColourMapName
  /** Top of the frequency axis, Hz (default 8 kHz, the working copy's); null = as high as the recording goes. */
  maxHz: number | null
  /** f0 and intensity drawn over the spectrogram (Praat's view). */
  overlay: boolean
}

export const DEFAULT_SPECTROGRAM: SpectrogramSettings = {
  windowSize: 512,
  dynamicRangeDb: SPECTROGRAM_DEFAULT_RANGE_DB,
  colourMap: 'magma',
  maxHz: WORKING_COPY_TOP_HZ,
  overlay: true,
}

export const DYNAMIC_RANGES = [40, 60, 80, 100, 120]

/** The window as a reader counts it: 512 samples at 16 kHz → "32 ms". */
export const windowMs = (samples: number) => `${Math.round((samples / 16000) * 1000)} ms`

/**
 * The highest frequency the workstation holds of a recording: its original Nyquist, read from its high-rate copy
 * (`highRateHz`, at most 48 kHz) above 8 kHz; a recording without one (imported before ICLAS kept it) has only
 * the 16 kHz working copy, so 8 kHz.
 */
export const nyquistHz = (nativeSampleRate: number, highRateHz: number | null = null) =>
  Math.min(nativeSampleRate / 2, highRateHz ? highRateHz / 2 : WORKING_COPY_TOP_HZ)

/** Whether a recording holds more than the workstation can show: made above 16 kHz, without a high-rate copy. */
export const topCutAt8k = (nativeSampleRate: number, highRateHz: number | null) =>
  nativeSampleRate > 2 * WORKING_COPY_TOP_HZ && !highRateHz

/** Top frequencies to offer: 1, 2, 4, 8, 16 kHz up to the recording's Nyquist, and the Nyquist itself. */
export function topFrequencies(nativeSampleRate: number, highRateHz: number | null = null): number[] {
  const top = nyquistHz(nativeSampleRate, highRateHz)
  const out = [1000, 2000, 4000, 8000, 16000].filter((f) => f < top)
  out.push(top)
  return out
}

/** The top frequency in force: the one asked for, never above the recording's Nyquist. */
export const effectiveMaxHz = (
  s: Pick<SpectrogramSettings, 'maxHz'>,
  nativeSampleRate: number,
  highRateHz: number | null = null,
) => Math.min(s.maxHz ?? Infinity, nyquistHz(nativeSampleRate, highRateHz))

/** "8 kHz", "5.5 kHz", "500 Hz". */
export function formatHz(hz: number): string {
  if (hz < 1000) return `${Math.round(hz)} Hz`
  const k = hz / 1000
  return `${Number.isInteger(k) ? k : Number(k.toFixed(k < 10 ? 2 : 1))} kHz`
}

/** Five labels from the top frequency down to 0, top first: ["8 kHz", "6", "4", "2", "0"]. */
export function frequencyTicks(maxHz: number): string[] {
  const step = maxHz / 4
  return [0, 1, 2, 3, 4].map((i) => {
    if (i === 0) return formatHz(maxHz)
    const v = (maxHz - i * step) / (maxHz >= 1000 ? 1000 : 1)
    return String(Number(v.toFixed(2)))
  })
}

/** The dB a spectrogram byte stands for (linear in dB between the tile's floor and top). */
export const byteToDb = (v: number, dbMin: number, dbMax: number) => dbMin + (v / 255) * (dbMax - dbMin)

/** The spectrogram's dB scale for a dynamic range: the top fixed, the floor the range below it. */
export const dbScale = (rangeDb: number) => ({
  dbMax: SPECTROGRAM_DB_TOP,
  dbMin: SPECTROGRAM_DB_TOP - rangeDb,
})

export interface CursorReading {
  timeS: number
  /** Over the spectrogram: the frequency under the pointer and the level of that pixel. */
  hz?: number
  db?: number | null
  /** Over the waveform: the peak level of the waveform at that time, dB re full scale. */
  peakDbfs?: number | null
}

/** "12.345 s · 3.45 kHz · −42 dB" or "12.345 s · peak −6.0 dBFS". */
export function formatReading(r: CursorReading): string {
  const parts = [`${r.timeS.toFixed(3)} s`]
  if (r.hz !== undefined) {
    parts.push(formatHz(r.hz))
    parts.push(r.db === null || r.db === undefined ? 'level —' : `${minus(r.db.toFixed(0))} dB`)
  } else if (r.peakDbfs !== undefined)
    parts.push(r.peakDbfs === null ? 'silence' : `peak ${minus(r.peakDbfs.toFixed(1))} dBFS`)
  return parts.join(' · ')
}

const minus = (s: string) => s.replace(/^-/, '−')

/** A peak amplitude in [0, 1] as dB re full scale; null for silence. */
export const peakDbfs = (amplitude: number) => (amplitude > 0 ? 20 * Math.log10(amplitude) : null)

export interface Selection {
  startS: number
  endS: number
}

/** "1.234–2.346 s (1.112 s)": times to the millisecond, the duration the difference of what is shown. */
export function formatSelection(s: Selection): string {
  const a = Math.round(s.startS * 1000)
  const b = Math.round(s.endS * 1000)
  return `${(a / 1000).toFixed(3)}–${(b / 1000).toFixed(3)} s (${((b - a) / 1000).toFixed(3)} s)`
}

/** "f0 452 Hz (398–510), voiced 87 %" or "no voiced frame". */
export function formatSelectionF0(
  m: Pick<SelectionMeasures, 'f0MeanHz' | 'f0MinHz' | 'f0MaxHz' | 'voicedFraction'>,
): string {
  if (m.f0MeanHz === null) return 'f0 — (no voiced frame)'
  const range =
    m.f0MinHz !== null && m.f0MaxHz !== null ? ` (${m.f0MinHz.toFixed(0)}–${m.f0MaxHz.toFixed(0)})` : ''
  const voiced = m.voicedFraction !== null ? `, voiced ${(m.voicedFraction * 100).toFixed(0)} %` : ''
  return `f0 ${m.f0MeanHz.toFixed(0)} Hz${range}${voiced}`
}

/** Settings read back from storage, each field checked (an old or edited entry falls back to the default). */
export function parseSettings(json: string | null): SpectrogramSettings {
  let v: Partial<Record<keyof SpectrogramSettings, unknown>> = {}
  try {
    v = json ? (JSON.parse(json) as typeof v) : {}
  } catch {
    v = {}
  }
  const d = DEFAULT_SPECTROGRAM
  return {
    windowSize: (SPECTROGRAM_WINDOWS as readonly unknown[]).includes(v.windowSize)
      ? (v.windowSize as SpectrogramSettings['windowSize'])
      : d.windowSize,
    dynamicRangeDb: DYNAMIC_RANGES.includes(v.dynamicRangeDb as number)
      ? (v.dynamicRangeDb as number)
      : d.dynamicRangeDb,
    colourMap: COLOUR_MAPS.includes(v.colourMap as ColourMapName)
      ? (v.colourMap as ColourMapName)
      : d.colourMap,
    maxHz:
      v.maxHz === null || (typeof v.maxHz === 'number' && v.maxHz >= 500 && v.maxHz <= SPECTROGRAM_MAX_HZ)
        ? v.maxHz
        : d.maxHz,
    overlay: typeof v.overlay === 'boolean' ? v.overlay : d.overlay,
  }
}

const RULER_STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]

export interface RulerSpacing {
  /** Seconds between ticks. */
  tickS: number
  /** Ticks between labels (a label every tickS × labelEvery seconds). */
  labelEvery: number
  /** Decimals a label needs to show its time exactly. */
  decimals: number
}

/**
 * Ruler spacing for a zoom level: ticks at least 8 px apart and labels at least 70 px apart, both on round
 * steps (10 ms at the finest, as the timeline plugin counts in hundredths of a second).
 */
export function rulerSpacing(pxPerSec: number): RulerSpacing {
  const px = pxPerSec > 0 ? pxPerSec : 1
  const tickS = RULER_STEPS.find((s) => s * px >= 8) ?? 3600
  const labelS = RULER_STEPS.find((s) => s >= tickS && s * px >= 70 && isMultiple(s, tickS)) ?? tickS
  let decimals = 0
  while (decimals < 3 && !isMultiple(labelS * 10 ** decimals, 1)) decimals++
  return { tickS, labelEvery: Math.round(labelS / tickS), decimals }
}

const isMultiple = (a: number, b: number) => Math.abs(a / b - Math.round(a / b)) < 1e-9

/** A ruler label: "6.65 s" under a minute, "1:05" after. */
export function rulerLabel(t: number, decimals: number): string {
  if (t < 60) return `${t.toFixed(decimals)} s`
  const m = Math.floor(t / 60)
  const sec = t - m * 60
  return `${m}:${sec.toFixed(decimals).padStart(decimals ? decimals + 3 : 2, '0')}`
}
