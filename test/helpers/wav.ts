// Project-made test audio: PCM WAV files of tones (and optional noise), written synchronously.
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
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'latin1')
  h.writeUInt32LE(36 + data.length, 4)
  h.write('WAVE', 8, 'latin1')
  h.write('fmt ', 12, 'latin1')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20)
  h.writeUInt16LE(channels, 22)
  h.writeUInt32LE(spec.rate, 24)
  h.writeUInt32LE(spec.rate * channels * bytes, 28)
  h.writeUInt16LE(channels * bytes, 32)
  h.writeUInt16LE(bits, 34)
  h.write('data', 36, 'latin1')
  h.writeUInt32LE(data.length, 40)
  fs.writeFileSync(file, Buffer.concat([h, data]))
  return file
}
