// Entry point for reading any supported audio file: probe (format, rate, channels, duration, embedded dates)
// and a streaming mono decode at the native rate.
import fs from 'node:fs/promises'
import { AudioRefusal } from './refusal'
import { readWavInfo, readWavMono } from './wav'

export interface AudioProbe {
  /** Container/codec, e.g. "wav/pcm_s16le". */
  format: string
  sampleRate: number
  channels: number
  durationS: number
  /** Dates embedded in the file (WAV bext / LIST INFO), as written. */
  bextDate: string | null
  infoDate: string | null
}

export async function probeAudio(file: string): Promise<AudioProbe> {
  const head = await readHead(file, 12)
  if (head.length === 0) throw new AudioRefusal('zero-length', 'the file is empty (0 bytes)')
  const magic = head.toString('latin1', 0, 4)
  if (magic === 'RIFF' || magic === 'RF64' || magic === 'BW64') {
    const info = await readWavInfo(file)
    return {
      format: `wav/${info.codec}`,
      sampleRate: info.sampleRate,
      channels: info.channels,
      durationS: info.durationS,
      bextDate: info.bextDate,
      infoDate: info.infoDate,
    }
  }
  throw new AudioRefusal('not-audio', 'not a recognised audio file')
}

export async function* decodeMono(file: string): AsyncGenerator<Float32Array> {
  const info = await readWavInfo(file)
  yield* readWavMono(file, info)
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const fh = await fs.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new AudioRefusal('unreadable', `the file cannot be opened (${err.code ?? err.message})`)
  })
  try {
    const buf = Buffer.alloc(n)
    const { bytesRead } = await fh.read(buf, 0, n, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}
