// Do synthetic cries measure like real ones? f0, expiration duration and voiced fraction of synthetic
// expirations against the hand-marked `cry` intervals of the Donate-a-Cry clips in ../shared. Measured with
// the project's measureCry (src/main/engine/audio/measures.ts) when it exists, else with the plain
// autocorrelation tracker of test/unit/sim-measure.ts, so the synthesizer could be tuned before it landed. Skips without ../shared.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import ffmpeg from '@ffmpeg-installer/ffmpeg'
import { describe, expect, it } from 'vitest'
import { Rng, makeVoice, synthesizeCry } from '../../src/main/engine/sim'
import { mean, trackPitch } from '../unit/sim-measure'
import { scaled } from '../helpers/time-scale'

const SHARED = path.resolve(__dirname, '../../../shared/datasets')
const SEGMENTS = path.join(SHARED, 'cry-segments')
const AUDIO = path.join(SHARED, 'donateacry/audio')
const MEASURES = path.resolve(__dirname, '../../src/main/engine/audio/measures.ts')
const RATE = 16000
const hasShared = fs.existsSync(SEGMENTS) && fs.existsSync(AUDIO)
if (!hasShared)
  console.warn(`sim-realism: skipped, ${SEGMENTS} is absent (../shared is not beside the checkout)`)

interface CryMeasure {
  durationS: number
  f0Hz: number | null
  voicedFraction: number
}
type Measure = (samples: Float32Array, sampleRate: number) => CryMeasure

describe.skipIf(!hasShared)('synthetic cries measure like real Donate-a-Cry cries', () => {
  it(
    'f0, expiration duration and voiced fraction fall within the real range',
    { timeout: scaled(600_000) },
    async () => {
      const { measure, by } = await loadMeasure()
      const real = await measureRealCries(measure)
      const synthetic = measureSyntheticCries(measure)

      console.log(`measured with ${by}; real: ${real.length} expirations, synthetic: ${synthetic.length}`)
      const failures: string[] = []
      const quantities: [string, (m: CryMeasure) => number | null][] = [
        ['f0 (Hz)', (m) => m.f0Hz],
        ['expiration duration (s)', (m) => m.durationS],
        ['voiced fraction', (m) => m.voicedFraction],
      ]
      for (const [name, get] of quantities) {
        const r = percentiles(real.map(get))
        const s = percentiles(synthetic.map(get))
        console.log(`${name.padEnd(24)} p5     p10    p25    p50    p75    p90    p95`)
        console.log(`  real      ${fmtRow(r)}`)
        console.log(`  synthetic ${fmtRow(s)}`)
        // Within range: the synthetic median inside the real interquartile range, and the synthetic central 80 %
        // inside the real central 90 %.
        if (s.p50 < r.p25 || s.p50 > r.p75)
          failures.push(`${name}: synthetic median ${s.p50} outside real IQR`)
        if (s.p10 < r.p5 || s.p90 > r.p95) failures.push(`${name}: synthetic p10–p90 outside real p5–p95`)
      }
      expect(failures).toEqual([])
    },
  )
})

const PCT = [5, 10, 25, 50, 75, 90, 95] as const
type Percentiles = Record<`p${(typeof PCT)[number]}`, number>

function percentiles(values: (number | null)[]): Percentiles {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b)
  const out = {} as Percentiles
  for (const p of PCT)
    out[`p${p}`] = v.length ? v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))]! : NaN
  return out
}

function fmtRow(p: Percentiles): string {
  return PCT.map((q) => p[`p${q}`].toPrecision(3).padStart(6)).join(' ')
}

