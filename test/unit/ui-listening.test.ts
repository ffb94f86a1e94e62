// The listening tools' arithmetic: top frequencies up to the original recording's Nyquist, the frequency axis,
// the ruler's spacing and labels, the cursor and selection readouts, stored settings checked field by field.
import { describe, expect, it } from 'vitest'
import {
  byteToDb,
  DEFAULT_SPECTROGRAM,
  effectiveMaxHz,
  formatReading,
  formatSelection,
  formatSelectionF0,
  frequencyTicks,
  parseSettings,
  peakDbfs,
  rulerLabel,
  rulerSpacing,
  topCutAt8k,
  topFrequencies,
  windowMs,
} from '../../src/renderer/src/view-model/listening'

describe('spectrogram settings', () => {
  it("offers top frequencies up to the recording's Nyquist, from its high-rate copy above 8 kHz", () => {
    expect(topFrequencies(8000)).toEqual([1000, 2000, 4000]) // AMR phone recording: Nyquist 4 kHz
    expect(topFrequencies(11025)).toEqual([1000, 2000, 4000, 5512.5])
    expect(topFrequencies(16000)).toEqual([1000, 2000, 4000, 8000])
    expect(topFrequencies(48000, 48000)).toEqual([1000, 2000, 4000, 8000, 16000, 24000])
    expect(topFrequencies(44100, 44100)).toEqual([1000, 2000, 4000, 8000, 16000, 22050])
    expect(topFrequencies(96000, 48000)).toEqual([1000, 2000, 4000, 8000, 16000, 24000]) // the copy is capped
    // Imported before ICLAS kept a high-rate copy: only the 16 kHz working copy, so 8 kHz, and the view says why.
    expect(topFrequencies(48000, null)).toEqual([1000, 2000, 4000, 8000])
    expect(topCutAt8k(48000, null)).toBe(true)
    expect(topCutAt8k(48000, 48000)).toBe(false)
    expect(topCutAt8k(16000, null)).toBe(false)
    expect(effectiveMaxHz({ maxHz: null }, 8000)).toBe(4000)
    expect(effectiveMaxHz({ maxHz: 8000 }, 8000)).toBe(4000) // a setting kept from a 16 kHz recording
    expect(effectiveMaxHz({ maxHz: 2000 }, 48000)).toBe(2000)
    expect(effectiveMaxHz(DEFAULT_SPECTROGRAM, 48000, 48000)).toBe(8000) // the cry band by default
    expect(effectiveMaxHz({ maxHz: null }, 48000, 48000)).toBe(24000)
    expect(effectiveMaxHz({ maxHz: 16000 }, 48000, null)).toBe(8000)
  })

  it('labels the frequency axis from the top down', () => {
    expect(frequencyTicks(8000)).toEqual(['8 kHz', '6', '4', '2', '0'])
    expect(frequencyTicks(2000)).toEqual(['2 kHz', '1.5', '1', '0.5', '0'])
    expect(frequencyTicks(5512.5)).toEqual(['5.51 kHz', '4.13', '2.76', '1.38', '0'])
    expect(windowMs(512)).toBe('32 ms')
  })

  it('reads stored settings back field by field, falling back to the defaults', () => {
    expect(parseSettings(null)).toEqual(DEFAULT_SPECTROGRAM)
    expect(parseSettings('not json')).toEqual(DEFAULT_SPECTROGRAM)
    expect(parseSettings(JSON.stringify({ maxHz: null })).maxHz).toBeNull() // "as high as it goes" is kept
    expect(parseSettings(JSON.stringify({ maxHz: 22050 })).maxHz).toBe(22050)
    expect(
      parseSettings(JSON.stringify({ windowSize: 1024, dynamicRangeDb: 7, colourMap: 'grey', maxHz: 2000 })),
    ).toEqual({ ...DEFAULT_SPECTROGRAM, windowSize: 1024, colourMap: 'grey', maxHz: 2000 })
    expect(parseSettings(JSON.stringify({ windowSize: 300, colourMap: 'jet', maxHz: 1e9 }))).toEqual(
      DEFAULT_SPECTROGRAM,
    )
  })
})

describe('ruler', () => {
  it('spaces ticks at least 8 px and labels at least 70 px apart, on round steps', () => {
    expect(rulerSpacing(300)).toEqual({ tickS: 0.05, labelEvery: 10, decimals: 1 }) // a cry in view: 0.5 s labels
    expect(rulerSpacing(2000)).toEqual({ tickS: 0.01, labelEvery: 5, decimals: 2 })
    expect(rulerSpacing(12)).toEqual({ tickS: 1, labelEvery: 10, decimals: 0 })
    expect(rulerSpacing(1300 / 3600)).toEqual({ tickS: 30, labelEvery: 10, decimals: 0 })
  })

  it('labels seconds, with minutes past a minute', () => {
    expect(rulerLabel(6.65, 2)).toBe('6.65 s')
    expect(rulerLabel(0, 0)).toBe('0 s')
    expect(rulerLabel(65, 0)).toBe('1:05')
    expect(rulerLabel(125.5, 1)).toBe('2:05.5')
  })
})

describe('readouts', () => {
  it('reads time, frequency and level over the spectrogram; time and peak level over the waveform', () => {
    expect(formatReading({ timeS: 12.3456, hz: 3450, db: -42.4 })).toBe('12.346 s · 3.45 kHz · −42 dB')
    expect(formatReading({ timeS: 1, hz: 440.2, db: null })).toBe('1.000 s · 440 Hz · level —')
    expect(formatReading({ timeS: 2, peakDbfs: peakDbfs(0.5) })).toBe('2.000 s · peak −6.0 dBFS')
    expect(formatReading({ timeS: 2, peakDbfs: peakDbfs(0) })).toBe('2.000 s · silence')
    expect(byteToDb(255, -100, -20)).toBe(-20)
    expect(byteToDb(0, -100, -20)).toBe(-100)
  })

  it("says a selection's times, duration and f0", () => {
    // The duration is the difference of the times shown (1.2344 → 1.234, 2.3456 → 2.346), not 1.111.
    expect(formatSelection({ startS: 1.2344, endS: 2.3456 })).toBe('1.234–2.346 s (1.112 s)')
    expect(formatSelectionF0({ f0MeanHz: 452.4, f0MinHz: 398, f0MaxHz: 510, voicedFraction: 0.874 })).toBe(
      'f0 452 Hz (398–510), voiced 87 %',
    )
    expect(formatSelectionF0({ f0MeanHz: null, f0MinHz: null, f0MaxHz: null, voicedFraction: 0 })).toBe(
      'f0 — (no voiced frame)',
    )
  })
})
