// measureCry's pitch and harmonicity against Praat's on hand-marked cries: the reference values are made by
// scripts/make-praat-fixtures.ts with Debian's praat (test/fixtures/praat/pitch.json, numbers only); the audio is
// decoded here from ../shared, as an import decodes it. Skips where ../shared is absent.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { measureCry } from '../../src/main/engine/audio/measures'
import { loadClip16k } from '../../src/main/evaluation/datasets'
import { scaled } from '../helpers/time-scale'

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'praat', 'pitch.json')
const DATA = path.resolve(
  process.env.ICLAS_SHARED_DATASETS ?? path.join(__dirname, '..', '..', '..', 'shared', 'datasets'),
  'donateacry',
)
const present = fs.existsSync(path.join(DATA, 'manifest.csv'))
if (!present) console.warn(`audio-pitch-praat: ${DATA} is absent; the comparison with Praat is skipped`)

interface Fixture {
  clips: { file: string; cries: (number | null)[][] }[]
}

/** A cry whose mean f0 is this many octaves or more from Praat's counts as an octave error: nearer the octave
 * (or the fifth below/above, for a mix of octave-wrong frames) than the note. */
const OCTAVE_OFF = 0.5
/** Cries Praat finds voiced on at least this many 10 ms frames are compared. */
const MIN_VOICED_FRAMES = 5

interface Row {
  file: string
  startS: number
  praatF0: number
  oursF0: number | null
  oursMaxF0: number | null
  praatCc: number | null
  praatAc: number | null
  oursHnr: number | null
  oursCc: number | null
}

async function measureAll(): Promise<Row[]> {
  const fx = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Fixture
  const rows: Row[] = []
  for (const clip of fx.clips) {
    const x = await loadClip16k(path.join(DATA, clip.file))
    for (const [startS, endS, , voiced, mean, , cc, ac] of clip.cries) {
      if (voiced! < MIN_VOICED_FRAMES || mean === null) continue
      const m = measureCry(x.slice(Math.round(startS! * 16000), Math.round(endS! * 16000)), 16000)
      rows.push({
        file: clip.file,
        startS: startS!,
        praatF0: mean!,
        oursF0: m.f0MeanHz,
        oursMaxF0: m.f0MaxHz,
        praatCc: cc ?? null,
        praatAc: ac ?? null,
        oursHnr: m.hnrDb,
        oursCc: m.hnrCcDb ?? null,
      })
    }
  }
  return rows
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b)
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN
}

describe.skipIf(!present)('pitch against Praat (hand-marked Donate-a-Cry cries)', () => {
  it(
    'agrees on f0 within 2 % (median) with octave errors on at most 2 % of voiced cries',
    async () => {
      const rows = await measureAll()
      const ratios = rows.map((r) => (r.oursF0 ?? 0) / r.praatF0)
      const rel = ratios.map((q) => Math.abs(q - 1))
      const octave = rows.filter((_, i) => !(Math.abs(Math.log2(ratios[i]!)) < OCTAVE_OFF))
      const hnrAc = rows
        .filter((r) => r.oursHnr !== null && r.praatAc !== null)
        .map((r) => r.oursHnr! - r.praatAc!)
      const hnrCc = rows
        .filter((r) => r.oursCc !== null && r.praatCc !== null)
        .map((r) => r.oursCc! - r.praatCc!)
      console.log(
        `pitch vs Praat: ${rows.length} voiced cries, median |Δf0| ${(100 * median(rel)).toFixed(2)} %, ` +
          `${octave.length} (${((100 * octave.length) / rows.length).toFixed(2)} %) half an octave or more off; ` +
          `HNR median Δ vs Praat ac ${median(hnrAc).toFixed(2)} dB, cc harmonicity vs Praat cc ${median(hnrCc).toFixed(2)} dB`,
      )
      for (const r of octave.slice(0, 10))
        console.log(
          `  ${path.basename(r.file)} @${r.startS.toFixed(2)} s: ours ${r.oursF0?.toFixed(0)} Hz, Praat ${r.praatF0.toFixed(0)} Hz`,
        )
      // The tracker's ceiling (1500 Hz) holds on every frame of every cry.
      expect(Math.max(...rows.map((r) => r.oursMaxF0 ?? 0))).toBeLessThanOrEqual(1500)
      expect(median(rel)).toBeLessThanOrEqual(0.02)
      expect(octave.length / rows.length).toBeLessThanOrEqual(0.02)
    },
    scaled(600_000),
  )
})
