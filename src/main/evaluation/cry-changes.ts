// Known changes made to real cries for protocol E's real scenario: what an illness may do to a cry, applied to an
// infant's later recordings so the change time is known. Pitch raised with the timing kept (ffmpeg's asetrate +
// atempo, a WSOLA time-stretch) or by resampling (pitch up, expirations shorter), added aperiodicity (noise that
// follows the cry's own envelope, mixed to a set harmonics-to-noise ratio: breathy or hoarse), and shorter, weaker
// expirations (time-compressed with the pitch kept, attenuated). ffmpeg does the signal processing; this file
// only says which filters and checks what comes back.
import { spawn } from 'node:child_process'
import { ffmpegPath } from '../engine/audio/ffmpeg'
import { resampleArray } from '../engine/audio/resample'

const RATE = 16000

/** Runs one ffmpeg audio filter chain over a 16 kHz mono signal. */
export async function ffmpegFilter(wave: Float32Array, filter: string): Promise<Float32Array> {
  const bin = ffmpegPath()
  if (!bin)
    throw new Error('ffmpeg is not available: protocol E’s real changes need it (@ffmpeg-installer/ffmpeg)')
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'f32le',
    '-ar',
    `${RATE}`,
    '-ac',
    '1',
    '-i',
    'pipe:0',
  ]
  args.push('-af', filter, '-f', 'f32le', '-ar', `${RATE}`, '-ac', '1', 'pipe:1')
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const out: Buffer[] = []
  let err = ''
  child.stdout.on('data', (b: Buffer) => out.push(b))
  child.stderr.on('data', (b: Buffer) => (err += b.toString()))
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve(code ?? -1))
  })
  child.stdin.on('error', () => undefined)
  child.stdin.end(Buffer.from(wave.buffer, wave.byteOffset, wave.byteLength))
  const code = await done
  if (code !== 0) throw new Error(`ffmpeg filter "${filter}" failed (${code}): ${err.trim()}`)
  const buf = Buffer.concat(out)
  const copy = new Uint8Array(buf.length - (buf.length % 4))
  copy.set(buf.subarray(0, copy.length))
  return new Float32Array(copy.buffer)
}

/** Pitch × (1 + size), duration kept. */
export function pitchKeepDuration(wave: Float32Array, size: number): Promise<Float32Array> {
  const f = 1 + size
  return ffmpegFilter(wave, `asetrate=${RATE * f},aresample=${RATE},atempo=${(1 / f).toFixed(6)}`)
}

/** Pitch × (1 + size) by resampling: every duration shrinks by the same factor. */
export function pitchResample(wave: Float32Array, size: number): Promise<Float32Array> {
  return resampleArray(wave, Math.round(RATE * (1 + size)), RATE)
}

/** Noise shaped by the cry's own 20 ms envelope, mixed so the harmonics-to-noise ratio is `hnrDb`. */
export function aperiodic(wave: Float32Array, hnrDb: number, seed = 1): Float32Array {
  const half = Math.round(0.01 * RATE)
  const out = new Float32Array(wave.length)
  // Running sum of squares for the envelope.
  const cum = new Float64Array(wave.length + 1)
  for (let i = 0; i < wave.length; i++) cum[i + 1] = cum[i]! + wave[i]! * wave[i]!
  let s = seed >>> 0 || 1
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32
  const gain = 10 ** (-hnrDb / 20)
  for (let i = 0; i < wave.length; i++) {
    const a = Math.max(0, i - half)
    const b = Math.min(wave.length, i + half)
    const env = Math.sqrt((cum[b]! - cum[a]!) / Math.max(1, b - a))
    const g = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
    out[i] = wave[i]! + gain * env * g
  }
  return out
}

/** Expirations `size` shorter (pitch kept) and `levelDb` weaker. */
export async function shorterWeaker(wave: Float32Array, size: number, levelDb = 6): Promise<Float32Array> {
  const tempo = 1 / (1 - size)
  const out = await ffmpegFilter(wave, `atempo=${tempo.toFixed(6)}`)
  const g = 10 ** (-levelDb / 20)
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * g
  return out
}
