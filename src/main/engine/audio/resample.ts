// Streaming band-limited resampling to the pipeline rate with libsamplerate (WebAssembly build of
// Erik de Castro Lopo's Secret Rabbit Code), one converter per stream so filter state carries across chunks.
import libsamplerate from '@alexanderolsen/libsamplerate-js'

const { create, ConverterType } = libsamplerate

export const PIPELINE_RATE = 16000

export type ResampleQuality = 'best' | 'medium' | 'fastest'

const QUALITY = {
  best: ConverterType.SRC_SINC_BEST_QUALITY,
  medium: ConverterType.SRC_SINC_MEDIUM_QUALITY,
  fastest: ConverterType.SRC_SINC_FASTEST,
} as const

/** Resamples a stream of mono chunks from `inRate` to `outRate`. Passes chunks through when the rates match. */
export async function* resampleStream(
  chunks: AsyncIterable<Float32Array>,
  inRate: number,
  outRate = PIPELINE_RATE,
  quality: ResampleQuality = 'medium',
): AsyncGenerator<Float32Array> {
  if (inRate === outRate) {
    yield* chunks
    return
  }
  const src = await create(1, inRate, outRate, { converterType: QUALITY[quality] })
  try {
    for await (const chunk of chunks) {
      const out = src.full(chunk)
      if (out.length) yield out
    }
  } finally {
    src.destroy()
  }
}
