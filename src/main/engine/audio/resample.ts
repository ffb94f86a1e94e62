// Band-limited resampling to the 16 kHz pipeline rate. Files are resampled by soxr inside ffmpeg (soxrArgs):
// measured on this project's 2-core machine, the WebAssembly libsamplerate runs 48 kHz → 16 kHz at about
// 110× realtime (medium) to 170× (fastest), far below the 1000× the import must reach, while soxr, a library
// of the same quality class, runs natively in the ffmpeg process that decodes anyway. libsamplerate
// (Erik de Castro Lopo's Secret Rabbit Code, WebAssembly build) stays for in-process resampling of arrays
// and streams: hosts without ffmpeg, and other stages that resample typed arrays.
import libsamplerate from '@alexanderolsen/libsamplerate-js'

const { create, ConverterType } = libsamplerate

export const PIPELINE_RATE = 16000

export type ResampleQuality = 'best' | 'medium' | 'fastest'

const QUALITY = {
  best: ConverterType.SRC_SINC_BEST_QUALITY,
  medium: ConverterType.SRC_SINC_MEDIUM_QUALITY,
  fastest: ConverterType.SRC_SINC_FASTEST,
} as const

/** ffmpeg output arguments: optional channel mix, soxr to 16 kHz at 20-bit precision, mono f32le. */
export function soxrArgs(mix: string | null = null, outRate = PIPELINE_RATE): string[] {
  const chain = [mix, `aresample=${outRate}:resampler=soxr:precision=20`].filter(Boolean).join(',')
  return ['-af', chain, '-ac', '1', '-f', 'f32le', '-c:a', 'pcm_f32le']
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

/**
 * The wrapper accepts rates up to 192 kHz only, but libsamplerate itself sees just their ratio:
 * reduce the pair so that recorders at 384 kHz still resample.
 */
function wrapperRates(inRate: number, outRate: number): [number, number] {
  const g = gcd(inRate, outRate)
  let a = inRate / g
  let b = outRate / g
  const scale = Math.max(a, b) / 192000
  if (scale > 1) {
    a = Math.max(1, Math.round(a / scale))
    b = Math.max(1, Math.round(b / scale))
  }
  return [a, b]
}

/**
 * Resamples a stream of mono chunks from `inRate` to `outRate` with libsamplerate. The converter holds back
 * half its filter length; at the end of input it is flushed with silence and the output trimmed, so the
 * output has exactly round(n × outRate / inRate) samples, time-aligned with the input.
 */
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
  const [a, b] = wrapperRates(inRate, outRate)
  const src = await create(1, a, b, { converterType: QUALITY[quality] })
  let inCount = 0
  let outCount = 0
  try {
    for await (const chunk of chunks) {
      inCount += chunk.length
      // Chunks above the wrapper's 1M-sample buffer are split by it with a fresh copy each: keep ours small.
      for (let o = 0; o < chunk.length; o += 262144) {
        const out = src.full(chunk.subarray(o, Math.min(chunk.length, o + 262144)))
        outCount += out.length
        if (out.length) yield out
      }
    }
    const expected = Math.round((inCount * outRate) / inRate)
    const silence = new Float32Array(Math.max(256, Math.ceil(inRate / 100)))
    for (let guard = 0; outCount < expected && guard < 1000; guard++) {
      const out = src.full(silence)
      const keep = Math.min(out.length, expected - outCount)
      outCount += keep
      if (keep) yield out.slice(0, keep)
    }
  } finally {
    src.destroy()
  }
}

/** Resamples a whole array (short clips). Exact length, as resampleStream. */
export async function resampleArray(
  samples: Float32Array,
  inRate: number,
  outRate = PIPELINE_RATE,
  quality: ResampleQuality = 'medium',
): Promise<Float32Array> {
  if (inRate === outRate) return samples.slice()
  const parts: Float32Array[] = []
  async function* one() {
    yield samples
  }
  for await (const p of resampleStream(one(), inRate, outRate, quality)) parts.push(p)
  return concat(parts)
}

export function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
