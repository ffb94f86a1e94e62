// The ffmpeg binary shipped in @ffmpeg-installer/ffmpeg: probing (it has no ffprobe, so ffmpeg's own input
// banner is parsed) and streaming decode to f32le through a pipe, so memory stays bounded whatever the file
// length. Every run has timeouts and is killed on cancel, so a hostile file can neither hang nor crash us.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { AudioRefusal } from './refusal'

export const PROBE_TIMEOUT_MS = 20_000
/** No output for this long while we wait for it means the decoder is stuck. */
export const IDLE_TIMEOUT_MS = 30_000
const STDERR_KEEP = 16 * 1024

let cachedPath: string | null | undefined

/** Path of the bundled ffmpeg (inside app.asar.unpacked when packaged), or null where none ships. */
export function ffmpegPath(): string | null {
  if (cachedPath !== undefined) return cachedPath
  try {
    const require = createRequire(import.meta.url)
    const p = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path.replace(
      /app\.asar([\\/])/,
      'app.asar.unpacked$1',
    )
    cachedPath = fs.existsSync(p) ? p : null
  } catch {
    cachedPath = null
  }
  return cachedPath
}

function requireFfmpeg(): string {
  const p = ffmpegPath()
  if (!p) throw new AudioRefusal('unsupported-codec', 'this format needs ffmpeg, which is not installed')
  return p
}

export interface FfmpegProbe {
  demuxer: string
  codec: string
  sampleRate: number
  channels: number
  /** Container duration, or null when ffmpeg does not know it ("N/A"). */
  durationS: number | null
  /** True when ffmpeg guessed the duration from the bit rate. */
  durationEstimated: boolean
  /** creation_time / date tag, as written. */
  metadataDate: string | null
}

/** Reads format, codec, rate, channels and duration from ffmpeg's input banner. */
export async function probeWithFfmpeg(file: string, demuxer: string): Promise<FfmpegProbe> {
  const args = ['-hide_banner', '-nostdin', '-f', demuxer, '-i', file]
  const { stderr, timedOut } = await runToEnd(requireFfmpeg(), args, PROBE_TIMEOUT_MS)
  if (timedOut)
    throw new AudioRefusal('decode-failed', 'the file could not be read in time (probe timed out)')
  return parseProbe(stderr, demuxer)
}

const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  downmix: 2,
  '2.1': 3,
  '3.0': 3,
  '3.0(back)': 3,
  '4.0': 4,
  quad: 4,
  'quad(side)': 4,
  '3.1': 4,
  '5.0': 5,
  '5.0(side)': 5,
  '4.1': 5,
  '5.1': 6,
  '5.1(side)': 6,
  '6.0': 6,
  '6.0(front)': 6,
  hexagonal: 6,
  '6.1': 7,
  '6.1(back)': 7,
  '6.1(front)': 7,
  '7.0': 7,
  '7.0(front)': 7,
  '7.1': 8,
  '7.1(wide)': 8,
  '7.1(wide-side)': 8,
  octagonal: 8,
  hexadecagonal: 16,
}

export function parseProbe(stderr: string, demuxer: string): FfmpegProbe {
  const audio = /Stream #\d+:\d+[^:]*: Audio: ([^,\s]+)[^,]*, (\d+) Hz, ([^,]+)/.exec(stderr)
  if (!audio) {
    const why = lastErrorLine(stderr)
    if (/Invalid data found|could not find codec parameters|moov atom not found/i.test(stderr))
      throw new AudioRefusal('not-audio', `not a readable audio file (${why})`)
    if (/Stream #\d+:\d+/.test(stderr)) throw new AudioRefusal('not-audio', 'the file has no audio stream')
    throw new AudioRefusal('not-audio', `not a readable audio file (${why})`)
  }
  const [, codec, rate, layout] = audio
  const sampleRate = Number(rate)
  const n = /^(\d+) channels/.exec(layout!.trim())
  const channels = n ? Number(n[1]) : (LAYOUT_CHANNELS[layout!.trim()] ?? 0)
  if (codec === 'none' || /unknown/i.test(codec!))
    throw new AudioRefusal('unsupported-codec', `the audio codec of this ${demuxer} file is not supported`)
  if (!(sampleRate > 0)) throw new AudioRefusal('bad-header', `absurd sample rate ${rate} Hz`)
  const dur = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr)
  const durationS = dur ? Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]) : null
  const date = /^\s*(?:creation_time|date)\s*: (\S.*)$/im.exec(stderr)
  return {
    demuxer,
    codec: codec!,
    sampleRate,
    channels,
    durationS,
    durationEstimated: /Estimating duration from bitrate/.test(stderr),
    metadataDate: date ? date[1]!.trim() : null,
  }
}

