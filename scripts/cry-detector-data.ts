// Training data for stage 0's learned cry detector (src/main/engine/audio/cry-detector.ts), computed by the
// very code the segmenter runs (CryFrameAnalyzer → DetectorContext), so training and inference see the same
// inputs. Run by hand (never by CI):
//
//   npx tsx scripts/cry-detector-data.ts [--out training/.cache/cry-detector] [--seeds 101,102,103]
//
// Sources, each row tagged with its source recording so the trainer splits by recording:
// - simulated wards (seeds other than 1, 2 and 3, which `iclas eval segmentation-sim` reports): the simulator's
//   expirations of every phonation type against monitor beeps and alarms, speech, doors, HVAC, distant infants;
// - ../shared's hand-marked Donate-a-Cry clips (TextGrids), except the infants held out for protocol A
//   (every third infant by the hash in heldOut, listed in the card);
// - ../shared's non-cry clips (negatives: adult speech, laughter, ICU alarms and ambience, room silence),
//   except every third source recording, held out the same way (listed in the card);
// - Donate-a-Cry clips its curators rejected (white noise, baby chatter, adults imitating cries, silence) as
//   non-cry, except those of the held-out infants.
// Only spectra standing 3 dB above the floor are written (the detector is asked about no other); frames of no
// cry from the simulator are subsampled (each kept row carries its weight).
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { CryFrameAnalyzer, SPECTRAL_STEP } from '../src/main/engine/audio/cry-frames'
import {
  DETECTOR_INPUTS,
  DETECTOR_LOOKAHEAD,
  DETECTOR_MIN_SNR_DB,
  DetectorContext,
} from '../src/main/engine/audio/cry-detector'
import { createRng } from '../src/main/engine/anomaly/rng'
import { asImported } from '../src/main/evaluation/segmentation-ward'
import { HighPass } from '../src/main/engine/audio/preprocess'
import { PIPELINE_RATE } from '../src/main/engine/audio/resample'
import { listDatasets, loadClip16k, readCryIntervals, readDataset } from '../src/main/evaluation/datasets'
import { planWard, simulateRecording, type RecordingTruth } from '../src/main/engine/sim'

const args = process.argv.slice(2)
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1]! : dflt
}
const out = arg('--out', 'training/.cache/cry-detector')
const seeds = arg('--seeds', '101,102,103').split(',').map(Number)
/** What to write: clips (hand-marked Donate-a-Cry and negatives), rejected (Donate-a-Cry clips the curators
 * removed: white noise, baby chatter, adults imitating cries, silence), sim (simulated wards). */
const parts = arg('--parts', 'clips,rejected,sim').split(',')
const shared = process.env.ICLAS_SHARED ?? path.resolve('..', 'shared')
const SIM_NEGATIVE_KEEP = 0.2

/** Every third Donate-a-Cry infant and non-cry source recording (by hash) is held out of training, so protocol
 * A can report clips the detector never saw. */
function heldOut(key: string): boolean {
  return createHash('sha1').update(key).digest()[0]! % 3 === 0
}

// Kind codes in the meta file.
const KIND = { none: 0, phonation: 1, hyperphonation: 2, dysphonation: 3, 'real-cry': 4 } as const
type Kind = keyof typeof KIND

interface Row {
  input: Float32Array
  /** Spectrum index: its two 10 ms frames are 2j and 2j + 1. */
  j: number
}

fs.mkdirSync(out, { recursive: true })
const xFile = fs.openSync(path.join(out, 'x.f32'), 'w')
const metaRows: number[][] = []
const groups: string[] = []
let written = 0

/** Runs a 16 kHz stream through the analyser and keeps the detector inputs of spectra above the floor. */
class Tap {
  readonly rows: Row[] = []
  private readonly ctx = new DetectorContext()
  private readonly analyzer = new CryFrameAnalyzer((f) => {
    if (f.t % SPECTRAL_STEP) return
    if (this.ctx.push(f.features)) this.take()
  })
  push(x: Float32Array) {
    this.analyzer.push(x)
  }
  finish() {
    this.analyzer.finish()
    for (let k = 0; k < DETECTOR_LOOKAHEAD; k++) if (this.ctx.flushOne()) this.take()
  }
  private take() {
    if (this.ctx.centreSnrDb() > DETECTOR_MIN_SNR_DB)
      this.rows.push({ input: this.ctx.input.slice(), j: this.ctx.centre })
  }
}

/** Share of the spectrum's two 10 ms frames whose middle lies in a cry, and the cry's kind. */
function labelOf(j: number, cries: { startS: number; endS: number; kind: Kind; severity: number }[]) {
  let inside = 0
  let kind: Kind = 'none'
  let severity = 0
  for (const t of [(2 * j + 0.5) * 0.01, (2 * j + 1.5) * 0.01]) {
    const c = cries.find((c) => t >= c.startS && t < c.endS)
    if (c) {
      inside += 0.5
      kind = c.kind
      severity = c.severity
    }
  }
  return { inside, kind, severity }
}