/** The project's measureCry when it exists, adapted to the three quantities compared here. */
async function loadMeasure(): Promise<{ measure: Measure; by: string }> {
  // SIM_REALISM_MEASURE=local compares with the local tracker even where measureCry exists.
  if (!fs.existsSync(MEASURES) || process.env.SIM_REALISM_MEASURE === 'local') {
    return { measure: localMeasure, by: 'the local autocorrelation tracker' }
  }
  const mod = (await import(/* @vite-ignore */ pathToFileURL(MEASURES).href)) as {
    measureCry?: (s: Float32Array, r: number) => Record<string, unknown>
  }
  if (typeof mod.measureCry !== 'function') throw new Error(`${MEASURES} exports no measureCry`)
  const measureCry = mod.measureCry
  const field = (m: Record<string, unknown>, re: RegExp): number | null => {
    const key = Object.keys(m).find((k) => re.test(k))
    if (key === undefined) throw new Error(`measureCry result has no field matching ${re}: ${Object.keys(m)}`)
    const v = m[key]
    return typeof v === 'number' && Number.isFinite(v) ? v : null
  }
  return {
    by: 'measureCry (src/main/engine/audio/measures.ts)',
    measure: (samples, sampleRate) => {
      const m = measureCry(samples, sampleRate)
      return {
        durationS: samples.length / sampleRate,
        f0Hz: field(m, /^f0.*mean/i),
        voicedFraction: field(m, /^voiced.*fraction/i) ?? 0,
      }
    },
  }
}

/** The local stand-in for measureCry: the autocorrelation tracker of the simulator's tests. */
function localMeasure(samples: Float32Array, sampleRate: number): CryMeasure {
  const track = trackPitch(samples, sampleRate)
  return {
    durationS: samples.length / sampleRate,
    f0Hz: track.f0Hz.length ? mean(track.f0Hz) : null,
    voicedFraction: track.frames ? track.f0Hz.length / track.frames : 0,
  }
}

function measureSyntheticCries(measure: Measure): CryMeasure[] {
  const out: CryMeasure[] = []
  for (let infant = 0; infant < 40; infant++) {
    const voice = makeVoice(`realism-${infant}`)
    const rng = new Rng(`realism-${infant}`)
    for (let c = 0; c < 2; c++) {
      const cry = synthesizeCry(voice, { severity: 0, sampleRate: RATE }, rng)
      for (const e of cry.expirations) {
        out.push(measure(cry.samples.subarray(Math.round(e.startS * RATE), Math.round(e.endS * RATE)), RATE))
      }
    }
  }
  return out
}

async function measureRealCries(measure: Measure): Promise<CryMeasure[]> {
  const out: CryMeasure[] = []
  const grids = fs.readdirSync(SEGMENTS).filter((f) => f.endsWith('.TextGrid'))
  for (const grid of grids) {
    const audio = path.join(AUDIO, grid.replace(/\.TextGrid$/, '.flac'))
    if (!fs.existsSync(audio)) continue
    const cries = cryIntervals(fs.readFileSync(path.join(SEGMENTS, grid), 'utf8'))
    if (!cries.length) continue
    const samples = await decode16k(audio)
    for (const c of cries) {
      const from = Math.round(c.startS * RATE)
      const to = Math.min(samples.length, Math.round(c.endS * RATE))
      if (to - from < 0.05 * RATE) continue
      out.push({ ...measure(samples.subarray(from, to), RATE), durationS: c.endS - c.startS })
    }
  }
  return out
}

function cryIntervals(textGrid: string): { startS: number; endS: number }[] {
  const re = /xmin = ([\d.]+)\s+xmax = ([\d.]+)\s+text = "cry"/g
  return [...textGrid.matchAll(re)].map((m) => ({ startS: Number(m[1]), endS: Number(m[2]) }))
}

function decode16k(file: string): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg.path, [
      '-v',
      'error',
      '-i',
      file,
      '-ac',
      '1',
      '-ar',
      String(RATE),
      '-f',
      'f32le',
      '-',
    ])
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg exited ${code} on ${file}`))
      const buf = Buffer.concat(chunks)
      resolve(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4).slice())
    })
  })
}
