import { describe, expect, it } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { decode16k, probeAudio } from '../../src/main/engine/audio/decode'
import { ffmpegPath } from '../../src/main/engine/audio/ffmpeg'
import {
  ClipDetector,
  clippedWithin,
  extractCry,
  HighPass,
  peakNormalise,
} from '../../src/main/engine/audio/preprocess'
import { concat, resampleArray, resampleStream } from '../../src/main/engine/audio/resample'

function impulseAt(rate: number, durationS: number, atS: number): Float32Array {
  const x = new Float32Array(Math.round(rate * durationS))
  x[Math.round(rate * atS)] = 1
  return x
}

/** A mono 32-bit float WAV. */
function floatWav(x: Float32Array, rate: number): Buffer {
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'latin1')
  h.writeUInt32LE(36 + x.byteLength, 4)
  h.write('WAVEfmt ', 8, 'latin1')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(3, 20)
  h.writeUInt16LE(1, 22)
  h.writeUInt32LE(rate, 24)
  h.writeUInt32LE(rate * 4, 28)
  h.writeUInt16LE(4, 32)
  h.writeUInt16LE(32, 34)
  h.write('data', 36, 'latin1')
  h.writeUInt32LE(x.byteLength, 40)
  return Buffer.concat([h, Buffer.from(x.buffer, x.byteOffset, x.byteLength)])
}

const argmax = (x: Float32Array) => x.reduce((m, v, i, a) => (Math.abs(v) > Math.abs(a[m]!) ? i : m), 0)

async function* chunks(x: Float32Array, n: number) {
  for (let o = 0; o < x.length; o += n) yield x.subarray(o, o + n)
}

describe('resampling to 16 kHz', () => {
  for (const rate of [8000, 11025, 22050, 44100, 48000, 96000, 192000, 384000]) {
    it(`libsamplerate: ${rate} Hz gives exactly round(n × 16000 / rate) samples, time-aligned`, async () => {
      const x = impulseAt(rate, 1.2345, 0.5)
      const y = await resampleArray(x, rate, 16000)
      expect(y.length).toBe(Math.round((x.length * 16000) / rate))
      expect(Math.abs(argmax(y) - 8000)).toBeLessThanOrEqual(1)
      // Streaming in small chunks gives the same length (the tail is flushed).
      const parts: Float32Array[] = []
      for await (const p of resampleStream(chunks(x, 997), rate, 16000)) parts.push(p)
      expect(concat(parts).length).toBe(y.length)
    })
  }

  it.skipIf(!ffmpegPath())(
    'soxr in ffmpeg gives the same length and alignment, from a WAV file',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-soxr-'))
      try {
        for (const rate of [8000, 44100, 48000]) {
          const x = impulseAt(rate, 1.2345, 0.5)
          const file = path.join(dir, `impulse-${rate}.wav`)
          fs.writeFileSync(file, floatWav(x, rate))
          const parts: Float32Array[] = []
          for await (const p of decode16k(file, await probeAudio(file))) parts.push(p)
          const y = concat(parts)
          expect(y.length).toBe(Math.round((x.length * 16000) / rate))
          expect(Math.abs(argmax(y) - 8000)).toBeLessThanOrEqual(1)
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  it('removes a tone above Nyquist instead of aliasing it', async () => {
    const rate = 48000
    const x = new Float32Array(rate).map((_, i) => Math.sin((2 * Math.PI * 12000 * i) / rate))
    const y = await resampleArray(x, rate, 16000)
    const rms = Math.sqrt(y.subarray(1000, -1000).reduce((s, v) => s + v * v, 0) / (y.length - 2000))
    expect(rms).toBeLessThan(0.01)
  })
})

describe('preprocessing', () => {
  it('high-pass removes DC and rumble but keeps the cry band, the same in pieces', () => {
    const rate = 16000
    const make = (f: number) =>
      new Float32Array(rate * 2).map((_, i) => 0.3 + 0.5 * Math.sin((2 * Math.PI * f * i) / rate))
    const level = (x: Float32Array) => Math.sqrt(x.subarray(rate).reduce((s, v) => s + v * v, 0) / rate)
    expect(level(new HighPass().process(make(30)))).toBeLessThan(0.5 * 0.1)
    expect(level(new HighPass().process(make(400)))).toBeGreaterThan(0.5 * 0.69)
    const x = make(400)
    const whole = new HighPass().process(x.slice())
    const hp = new HighPass()
    const pieces = concat([hp.process(x.slice(0, 777)), hp.process(x.slice(777))])
    expect(pieces).toEqual(whole)
  })

  it('flags runs of full-scale samples, frame by frame', () => {
    const x = new Float32Array(16000)
    x.fill(0.999, 8000, 8010) // 10 clipped samples at 0.5 s
    x[12000] = 1 // one full-scale peak is not clipping
    const d = new ClipDetector()
    d.push(x.subarray(0, 8005))
    d.push(x.subarray(8005))
    expect(d.clippedFrames).toEqual([50])
    expect(d.fraction).toBeCloseTo(11 / 16000, 6)
    expect(clippedWithin(d.clippedFrames, 0.45, 0.55)).toBe(true)
    expect(clippedWithin(d.clippedFrames, 0.6, 0.9)).toBe(false)
  })

  it('peak-normalises each cry to [−1, 1]', () => {
    const x = new Float32Array(32000).map((_, i) => 0.2 * Math.sin(i / 5))
    x[20000] = -0.4
    const c = extractCry(x, 1, 1.5)
    expect(c.length).toBe(8000)
    expect(Math.max(...c.map(Math.abs))).toBeCloseTo(1, 6)
    expect(c[20000 - 16000]).toBeCloseTo(-1, 6)
    expect(peakNormalise(new Float32Array(4))).toEqual(new Float32Array(4))
    expect(extractCry(x, 5, 6)).toHaveLength(0)
  })
})
