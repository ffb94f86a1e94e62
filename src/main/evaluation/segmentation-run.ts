// Protocol A (docs/evaluation.md): cry segmentation against hand-marked expirations. Every clip of the given
// dataset folders that has a TextGrid is decoded exactly as an import decodes it, segmented, and scored;
// counts are summed over clips. Also reports the figures per subset (platform, or dataset) so a method that
// only works on one kind of phone shows it.
import fs from 'node:fs'
import path from 'node:path'
import { RULE_BASED_OPTIONS, segmentCries, type SegmentOptions } from '../engine/audio/segment'
import { checkoutModelsDir } from '../engine/embed/registry'
import { segmentByEnergy } from '../engine/audio/segment-energy'
import { PIPELINE_RATE } from '../engine/audio/resample'
import { loadClip16k, readCryIntervals, readDataset, type DatasetClip } from './datasets'
import {
  addCounts,
  eventCounts,
  frameCounts,
  scores,
  type Counts,
  type Interval,
} from './metrics/segmentation'

/** 'cry': the segmenter imports use (with its learned detector); 'rules': the same without the detector (the
 * rule-based stage 0 it replaced); 'energy': the protocol's trivial baseline. */
export type SegmentationMethod = 'cry' | 'rules' | 'energy'

/** Subset of the Donate-a-Cry infants the cry detector was never trained on (its card lists them). */
export const DETECTOR_HELD_OUT_SUBSET = 'infants unseen by the detector'

/** What the shipped cry detector's card says was held out of its training: Donate-a-Cry infants, and non-cry
 * clips (`<dataset>/<path as its manifest writes it>`). */
export function detectorHeldOut(modelsDir = checkoutModelsDir()): {
  infants: Set<string>
  clips: Set<string>
} {
  const card = path.join(modelsDir, 'cry-detector.card.json')
  if (!fs.existsSync(card)) return { infants: new Set(), clips: new Set() }
  const c = JSON.parse(fs.readFileSync(card, 'utf8')) as {
    data?: { donateacry_infants_held_out?: string[]; negatives_held_out?: string[] }
  }
  return {
    infants: new Set(c.data?.donateacry_infants_held_out ?? []),
    clips: new Set(c.data?.negatives_held_out ?? []),
  }
}

export interface SegmentationScores {
  frame_f1: number
  frame_precision: number
  frame_recall: number
  event_f1: number
  event_precision: number
  event_recall: number
  clips: number
  /** Reference and estimated cries. */
  reference_events: number
  estimated_events: number
}

export interface SegmentationReport extends SegmentationScores {
  method: SegmentationMethod
  /** Gain applied to the clips before segmentation, dB (0: as recorded). */
  gain_db: number
  datasets: string[]
  audio_s: number
  /** Segmentation time only (decoding excluded), as × realtime. */
  segment_x_realtime: number
  subsets: Record<string, SegmentationScores>
}

/** Multiplies a clip by a gain given in dB, in place (protocol A's level check, `--gain-db`). */
export function applyGainDb(samples: Float32Array, gainDb: number | undefined): Float32Array {
  if (!gainDb) return samples
  const g = 10 ** (gainDb / 20)
  for (let i = 0; i < samples.length; i++) samples[i]! *= g
  return samples
}

export interface LabelDetections {
  clips: number
  /** Share of clips in which at least one cry was found. */
  clips_with_cries: number
  /** Share of the audio marked as cry. */
  cry_time: number
}

/**
 * Cries found in labelled clips without TextGrids (negatives, other cry sources), per label: on non-cry
 * labels (ICU alarms, adult speech, silence…) every detection is a false one, on `cry` it is a recall proxy.
 */
export async function detectionsByLabel(
  dirs: string[],
  opts: {
    segment?: SegmentOptions
    /** Gain applied to every clip before segmentation, dB. */
    gainDb?: number
    concurrency?: number
    onClip?: (done: number, total: number) => void
  } = {},
): Promise<Record<string, LabelDetections>> {
  const clips = dirs.flatMap((d) => {
    const ds = readDataset(d)
    // Donate-a-Cry clips are grouped by the curators' verdict (rejected: noise, chatter, adults imitating).
    const label = (c: DatasetClip) => (ds.schema === 'donateacry' ? (c.curation ?? '?') : (c.label ?? '?'))
    return ds.clips
      .filter((c) => !c.segmentsFile)
      .map((c) => ({ clip: c, key: `${ds.name}/${label(c)}`, id: `${ds.name}/${c.relPath}` }))
  })
  const acc = new Map<string, { clips: number; withCries: number; cryS: number; audioS: number }>()
  const unseen = detectorHeldOut().clips
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < clips.length) {
      const { clip, key, id } = clips[next++]!
      const samples = applyGainDb(await loadClip16k(clip.file), opts.gainDb)
      const found = segmentCries(samples, opts.segment)
      const keys = unseen.has(id) ? [key, `${key} · unseen by the detector`] : [key]
      for (const k of keys) {
        const a = acc.get(k) ?? acc.set(k, { clips: 0, withCries: 0, cryS: 0, audioS: 0 }).get(k)!
        a.clips++
        if (found.length) a.withCries++
        a.cryS += found.reduce((t, c) => t + c.endS - c.startS, 0)
        a.audioS += samples.length / PIPELINE_RATE
      }
      opts.onClip?.(++done, clips.length)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker))
  return Object.fromEntries(
    [...acc]
      .sort()
      .map(([k, a]) => [
        k,
        { clips: a.clips, clips_with_cries: a.withCries / a.clips, cry_time: a.cryS / a.audioS },
      ]),
  )
}

