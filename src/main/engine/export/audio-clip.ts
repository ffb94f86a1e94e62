// A cry or a selection of a recording as a WAV file of its own: the samples of the 16 kHz working copy (what
// every measure and embedding was computed from) copied byte for byte, no re-quantisation, from the sample
// nearest the start to the sample nearest the end. Positioned reads: an hour-long recording is never read whole.
import fs from 'node:fs/promises'
import { readWavInfo } from '../audio/wav'
import { pcm16WavHeader } from '../audio/wav-writer'

/** Sample indices [start, end) of a time range, each boundary at the nearest sample, inside [0, frames]. */
export function sampleRange(
  startS: number,
  endS: number,
  sampleRate: number,
  frames: number,
): { start: number; end: number } {
  const start = Math.max(0, Math.min(frames, Math.round(startS * sampleRate)))
  const end = Math.max(start, Math.min(frames, Math.round(endS * sampleRate)))
  return { start, end }
}

export interface WavClip {
  /** A complete WAV file (44-byte header + 16-bit PCM). */
  bytes: Buffer
  sampleRate: number
  /** First sample of the clip in the recording, and its length in samples. */
  startSample: number
  frames: number
}

/** [startS, endS) of a working copy (mono 16-bit PCM, as stage 0 writes it) as a WAV file. */
export async function wavClip(wavPath: string, startS: number, endS: number): Promise<WavClip> {
  const info = await readWavInfo(wavPath)
  if (info.encoding !== 'pcm' || info.bitsPerSample !== 16 || info.channels !== 1)
    throw new Error(`the working copy is ${info.codec} with ${info.channels} channels, not mono 16-bit PCM`)
  const { start, end } = sampleRange(startS, endS, info.sampleRate, info.frames)
  const data = Buffer.alloc((end - start) * 2)
  const fh = await fs.open(wavPath, 'r')
  try {
    if (data.length) await fh.read(data, 0, data.length, info.dataOffset + start * 2)
  } finally {
    await fh.close()
  }
  return {
    bytes: Buffer.concat([pcm16WavHeader(info.sampleRate, data.length), data]),
    sampleRate: info.sampleRate,
    startSample: start,
    frames: end - start,
  }
}
