// The hand-written streaming WAV reader, checked against ffmpeg's own WAV decoder on every variant of the
// fixture corpus (8/16/24/32-bit integer, 32/64-bit float, WAVE_FORMAT_EXTENSIBLE, 6 channels, RF64), and on
// what ffmpeg cannot read (BW64) against the same samples rewrapped as plain RIFF.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { averageChannelsFilter, ffmpegPath } from '../../src/main/engine/audio/ffmpeg'
import { readWavInfo, readWavMono } from '../../src/main/engine/audio/wav'
import { concat } from '../../src/main/engine/audio/resample'

const VALID = path.resolve(__dirname, '../fixtures/audio/valid')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-wav-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

async function ours(file: string, chunkFrames?: number): Promise<Float32Array> {
  const parts: Float32Array[] = []
  for await (const c of readWavMono(file, await readWavInfo(file), chunkFrames)) parts.push(c)
  return concat(parts)
}

function ffmpegMono(file: string, channels: number): Float32Array {
  const mix = averageChannelsFilter(channels)
  const out = execFileSync(
    ffmpegPath()!,
    ['-v', 'error', '-f', 'wav', '-i', file, ...(mix ? ['-af', mix] : []), '-f', 'f32le', '-'],
    {
      maxBuffer: 64 << 20,
    },
  )
  return new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength))
}

const maxDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0)

const VARIANTS: [string, string, number, number, number][] = [
  // file, codec, rate, channels, tolerance (a quantisation step of the format, and ffmpeg's f32 mixing)
  ['pcm8-8k.wav', 'pcm_u8', 8000, 1, 1 / 128],
  ['pcm16-16k.wav', 'pcm_s16le', 16000, 1, 1e-6],
  ['pcm24-44k1-stereo.wav', 'pcm_s24le', 44100, 2, 1e-6],
  ['pcm32-48k.wav', 'pcm_s32le', 48000, 1, 1e-6],
  ['float32-16k.wav', 'pcm_f32le', 16000, 1, 1e-7],
  ['float64-8k.wav', 'pcm_f64le', 8000, 1, 1e-7],
  ['extensible-pcm24-22k-6ch.wav', 'pcm_s24le', 22050, 6, 1e-6],
  ['extensible-float32-16k.wav', 'pcm_f32le', 16000, 1, 1e-7],
  ['rf64-pcm16-16k.wav', 'pcm_s16le', 16000, 1, 1e-6],
]

describe.skipIf(!ffmpegPath())('WAV reader agrees with ffmpeg', () => {
  for (const [name, codec, rate, channels, tol] of VARIANTS) {
    it(name, async () => {
      const file = path.join(VALID, name)
      const info = await readWavInfo(file)
      expect(info).toMatchObject({ codec, sampleRate: rate, channels })
      const mine = await ours(file, 997)
      const theirs = ffmpegMono(file, channels)
      expect(mine.length).toBe(theirs.length)
      expect(mine.length).toBe(info.frames)
      expect(maxDiff(mine, theirs)).toBeLessThanOrEqual(tol)
      // Not silence: the fixture's cry is in there.
      expect(Math.max(...mine.map(Math.abs))).toBeGreaterThan(0.2)
    })
  }

  it('BW64 (which this ffmpeg cannot read) holds the samples its ds64 chunk points at', async () => {
    const file = path.join(VALID, 'bw64-pcm16-48k-stereo.wav')
    const info = await readWavInfo(file)
    expect(info).toMatchObject({ container: 'BW64', sampleRate: 48000, channels: 2, frames: 14400 })
    const bytes = fs.readFileSync(file).subarray(info.dataOffset, info.dataOffset + info.dataBytes)
    const riff = path.join(tmp, 'bw64-as-riff.wav')
    fs.writeFileSync(riff, Buffer.concat([riffHeader(48000, 2, 16, bytes.length), bytes]))
    // ffmpeg mixes 16-bit stereo in 16 bits (rounding to ½ LSB); the reader mixes in floating point.
    expect(maxDiff(await ours(file), ffmpegMono(riff, 2))).toBeLessThanOrEqual(1 / 32768)
  })
})

function riffHeader(
  rate: number,
  channels: number,
  bits: number,
  dataBytes: number,
  dataSize = dataBytes,
): Buffer {
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'latin1')
  h.writeUInt32LE(36 + dataBytes, 4)
  h.write('WAVEfmt ', 8, 'latin1')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20)
  h.writeUInt16LE(channels, 22)
  h.writeUInt32LE(rate, 24)
  h.writeUInt32LE((rate * channels * bits) / 8, 28)
  h.writeUInt16LE((channels * bits) / 8, 32)
  h.writeUInt16LE(bits, 34)
  h.write('data', 36, 'latin1')
  h.writeUInt32LE(dataSize, 40)
  return h
}

describe('WAV headers', () => {
  const pcm = Buffer.from(new Int16Array([0, 16384, -16384, 32767, -32768, 8192]).buffer)

  it('reads a recorder that never finalised its sizes (0 or 0xFFFFFFFF) to the end of the file', async () => {
    for (const size of [0, 0xffffffff]) {
      const file = path.join(tmp, `unfinalised-${size}.wav`)
      fs.writeFileSync(file, Buffer.concat([riffHeader(16000, 1, 16, pcm.length, size), pcm]))
      const info = await readWavInfo(file)
      expect(info.frames).toBe(6)
      expect(Array.from(await ours(file))).toEqual([0, 0.5, -0.5, 32767 / 32768, -1, 0.25])
    }
  })

  it('skips odd-sized chunks with their pad byte, and reads bext and LIST/INFO dates', async () => {
    const odd = Buffer.concat([Buffer.from('junk', 'latin1'), Buffer.from([3, 0, 0, 0, 1, 2, 3, 0])])
    const bext = Buffer.alloc(8 + 602)
    bext.write('bext', 0, 'latin1')
    bext.writeUInt32LE(602, 4)
    bext.write('2024:03:05', 8 + 320, 'latin1')
    bext.write('14-22-10', 8 + 330, 'latin1')
    const icrd = Buffer.from('2023-11-02 08:15\0', 'latin1')
    const info = Buffer.concat([
      Buffer.from('INFOICRD', 'latin1'),
      u32(icrd.length),
      icrd,
      Buffer.alloc(icrd.length & 1),
    ])
    const list = Buffer.concat([Buffer.from('LIST', 'latin1'), u32(info.length), info])
    const h = riffHeader(16000, 1, 16, pcm.length)
    const body = Buffer.concat([h.subarray(12, 36), odd, bext, list, h.subarray(36), pcm])
    const file = path.join(tmp, 'chunks.wav')
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('RIFF', 'latin1'),
        u32(body.length + 4),
        Buffer.from('WAVE', 'latin1'),
        body,
      ]),
    )
    const w = await readWavInfo(file)
    expect(w).toMatchObject({ frames: 6, bextDate: '2024-03-05T14:22:10', infoDate: '2023-11-02T08:15:00' })
    expect((await ours(file))[1]).toBe(0.5)
  })

  it('refuses NaN and infinite float samples (damaged, not silent)', async () => {
    const f = Buffer.from(new Float32Array([0.5, NaN, Infinity, -0.25]).buffer)
    const h = riffHeader(16000, 1, 32, f.length)
    h.writeUInt16LE(3, 20)
    const file = path.join(tmp, 'nan.wav')
    fs.writeFileSync(file, Buffer.concat([h, f]))
    await expect(ours(file)).rejects.toThrow(/not numbers/)
  })
})

function u32(v: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(v)
  return b
}