// meta columns: label, weight, kind, severity>0, group, source (0 sim, 1 donateacry, 2 negatives, 3 rejected
// Donate-a-Cry clips), background code
const BACKGROUND: string[] = []
function write(
  rows: Row[],
  group: string,
  source: number,
  cries: { startS: number; endS: number; kind: Kind; severity: number }[],
  keepNegative: number,
  background: (j: number) => string,
  rand: () => number,
) {
  const g = groups.push(group) - 1
  for (const r of rows) {
    const l = labelOf(r.j, cries)
    let weight = 1
    if (l.inside === 0 && keepNegative < 1) {
      if (rand() >= keepNegative) continue
      weight = 1 / keepNegative
    }
    const bg = background(r.j)
    let code = BACKGROUND.indexOf(bg)
    if (code < 0) code = BACKGROUND.push(bg) - 1
    fs.writeSync(xFile, Buffer.from(r.input.buffer, r.input.byteOffset, r.input.byteLength))
    metaRows.push([l.inside, weight, KIND[l.kind], l.severity > 0 ? 1 : 0, g, source, code])
    written++
  }
}

async function simulated(seed: number) {
  const plan = planWard({
    seed,
    infants: 4,
    days: 2,
    hoursPerDay: 2,
    deviating: 3,
    sampleRate: PIPELINE_RATE,
  })
  for (const recording of plan.recordings) {
    const tap = new Tap()
    const highPass = new HighPass()
    let truth: RecordingTruth | null = null
    await simulateRecording(plan, recording, {
      write(samples) {
        asImported(samples, highPass)
        tap.push(samples)
      },
      close(t) {
        tap.finish()
        truth = t
      },
    })
    const t = truth! as RecordingTruth
    const cries = t.cries.map((c) => ({
      startS: c.startS,
      endS: c.endS,
      kind: c.phonation as Kind,
      severity: c.severity,
    }))
    const bg = (j: number) => {
      const s = (2 * j + 1) * 0.01
      const b = t.background.find((b) => s >= b.startS && s < b.endS)
      return b ? `sim/${b.kind}` : 'sim/none'
    }
    write(
      tap.rows,
      `sim${seed}/${recording.file}`,
      0,
      cries,
      SIM_NEGATIVE_KEEP,
      bg,
      createRng(seed * 7919 + written).next,
    )
    console.log(`seed ${seed} ${recording.file}: ${tap.rows.length} spectra, ${written} rows so far`)
  }
}

async function clips() {
  const heldOutInfants: string[] = []
  const heldOutNegatives: string[] = []
  const trained: string[] = []
  for (const dir of listDatasets(path.join(shared, 'datasets'))) {
    const ds = readDataset(dir)
    for (const clip of ds.clips) {
      let cries: { startS: number; endS: number; kind: Kind; severity: number }[]
      let source: number
      if (clip.segmentsFile && clip.infantId) {
        if (!parts.includes('clips')) continue
        if (heldOut(clip.infantId)) {
          if (!heldOutInfants.includes(clip.infantId)) heldOutInfants.push(clip.infantId)
          continue
        }
        if (!trained.includes(clip.infantId)) trained.push(clip.infantId)
        cries = readCryIntervals(clip.segmentsFile).map(([a, b]) => ({
          startS: a,
          endS: b,
          kind: 'real-cry',
          severity: 0,
        }))
        source = 1
      } else if (ds.schema === 'donateacry' && clip.curation === 'rejected' && clip.infantId) {
        if (!parts.includes('rejected')) continue
        if (heldOut(clip.infantId)) {
          heldOutNegatives.push(`${ds.name}/${clip.relPath}`)
          continue
        }
        cries = []
        source = 3
      } else if (ds.name === 'negatives') {
        // Clips cut from one source recording share its origin: held out together.
        if (!parts.includes('clips')) continue
        if (heldOut(clip.columns.origin || clip.relPath)) {
          heldOutNegatives.push(`${ds.name}/${clip.relPath}`)
          continue
        }
        cries = []
        source = 2
      } else continue
      const samples = await loadClip16k(clip.file)
      const tap = new Tap()
      tap.push(samples)
      tap.finish()
      const label =
        source === 2 ? `negatives/${clip.label}` : source === 3 ? 'donateacry/rejected' : 'donateacry'
      write(
        tap.rows,
        `${ds.name}/${clip.source ?? clip.relPath}`,
        source,
        cries,
        1,
        () => label,
        createRng(1).next,
      )
    }
    console.log(`${ds.name}: ${written} rows so far`)
  }
  return {
    heldOut: heldOutInfants.sort(),
    trained: trained.sort(),
    heldOutNegatives: heldOutNegatives.sort(),
  }
}

const infants = await clips()
if (parts.includes('sim')) for (const seed of seeds) await simulated(seed)
fs.closeSync(xFile)
const meta = new Float32Array(metaRows.length * 7)
metaRows.forEach((r, i) => meta.set(r, i * 7))
fs.writeFileSync(path.join(out, 'meta.f32'), meta)
fs.writeFileSync(
  path.join(out, 'index.json'),
  JSON.stringify(
    {
      inputs: DETECTOR_INPUTS,
      rows: written,
      meta: ['label', 'weight', 'kind', 'deviating', 'group', 'source', 'background'],
      kinds: KIND,
      backgrounds: BACKGROUND,
      groups,
      parts,
      seeds: parts.includes('sim') ? seeds : [],
      simNegativeKeep: SIM_NEGATIVE_KEEP,
      donateacryInfantsTrained: infants.trained,
      donateacryInfantsHeldOut: infants.heldOut,
      negativesHeldOut: infants.heldOutNegatives,
    },
    null,
    1,
  ),
)
console.log(`${written} rows → ${out}`)
