// What the listening tools read of a stretch of a recording, from its 16 kHz working copy: f0 every 10 ms (the
// tracker stage 0 measures cries with), intensity every 10 ms (Praat's, as the segmenter uses) and the cry
// measures of the stretch (measureCry: the same function the import runs, so a corrected cry is measured as
// a found one). Pure over samples; the *FromWav adapters do the positioned reads for the worker.
import { IntensityTracker } from './intensity'
import { measureCry, CONTOUR_HOP_S, type CryMeasures } from './measures'
import { CLIP_LEVEL } from './preprocess'
import { openWavSource } from './spectrogram'

export interface SelectionAnalysis {
  hopS: number
  /** Hz, 0 where unvoiced; frame i centred at (i + 0.5) × hopS. */
  f0Hz: Float32Array
  /** dB re full-scale power, same frames. */
  intensityDb: Float32Array
  measures: CryMeasures
}

export function analyseSelection(samples: Float32Array, sampleRate: number): SelectionAnalysis {
  const measures = measureCry(samples, sampleRate)
  const frames = Math.ceil(samples.length / (CONTOUR_HOP_S * sampleRate))
  const intensityDb = new Float32Array(frames)
  const tracker = new IntensityTracker((db, t) => {
    if (t < frames) intensityDb[t] = db
  }, sampleRate)
  tracker.push(samples)
  tracker.finish(samples.length)
  return { hopS: CONTOUR_HOP_S, f0Hz: measures.f0Contour, intensityDb, measures }
}

/**
 * Whether a stretch of the working copy holds a run of three full-scale samples (ClipDetector's rule). The
 * import decides on the signal before its high-pass; the working copy is after it, where a flattened peak
 * still sits at full scale within a few tenths of a percent, so this is the same test read off what is kept.
 */
export function hasClippedRun(samples: Float32Array, level = CLIP_LEVEL): boolean {
  let run = 0
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!
    if (v >= level || v <= -level) {
      if (++run === 3) return true
    } else run = 0
  }
  return false
}

async function readSpan(wavPath: string, startS: number, endS: number) {
  const source = await openWavSource(wavPath)
  try {
    const sr = source.sampleRate
    const a = Math.max(0, Math.min(source.frames, Math.round(startS * sr)))
    const b = Math.max(a, Math.min(source.frames, Math.round(endS * sr)))
    return { samples: await source.read(a, b - a), sampleRate: sr }
  } finally {
    await source.close()
  }
}

/** The worker task behind the selection readout and the f0/intensity overlay. */
export async function analyseSelectionFromWav(args: {
  wavPath: string
  startS: number
  endS: number
}): Promise<SelectionAnalysis> {
  const { samples, sampleRate } = await readSpan(args.wavPath, args.startS, args.endS)
  return analyseSelection(samples, sampleRate)
}

/** The worker task of a corrected or hand-marked cry: its measures and clipping, as the import stores them. */
export async function measureSpanFromWav(args: {
  wavPath: string
  startS: number
  endS: number
}): Promise<{ measures: CryMeasures; clipped: boolean }> {
  const { samples, sampleRate } = await readSpan(args.wavPath, args.startS, args.endS)
  return { measures: measureCry(samples, sampleRate), clipped: hasClippedRun(samples) }
}