export interface EvaluateOptions {
  method?: SegmentationMethod
  segment?: SegmentOptions
  /** Gain applied to every clip before segmentation, dB (e.g. −20: the same clips recorded 20 dB quieter). */
  gainDb?: number
  /** Clips decoded at once (each decode is an ffmpeg process). */
  concurrency?: number
  onClip?: (done: number, total: number) => void
}

interface Tally {
  frames: Counts
  events: Counts
  clips: number
  refs: number
  ests: number
}

const empty = (): Tally => ({
  frames: { tp: 0, fp: 0, fn: 0 },
  events: { tp: 0, fp: 0, fn: 0 },
  clips: 0,
  refs: 0,
  ests: 0,
})

function toScores(t: Tally): SegmentationScores {
  const f = scores(t.frames)
  const e = scores(t.events)
  return {
    frame_f1: f.f1,
    frame_precision: f.precision,
    frame_recall: f.recall,
    event_f1: e.f1,
    event_precision: e.precision,
    event_recall: e.recall,
    clips: t.clips,
    reference_events: t.refs,
    estimated_events: t.ests,
  }
}

/** Protocol A's scores of one hand-marked clip: its TextGrid's cries against the cries found. */
export function scoreClip(
  segmentsFile: string,
  found: readonly { startS: number; endS: number }[],
  durationS: number,
): { reference: Interval[]; estimate: Interval[]; frames: Counts; events: Counts } {
  const estimate: Interval[] = found.map((s) => [s.startS, s.endS])
  // A reference cry cannot outlast its audio (three Donate-a-Cry TextGrids describe a longer recording
  // than the 1.06 s file they sit beside): clip references to the audio, as the frames already are.
  const reference: Interval[] = readCryIntervals(segmentsFile)
    .filter(([a]) => a < durationS)
    .map(([a, b]) => [a, Math.min(b, durationS)])
  return {
    reference,
    estimate,
    frames: frameCounts(reference, estimate, durationS),
    events: eventCounts(reference, estimate),
  }
}

export async function evaluateSegmentation(
  dirs: string[],
  opts: EvaluateOptions = {},
): Promise<SegmentationReport> {
  const method = opts.method ?? 'cry'
  const clips: { clip: DatasetClip; subset: string }[] = []
  const names: string[] = []
  for (const dir of dirs) {
    const ds = readDataset(dir)
    const withSegments = ds.clips.filter((c) => c.segmentsFile)
    if (withSegments.length) names.push(ds.name)
    for (const clip of withSegments) clips.push({ clip, subset: clip.platform ?? ds.name })
  }
  if (!clips.length) throw new Error(`no clip with a cry-segments TextGrid in ${dirs.join(', ')}`)
  const total = empty()
  const subsets = new Map<string, Tally>()
  const heldOut = detectorHeldOut().infants
  // Whole samples, not seconds: clips finish in any order under concurrency, and an integer sum is the same
  // in every order (a sum of seconds differs in its last bits from run to run).
  let audioSamples = 0
  let segmentMs = 0
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < clips.length) {
      const { clip, subset } = clips[next++]!
      const samples = applyGainDb(await loadClip16k(clip.file), opts.gainDb)
      const durationS = samples.length / PIPELINE_RATE
      const t0 = performance.now()
      const found =
        method === 'energy'
          ? segmentByEnergy(samples, PIPELINE_RATE)
          : segmentCries(
              samples,
              method === 'rules' ? { ...RULE_BASED_OPTIONS, ...opts.segment } : opts.segment,
            )
      segmentMs += performance.now() - t0
      const { reference, estimate, frames: f, events: e } = scoreClip(clip.segmentsFile!, found, durationS)
      const into = (k: string) => subsets.get(k) ?? subsets.set(k, empty()).get(k)!
      const tallies = [total, into(subset)]
      if (clip.infantId && heldOut.has(clip.infantId)) tallies.push(into(DETECTOR_HELD_OUT_SUBSET))
      for (const t of tallies) {
        t.frames = addCounts(t.frames, f)
        t.events = addCounts(t.events, e)
        t.clips++
        t.refs += reference.length
        t.ests += estimate.length
      }
      audioSamples += samples.length
      opts.onClip?.(++done, clips.length)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker))
  const audioS = audioSamples / PIPELINE_RATE
  return {
    method,
    gain_db: opts.gainDb ?? 0,
    datasets: names,
    ...toScores(total),
    audio_s: audioS,
    segment_x_realtime: audioS / (segmentMs / 1000),
    subsets: Object.fromEntries([...subsets].sort().map(([k, t]) => [k, toScores(t)])),
  }
}
