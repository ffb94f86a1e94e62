// Entry point for reading any supported audio file: probe (format, rate, channels, duration, embedded dates)
// and a streaming decode to the 16 kHz mono pipeline rate. WAV is read by our own streaming reader (wav.ts);
// everything else by ffmpeg with the demuxer forced from the file's magic bytes (sniff.ts). Resampling runs
// in ffmpeg's soxr (libsamplerate-class quality, native speed; see resample.ts for why not in-process).
import fs from 'node:fs/promises'
import { averageChannelsFilter, ffmpegF32Stream, ffmpegPath, probeWithFfmpeg } from './ffmpeg'
import { checkAmrFrames, checkOggEnd } from './container-check'
import { AudioRefusal, nonFiniteRefusal } from './refusal'
import { PIPELINE_RATE, resampleStream, soxrArgs } from './resample'
import { DEMUXER, SNIFF_BYTES, sniffContainer, type Container } from './sniff'
import { readWavInfo, readWavMono, type WavInfo } from './wav'

export interface AudioProbe {
  /** Container/codec, e.g. "wav/pcm_s16le", "flac/flac", "3gp/amr_nb", "caf/adpcm_ima_qt". */
  format: string
  container: Container
  sampleRate: number
  channels: number
  /** Duration the file declares (decoding gives the exact one). */
  durationS: number
  /** Dates embedded in the file (WAV bext / LIST INFO), as written. */
  bextDate: string | null
  infoDate: string | null
  /** Other containers' creation_time / date tag, as written (often UTC with a zone). */
  metadataDate: string | null
  /** ffmpeg estimated the duration from the bit rate (MP3 without a Xing header). */
  durationEstimated: boolean
  /** Internal: the parsed WAV header, so decoding does not re-read it. */
  wav?: WavInfo
}

/** Recordings longer than this are refused: no ward recorder writes them, and a hostile header might. */
export const MAX_DURATION_S = 72 * 3600

export async function probeAudio(file: string): Promise<AudioProbe> {
  const head = await readHead(file, SNIFF_BYTES)
  if (head.length === 0) throw new AudioRefusal('zero-length', 'the file is empty (0 bytes)')
  if (head.length < 12 && /^(RIFF|RF64|BW64)/.test(head.toString('latin1')))
    throw new AudioRefusal(
      'truncated',
      `truncated: the file is only ${head.length} bytes, too short to hold audio`,
    )
  const sniffed = sniffContainer(head)
  if (sniffed.container === null) {
    throw new AudioRefusal(
      'not-audio',
      sniffed.looksLikeText
        ? 'not audio: this is a text file'
        : 'not a recognised audio file (WAV, FLAC, MP3, Ogg, M4A/3GP, CAF, AMR or AIFF)',
    )
  }
  if (sniffed.container === 'wav') {
    const info = await readWavInfo(file)
    checkDuration(info.durationS)
    return {
      format: `wav/${info.codec}`,
      container: 'wav',
      sampleRate: info.sampleRate,
      channels: info.channels,
      durationS: info.durationS,
      bextDate: info.bextDate,
      infoDate: info.infoDate,
      metadataDate: null,
      durationEstimated: false,
      wav: info,
    }
  }
  // What ffmpeg does not check: junk behind an AMR magic number, an Ogg file cut short.
  if (sniffed.container === 'amr') await checkAmrFrames(file)
  if (sniffed.container === 'ogg') await checkOggEnd(file)
  const demuxer = DEMUXER[sniffed.container]
  const p = await probeWithFfmpeg(file, demuxer)
  if (p.durationS !== null) checkDuration(p.durationS)
  if (p.sampleRate < 1000 || p.sampleRate > 768_000)
    throw new AudioRefusal('bad-header', `absurd sample rate ${p.sampleRate} Hz`)
  return {
    format: `${containerLabel(sniffed.container, head)}/${p.codec}`,
    container: sniffed.container,
    sampleRate: p.sampleRate,
    channels: p.channels || 1,
    durationS: p.durationS ?? 0,
    bextDate: null,
    infoDate: null,
    metadataDate: p.metadataDate,
    durationEstimated: p.durationEstimated || p.durationS === null,
  }
}

function checkDuration(s: number): void {
  if (s > MAX_DURATION_S)
    throw new AudioRefusal(
      'bad-header',
      `the header declares ${(s / 3600).toFixed(0)} hours of audio, more than the ${MAX_DURATION_S / 3600} h limit`,
    )
}

function containerLabel(c: Container, head: Buffer): string {
  if (c !== 'mp4') return c
  const brand = head.toString('latin1', 8, 12)
  if (brand.startsWith('3g')) return '3gp'
  if (brand === 'M4A ' || brand === 'M4B ') return 'm4a'
  return 'mp4'
}

export interface DecodeOptions {
  signal?: AbortSignal
  /** Force the in-process libsamplerate resampler (tests; hosts without ffmpeg). */
  resampler?: 'soxr' | 'libsamplerate'
}

/**
 * Streams a file as 16 kHz mono Float32 chunks (channels averaged). Memory is bounded whatever the length.
 * Refuses (AudioRefusal) files that decode to nothing or to much less than their header declares.
 */
