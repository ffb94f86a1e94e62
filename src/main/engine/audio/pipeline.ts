// Stage 0 for one recording: stream-decode → mono → 16 kHz → working copy + peaks (+ cries, added by the
// segmentation step). Pure Node: no database, no Electron; runs inside a worker.
import { decodeMono, probeAudio, type AudioProbe } from './decode'
import { PeakAccumulator, PEAKS_PER_SECOND } from './peaks'
import { PIPELINE_RATE, resampleStream } from './resample'
import { WavWriter } from './wav-writer'

export interface ProcessedRecording {
  probe: AudioProbe
  /** Frames written to the 16 kHz working copy. */
  frames: number
  durationS: number
  peaks: Int8Array
  clippedFraction: number
}

export interface ProcessOptions {
  sourcePath: string
  workingCopyPath: string
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
}

const CLIP_LEVEL = 0.999

export async function processRecording(opts: ProcessOptions): Promise<ProcessedRecording> {
  const probe = await probeAudio(opts.sourcePath)
  const writer = await WavWriter.create(opts.workingCopyPath, PIPELINE_RATE)
  const peaks = new PeakAccumulator(PIPELINE_RATE / PEAKS_PER_SECOND)
  let clipped = 0
  let nativeSamples = 0
  let seen = 0
  const expected = Math.max(1, Math.round(probe.durationS * PIPELINE_RATE))
  try {
    for await (const chunk of resampleStream(countClipping(decodeMono(opts.sourcePath)), probe.sampleRate)) {
      if (opts.signal?.aborted) throw new DOMException('import cancelled', 'AbortError')
      peaks.push(chunk)
      await writer.write(chunk)
      seen += chunk.length
      opts.onProgress?.(Math.min(1, seen / expected))
    }
  } catch (err) {
    await writer.abort()
    throw err
  }
  const frames = await writer.close()
  return {
    probe,
    frames,
    durationS: frames / PIPELINE_RATE,
    peaks: peaks.finish(),
    clippedFraction: nativeSamples ? clipped / nativeSamples : 0,
  }

  async function* countClipping(src: AsyncIterable<Float32Array>): AsyncGenerator<Float32Array> {
    for await (const chunk of src) {
      for (let i = 0; i < chunk.length; i++) if (Math.abs(chunk[i]!) >= CLIP_LEVEL) clipped++
      nativeSamples += chunk.length
      yield chunk
    }
  }
}
