// Reads the cries of a recording from its 16 kHz working copy (positioned reads: never the whole file) and
// peak-normalises each one, as the method prescribes before embedding.
import { peakNormalise } from '../audio/preprocess'
import { openWavSource } from '../audio/spectrogram'

export async function readRecordingCries(
  wavPath: string,
  cries: readonly { startS: number; endS: number }[],
): Promise<Float32Array[]> {
  const source = await openWavSource(wavPath)
  try {
    const out: Float32Array[] = []
    for (const c of cries) {
      const a = Math.max(0, Math.min(source.frames, Math.round(c.startS * source.sampleRate)))
      const b = Math.max(a, Math.min(source.frames, Math.round(c.endS * source.sampleRate)))
      out.push(peakNormalise(await source.read(a, b - a)))
    }
    return out
  } finally {
    await source.close()
  }
}