export async function* decode16k(
  file: string,
  probe: AudioProbe,
  opts: DecodeOptions = {},
): AsyncGenerator<Float32Array> {
  let frames = 0
  const limit = MAX_DURATION_S * PIPELINE_RATE
  for await (const chunk of decodeRawAt(file, probe, opts, PIPELINE_RATE)) {
    frames += chunk.length
    // NaN or ±Infinity would poison every filter and measure downstream, and no recorder writes them: a file
    // that decodes to them is damaged, not silent.
    for (let i = 0; i < chunk.length; i++) if (!Number.isFinite(chunk[i]!)) throw nonFiniteRefusal()
    if (frames > limit)
      throw new AudioRefusal(
        'bad-header',
        `the file decodes to more than ${MAX_DURATION_S / 3600} hours of audio`,
      )
    yield chunk
  }
  if (frames === 0) {
    if (probe.durationS > 0.05)
      throw new AudioRefusal(
        'decode-failed',
        `the audio is damaged: the file declares ${probe.durationS.toFixed(1)} s but nothing could be decoded`,
      )
    throw new AudioRefusal('zero-length', 'the file contains no audio samples')
  }
  const decodedS = frames / PIPELINE_RATE
  if (!probe.durationEstimated && probe.durationS - decodedS > Math.max(0.5, 0.02 * probe.durationS)) {
    throw new AudioRefusal(
      'truncated',
      `truncated: the file declares ${probe.durationS.toFixed(1)} s of audio but only ${decodedS.toFixed(1)} s could be decoded`,
    )
  }
}

/**
 * Streams a file as mono Float32 chunks at `rate` (channels averaged; resampled as decode16k does), without
 * decode16k's checks: for the high-rate copy of a file decode16k has already read whole.
 */
export function decodeMonoAt(
  file: string,
  probe: AudioProbe,
  rate: number,
  opts: DecodeOptions = {},
): AsyncIterable<Float32Array> {
  return decodeRawAt(file, probe, opts, rate)
}

function decodeRawAt(
  file: string,
  probe: AudioProbe,
  opts: DecodeOptions,
  rate: number,
): AsyncIterable<Float32Array> {
  const useSoxr = (opts.resampler ?? 'soxr') === 'soxr' && ffmpegPath() !== null
  if (probe.container === 'wav') {
    const wav = probe.wav!
    if (probe.sampleRate === rate) return readWavMono(file, wav)
    if (!useSoxr) return resampleStream(readWavMono(file, wav), probe.sampleRate, rate)
    // ffmpeg reads the PCM our parser located (offset, length, encoding): RF64, BW64, unfinalised headers and
    // trailing chunks are all ours to interpret, and its native reader and soxr run beside the segmenter.
    const args = [
      ...['-f', rawPcmFormat(wav), '-ar', String(wav.sampleRate), '-ac', String(wav.channels)],
      ...['-skip_initial_bytes', String(wav.dataOffset), '-t', (wav.frames / wav.sampleRate).toFixed(9)],
      ...['-i', file, ...soxrArgs(averageChannelsFilter(wav.channels), rate), 'pipe:1'],
    ]
    return exactLength(
      ffmpegF32Stream(args, { signal: opts.signal }),
      Math.round((wav.frames * rate) / wav.sampleRate),
    )
  }
  const demuxer = DEMUXER[probe.container]
  const mix = averageChannelsFilter(probe.channels)
  const args = ['-f', demuxer, '-i', file, '-map', '0:a:0', '-vn', '-sn', '-dn']
  if (!useSoxr) {
    // No soxr: decode at the native rate and resample in-process.
    args.push(...(mix ? ['-af', mix] : ['-ac', '1']), '-f', 'f32le', '-c:a', 'pcm_f32le', 'pipe:1')
    return resampleStream(ffmpegF32Stream(args, { signal: opts.signal }), probe.sampleRate, rate)
  }
  args.push(...soxrArgs(mix, rate), 'pipe:1')
  return ffmpegF32Stream(args, { signal: opts.signal })
}

function rawPcmFormat(w: WavInfo): string {
  if (w.encoding === 'float') return w.bitsPerSample === 64 ? 'f64le' : 'f32le'
  return w.bitsPerSample === 8 ? 'u8' : `s${w.bitsPerSample}le`
}

/** Trims or pads (with silence) a stream to exactly `n` samples: raw reads may end within a packet. */
async function* exactLength(src: AsyncIterable<Float32Array>, n: number): AsyncGenerator<Float32Array> {
  let seen = 0
  for await (const chunk of src) {
    if (seen >= n) continue
    const keep = Math.min(chunk.length, n - seen)
    seen += keep
    yield keep === chunk.length ? chunk : chunk.subarray(0, keep)
  }
  if (seen < n && seen > 0) yield new Float32Array(n - seen)
}

/** Streams a file as mono chunks at its native rate (tests, tools). */
export async function* decodeMono(file: string): AsyncGenerator<Float32Array> {
  const probe = await probeAudio(file)
  if (probe.container === 'wav') {
    yield* readWavMono(file, probe.wav!)
    return
  }
  const mix = averageChannelsFilter(probe.channels)
  yield* ffmpegF32Stream([
    '-f',
    DEMUXER[probe.container],
    '-i',
    file,
    '-map',
    '0:a:0',
    ...(mix ? ['-af', mix] : ['-ac', '1']),
    '-f',
    'f32le',
    '-c:a',
    'pcm_f32le',
    'pipe:1',
  ])
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const fh = await fs.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new AudioRefusal('unreadable', `the file cannot be opened (${err.code ?? err.message})`)
  })
  try {
    const st = await fh.stat()
    if (st.isDirectory()) throw new AudioRefusal('unreadable', 'this is a folder, not a file')
    const buf = Buffer.alloc(n)
    const { bytesRead } = await fh.read(buf, 0, n, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}
