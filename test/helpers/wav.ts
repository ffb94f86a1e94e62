// Project-made test audio: PCM WAV files of tones or of given samples, written synchronously.
import fs from 'node:fs'

export interface ToneSpec {
  seconds: number
  rate: number
  channels?: number
  freq?: number
  bits?: 16 | 24 | 32
  amplitude?: number
}

export function writeToneWav(file: string, spec: ToneSpec): string {
  const channels = spec.channels ?? 1
  const bits = spec.bits ?? 16
  const frames = Math.round(spec.seconds * spec.rate)
  const bytes = bits / 8
  const data = Buffer.alloc(frames * channels * bytes)
  const amp = spec.amplitude ?? 0.5
  for (let i = 0; i < frames; i++) {
    const v = amp * Math.sin((2 * Math.PI * (spec.freq ?? 440) * i) / spec.rate)
    for (let c = 0; c < channels; c++) {
      const off = (i * channels + c) * bytes
      if (bits === 16) data.writeInt16LE(Math.round(v * 32767), off)
      else if (bits === 24) data.writeIntLE(Math.round(v * 8388607), off, 3)
      else data.writeInt32LE(Math.round(v * 2147483647), off)
    }
  }
  fs.writeFileSync(file, Buffer.concat([pcmHeader(data.length, spec.rate, channels, bits), data]))
  return file
}

/** A mono 16-bit PCM WAV of `samples` (clipped to [−1, 1]). */
export function writeSamplesWav(file: string, samples: Float32Array, rate: number): string {
  const data = Buffer.alloc(samples.length * 2)
  for (let i = 0; i < samples.length; i++)
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767), i * 2)
  fs.writeFileSync(file, Buffer.concat([pcmHeader(data.length, rate, 1, 16), data]))
  return file
}

function pcmHeader(dataBytes: number, rate: number, channels: number, bits: number): Buffer {
  const bytes = bits / 8
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'latin1')
  h.writeUInt32LE(36 + dataBytes, 4)
  h.write('WAVE', 8, 'latin1')
  h.write('fmt ', 12, 'latin1')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20)
  h.writeUInt16LE(channels, 22)
  h.writeUInt32LE(rate, 24)
  h.writeUInt32LE(rate * channels * bytes, 28)
  h.writeUInt16LE(channels * bytes, 32)
  h.writeUInt16LE(bits, 34)
  h.write('data', 36, 'latin1')
  h.writeUInt32LE(dataBytes, 40)
  return h
}
