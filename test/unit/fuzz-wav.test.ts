// Hostile input: property-based fuzzing of the streaming WAV/RF64 reader (src/main/engine/audio/wav.ts) with
// random bytes, mutated valid headers (every encoding, extensible, bext, LIST/INFO, RF64/ds64) and absurd
// sizes. Every file is either read consistently (header invariants hold; streaming yields exactly the
// declared frames, all finite, in [-1, 1]) or refused with an AudioRefusal; never another exception, never a
// hang, never a huge allocation. Bounded in time; prints its counts.
import fc from 'fast-check'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeAudio } from '../../src/main/engine/audio/decode'
import { AudioRefusal } from '../../src/main/engine/audio/refusal'
import { readWavInfo, readWavMono, type WavInfo } from '../../src/main/engine/audio/wav'
import { scaled } from '../helpers/time-scale'

let dir: string
let n = 0
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-fuzz-wav-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const CASE_TIMEOUT_MS = scaled(5000)
const counts = { cases: 0, accepted: 0, refused: {} as Record<string, number> }

/** Builds a WAV in memory: any encoding the reader claims, optional extensible/bext/LIST chunks, RF64. */
interface Spec {
  format: 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'f32' | 'f64'
  channels: number
  rate: number
  frames: number
  extensible: boolean
  bext: boolean
  list: boolean
  rf64: boolean
  samples: number[]
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  format: fc.constantFrom('pcm8', 'pcm16', 'pcm24', 'pcm32', 'f32', 'f64'),
  channels: fc.integer({ min: 1, max: 4 }),
  rate: fc.constantFrom(8000, 16000, 44100, 48000),
  frames: fc.integer({ min: 1, max: 300 }),
  extensible: fc.boolean(),
  bext: fc.boolean(),
  list: fc.boolean(),
  rf64: fc.boolean(),
  samples: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 16 }),
})

function buildWav(s: Spec): Buffer {
  const bits = { pcm8: 8, pcm16: 16, pcm24: 24, pcm32: 32, f32: 32, f64: 64 }[s.format]
  const float = s.format.startsWith('f')
  const block = (s.channels * bits) / 8
  const data = Buffer.alloc(s.frames * block)
  for (let i = 0; i < s.frames * s.channels; i++) {
    const v = s.samples[i % s.samples.length]!
    const o = i * (bits / 8)
    if (s.format === 'pcm8') data[o] = Math.round(v * 127 + 128)
    else if (s.format === 'pcm16') data.writeInt16LE(Math.round(v * 32767), o)
    else if (s.format === 'pcm24') data.writeIntLE(Math.round(v * 8388607), o, 3)
    else if (s.format === 'pcm32') data.writeInt32LE(Math.round(v * 2147483647), o)
    else if (s.format === 'f32') data.writeFloatLE(v, o)
    else data.writeDoubleLE(v, o)
  }
  const chunk = (id: string, body: Buffer) => {
    const h = Buffer.alloc(8)
    h.write(id, 0, 'latin1')
    h.writeUInt32LE(body.length, 4)
    return Buffer.concat([h, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)])
  }
  const fmt = Buffer.alloc(s.extensible ? 40 : 16)
  fmt.writeUInt16LE(s.extensible ? 0xfffe : float ? 3 : 1, 0)
  fmt.writeUInt16LE(s.channels, 2)
  fmt.writeUInt32LE(s.rate, 4)
  fmt.writeUInt32LE(s.rate * block, 8)
  fmt.writeUInt16LE(block, 12)
  fmt.writeUInt16LE(bits, 14)
  if (s.extensible) {
    fmt.writeUInt16LE(22, 16)
    fmt.writeUInt16LE(bits, 18)
    fmt.writeUInt16LE(float ? 3 : 1, 24)
  }
  const parts: Buffer[] = []
  if (s.rf64) {
    const ds = Buffer.alloc(28)
    ds.writeBigUInt64LE(BigInt(data.length), 8)
    parts.push(chunk('ds64', ds))
  }
  parts.push(chunk('fmt ', fmt))
  if (s.bext) {
    const b = Buffer.alloc(602)
    b.write('2026-05-01', 320, 'latin1')
    b.write('12:34:56', 330, 'latin1')
    parts.push(chunk('bext', b))
  }
  if (s.list)
    parts.push(
      chunk('LIST', Buffer.concat([Buffer.from('INFO'), chunk('ICRD', Buffer.from('2026-05-01 08:00\0'))])),
    )
  const dataChunk = chunk('data', data)
  if (s.rf64) dataChunk.writeUInt32LE(0xffffffff, 4)
  parts.push(dataChunk)
  const body = Buffer.concat(parts)
  const head = Buffer.alloc(12)
  head.write(s.rf64 ? 'RF64' : 'RIFF', 0, 'latin1')
  head.writeUInt32LE(s.rf64 ? 0xffffffff : body.length + 4, 4)
  head.write('WAVE', 8, 'latin1')
  return Buffer.concat([head, body])
}