function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(Input #|Output|At least one output|Metadata:|Duration:|Stream #)/.test(l))
  const line = lines[lines.length - 1] ?? 'no detail'
  // ffmpeg prefixes messages with the file path: keep only the message.
  return line.replace(/^.*?: (?=[A-Z])/, '').slice(0, 200)
}

async function runToEnd(
  bin: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (s: string) => {
    if (stderr.length < 256 * 1024) stderr += s
  })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, timeoutMs)
  try {
    const [code] = (await once(child, 'close')) as [number | null]
    return { code, stderr, timedOut }
  } catch (err) {
    throw new AudioRefusal('decode-failed', `ffmpeg could not be started (${(err as Error).message})`)
  } finally {
    clearTimeout(timer)
  }
}

export interface StreamOptions {
  signal?: AbortSignal
  idleTimeoutMs?: number
}

/**
 * Runs ffmpeg with the given arguments (which must write f32le to pipe:1) and yields its output as
 * Float32Array chunks. Backpressure is the pipe's: ffmpeg waits while we are busy, so memory stays flat.
 */
export async function* ffmpegF32Stream(
  args: string[],
  opts: StreamOptions = {},
): AsyncGenerator<Float32Array> {
  const bin = requireFfmpeg()
  const child = spawn(bin, ['-hide_banner', '-nostdin', '-v', 'error', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_KEEP)
  })
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>
  closed.catch(() => undefined)
  let spawnError: Error | null = null
  child.on('error', (e) => (spawnError = e))

  const it = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  let carry: Buffer | null = null
  let finished = false
  try {
    for (;;) {
      const next = await nextOrTimeout(it, opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS, opts.signal)
      if (next === 'timeout')
        throw new AudioRefusal(
          'decode-failed',
          'the decoder stopped responding (timed out), the file may be damaged',
        )
      if (next === 'aborted') throw new DOMException('import cancelled', 'AbortError')
      if (next.done) break
      let buf = next.value
      if (carry) {
        buf = Buffer.concat([carry, buf])
        carry = null
      }
      const whole = buf.length - (buf.length % 4)
      if (whole < buf.length) carry = Buffer.from(buf.subarray(whole))
      if (whole === 0) continue
      // Copy into an aligned Float32Array: pipe chunks are not 4-byte aligned.
      const out = new Float32Array(whole / 4)
      new Uint8Array(out.buffer).set(buf.subarray(0, whole))
      yield out
    }
    const [code, signal] = await closed
    if (spawnError)
      throw new AudioRefusal(
        'decode-failed',
        `ffmpeg could not be started (${(spawnError as Error).message})`,
      )
    if (code !== 0) {
      const why = lastErrorLine(stderr)
      throw new AudioRefusal(
        'decode-failed',
        `the audio could not be decoded (${signal ? `decoder killed by ${signal}` : why})`,
      )
    }
    finished = true
  } finally {
    if (!finished) child.kill('SIGKILL')
  }
}

async function nextOrTimeout<T>(
  it: AsyncIterator<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<IteratorResult<T> | 'timeout' | 'aborted'> {
  if (signal?.aborted) return 'aborted'
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([
      it.next(),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms))),
      new Promise<'aborted'>((r) => {
        onAbort = () => r('aborted')
        signal?.addEventListener('abort', onAbort, { once: true })
      }),
    ])
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  }
}

/** ffmpeg filter that averages all channels into one, like the WAV reader does (ffmpeg's -ac 1 does not). */
export function averageChannelsFilter(channels: number): string | null {
  if (channels <= 1) return null
  const w = (1 / channels).toPrecision(8)
  return `pan=mono|c0=${Array.from({ length: channels }, (_, i) => `${w}*c${i}`).join('+')}`
}
