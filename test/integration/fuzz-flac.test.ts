// Hostile input through the non-WAV path: small FLAC files made by the project's ffmpeg, then mutated
// (STREAMINFO fields set to absurd values, bit flips in headers and frames, truncation, junk appended, other
// containers' magic bytes) and fed to probeAudio and the streaming decode, as an import would. Each file is
// decoded (finite samples) or refused with an AudioRefusal; nothing throws anything else, nothing hangs.
// Bounded in time; prints its counts. Skips, saying why, where ffmpeg or the FLAC path is absent.
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeMono, probeAudio } from '../../src/main/engine/audio/decode'
import { AudioRefusal } from '../../src/main/engine/audio/refusal'
import { writeToneWav } from '../helpers/wav'
import { scaled } from '../helpers/time-scale'

const CASE_TIMEOUT_MS = scaled(30_000)
let dir: string
let ffmpeg: string | null = null
const seeds: Buffer[] = []
let skipWhy: string | null = null

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-fuzz-flac-'))
  try {
    ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path
  } catch {
    skipWhy = 'the project ffmpeg (@ffmpeg-installer/ffmpeg) is not installed'
    return
  }
  for (const [i, spec] of [
    { seconds: 0.5, rate: 16000, channels: 1 },
    { seconds: 0.3, rate: 44100, channels: 2 },
    { seconds: 0.4, rate: 8000, channels: 1, bits: 24 as const },
  ].entries()) {
    const wav = writeToneWav(path.join(dir, `seed-${i}.wav`), { ...spec, freq: 300 + 100 * i })
    const flac = path.join(dir, `seed-${i}.flac`)
    const r = spawnSync(ffmpeg, ['-v', 'error', '-y', '-i', wav, '-c:a', 'flac', flac])
    if (r.status !== 0) throw new Error(`ffmpeg could not make a FLAC: ${r.stderr}`)
    seeds.push(fs.readFileSync(flac))
  }
  // The FLAC path may not exist in this build (WAV only): then there is nothing to fuzz.
  try {
    await probeAudio(path.join(dir, 'seed-0.flac'))
  } catch (err) {
    if (err instanceof AudioRefusal) skipWhy = `this build does not read FLAC (${err.message})`
    else throw err
  }
}, scaled(60_000))

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let t: NodeJS.Timeout
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>(
      (_, reject) => (t = setTimeout(() => reject(new Error(`hang: ${what}`)), CASE_TIMEOUT_MS)),
    ),
  ])
}

type Mutation =
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'u32be'; at: number; value: number }
  | { kind: 'truncate'; fraction: number }
  | { kind: 'junk'; bytes: Uint8Array }
  | { kind: 'magic'; tag: string }

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // STREAMINFO sits at bytes 8..42: rates, channels, bits, total samples, MD5.
  fc.record({ kind: fc.constant('byte' as const), at: fc.integer({ min: 4, max: 60 }), value: fc.nat(255) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(4000), bit: fc.nat(7) }),
  fc.record({
    kind: fc.constant('u32be' as const),
    at: fc.integer({ min: 8, max: 40 }),
    value: fc.constantFrom(0, 1, 0xffffffff, 0x7fffffff, 0x000fffff, 0xfff00000),
  }),
  fc.record({ kind: fc.constant('truncate' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('junk' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 256 }) }),
  fc.record({
    kind: fc.constant('magic' as const),
    tag: fc.constantFrom('OggS', 'caff', 'ID3\x04', '#!AMR\n', 'FORM'),
  }),
)

function mutate(seed: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(seed)
  for (const m of ms) {
    if (m.kind === 'byte' && m.at < b.length) b[m.at] = m.value
    else if (m.kind === 'flip' && m.at < b.length) b[m.at] = b[m.at]! ^ (1 << m.bit)
    else if (m.kind === 'u32be' && m.at + 4 <= b.length) b.writeUInt32BE(m.value >>> 0, m.at)
    else if (m.kind === 'truncate') b = b.subarray(0, Math.floor(b.length * m.fraction))
    else if (m.kind === 'junk') b = Buffer.concat([b, Buffer.from(m.bytes)])
    else if (m.kind === 'magic') b = Buffer.concat([Buffer.from(m.tag, 'latin1'), b.subarray(m.tag.length)])
  }
  return b
}

describe('FLAC and other containers under hostile input', () => {
  it(
    'mutated FLAC files are decoded or refused, never crash or hang',
    async (ctx) => {
      if (skipWhy) {
        console.log(`[fuzz-flac] skipped: ${skipWhy}`)
        ctx.skip()
      }
      const counts = { cases: 0, decoded: 0, refused: {} as Record<string, number> }
      let n = 0
      await fc.assert(
        fc.asyncProperty(
          fc.nat(seeds.length - 1),
          fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
          async (i, ms) => {
            const file = path.join(dir, `case-${n++ % 3}.flac`)
            fs.writeFileSync(file, mutate(seeds[i]!, ms))
            counts.cases++
            try {
              await withTimeout(
                (async () => {
                  const probe = await probeAudio(file)
                  expect(probe.sampleRate).toBeGreaterThan(0)
                  let samples = 0
                  for await (const chunk of decodeMono(file)) {
                    for (const v of chunk) if (!Number.isFinite(v)) throw new Error(`decoded ${v}`)
                    samples += chunk.length
                  }
                  expect(samples).toBeGreaterThanOrEqual(0)
                })(),
                `probe+decode ${JSON.stringify(ms)}`,
              )
              counts.decoded++
            } catch (err) {
              if (!(err instanceof AudioRefusal)) throw err
              counts.refused[err.kind] = (counts.refused[err.kind] ?? 0) + 1
            }
          },
        ),
        { numRuns: 240, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false, seed: 4242 },
      )
      console.log(
        `[fuzz-flac] ${counts.cases} mutated FLAC cases: ${counts.decoded} decoded, refused ${JSON.stringify(counts.refused)}; no crash, no hang`,
      )
      expect(counts.cases).toBeGreaterThan(10)
    },
    scaled(90_000),
  )
})