type Mutation =
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'u32'; at: number; value: number }
  | { kind: 'u16'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; junk: Uint8Array }

const ABSURD_U32 = [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000, 1 << 20, 43]
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(160), value: fc.nat(255) }),
  fc.record({
    kind: fc.constant('u32' as const),
    at: fc.nat(160),
    value: fc.oneof(fc.constantFrom(...ABSURD_U32), fc.nat({ max: 0xffffffff })),
  }),
  fc.record({
    kind: fc.constant('u16' as const),
    at: fc.nat(160),
    value: fc.constantFrom(0, 1, 3, 0xfffe, 0xffff, 7, 65),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(2000) }),
  fc.record({ kind: fc.constant('append' as const), junk: fc.uint8Array({ maxLength: 64 }) }),
)

function mutate(buf: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(buf)
  for (const m of ms) {
    if (m.kind === 'truncate') b = b.subarray(0, Math.min(b.length, m.at))
    else if (m.kind === 'append') b = Buffer.concat([b, Buffer.from(m.junk)])
    else if (m.kind === 'byte' && m.at < b.length) b[m.at] = m.value
    else if (m.kind === 'u32' && m.at + 4 <= b.length) b.writeUInt32LE(m.value >>> 0, m.at)
    else if (m.kind === 'u16' && m.at + 2 <= b.length) b.writeUInt16LE(m.value, m.at)
  }
  return b
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let t: NodeJS.Timeout
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>(
      (_, reject) => (t = setTimeout(() => reject(new Error(`hang: ${what}`)), CASE_TIMEOUT_MS)),
    ),
  ])
}

/** Reads a file through the WAV reader; returns 'accepted' or the refusal kind; throws on anything else. */
async function readThrough(bytes: Buffer): Promise<string> {
  const file = path.join(dir, `case-${n++ % 4}.wav`)
  fs.writeFileSync(file, bytes)
  counts.cases++
  try {
    const info = await withTimeout(readWavInfo(file), 'readWavInfo')
    checkInfo(info, bytes.length)
    let frames = 0
    for await (const chunk of readWavMono(file, info, 97)) {
      for (const v of chunk) {
        // Float files may exceed full scale (the working copy clamps); nothing may be NaN or infinite.
        if (!Number.isFinite(v) || (info.encoding === 'pcm' && Math.abs(v) > 1 + 1e-6))
          throw new Error(`sample ${v} out of range`)
      }
      frames += chunk.length
    }
    expect(frames).toBe(info.frames)
    counts.accepted++
    return 'accepted'
  } catch (err) {
    if (!(err instanceof AudioRefusal)) throw err
    expect(err.message.length).toBeGreaterThan(5)
    counts.refused[err.kind] = (counts.refused[err.kind] ?? 0) + 1
    return err.kind
  }
}

function checkInfo(i: WavInfo, size: number): void {
  expect(i.dataOffset).toBeGreaterThanOrEqual(12)
  expect(i.dataOffset + i.dataBytes).toBeLessThanOrEqual(size)
  expect(i.frames).toBeGreaterThan(0)
  expect(i.frames * i.blockAlign).toBe(i.dataBytes)
  expect(i.blockAlign).toBe((i.channels * i.bitsPerSample) / 8)
  expect(i.channels).toBeGreaterThanOrEqual(1)
  expect(i.channels).toBeLessThanOrEqual(64)
  expect(i.sampleRate).toBeGreaterThanOrEqual(1000)
  expect(i.sampleRate).toBeLessThanOrEqual(768_000)
  expect(Number.isFinite(i.durationS)).toBe(true)
}

const RUN = { interruptAfterTimeLimit: 8000, markInterruptAsFailure: false, seed: 9009 }

describe('WAV reader under hostile input', () => {
  it('reads every well-formed variant exactly', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, async (s) => {
        expect(await readThrough(buildWav(s))).toBe('accepted')
      }),
      { ...RUN, numRuns: 150 },
    )
  })

  it('refuses NaN and Infinity in a float file (found by this fuzzer; read as silence until issue 17)', async () => {
    const wav = buildWav({
      format: 'f32',
      channels: 1,
      rate: 16000,
      frames: 4,
      extensible: false,
      bext: false,
      list: false,
      rf64: false,
      samples: [0.5],
    })
    const data = wav.length - 16
    wav.writeFloatLE(NaN, data)
    wav.writeFloatLE(Infinity, data + 4)
    wav.writeFloatLE(-Infinity, data + 8)
    const file = path.join(dir, 'nan.wav')
    fs.writeFileSync(file, wav)
    const info = await readWavInfo(file)
    const read = async () => {
      for await (const _ of readWavMono(file, info)) void _
    }
    await expect(read()).rejects.toThrow(/not numbers/)
  })

  it('random bytes, with and without a RIFF/WAVE or RF64 prefix: read consistently or refused', async () => {
    const prefix = fc.constantFrom(
      Buffer.alloc(0),
      Buffer.from('RIFF\xff\xff\xff\xffWAVE', 'latin1'),
      Buffer.from('RF64\xff\xff\xff\xffWAVEds64', 'latin1'),
      Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'),
    )
    await fc.assert(
      fc.asyncProperty(prefix, fc.uint8Array({ maxLength: 2048 }), async (p, rest) => {
        await readThrough(Buffer.concat([p, Buffer.from(rest)]))
      }),
      { ...RUN, numRuns: 500 },
    )
  })

  it('mutated valid headers and absurd sizes: read consistently or refused with a plain reason', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (s, ms) => {
        await readThrough(mutate(buildWav(s), ms))
      }),
      { ...RUN, numRuns: 1200 },
    )
  })

  it('probeAudio (the import entry point) refuses hostile WAV-looking files the same way', async () => {
    let probed = 0
    await fc.assert(
      fc.asyncProperty(specArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (s, ms) => {
        const file = path.join(dir, `probe-${n++ % 4}.wav`)
        fs.writeFileSync(file, mutate(buildWav(s), ms))
        probed++
        try {
          const p = await withTimeout(probeAudio(file), 'probeAudio')
          expect(p.durationS).toBeGreaterThan(0)
        } catch (err) {
          if (!(err instanceof AudioRefusal)) throw err
        }
      }),
      { ...RUN, numRuns: 300, interruptAfterTimeLimit: 5000 },
    )
    console.log(
      `[fuzz-wav] ${counts.cases} WAV reader cases: ${counts.accepted} read, refused ${JSON.stringify(counts.refused)}; ${probed} probeAudio cases; no crash, no hang`,
    )
    expect(counts.cases).toBeGreaterThan(200)
  })
})
