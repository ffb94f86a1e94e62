// Protocol A's metrics on the ward simulator's ground truth: stage 0's segmentation of long recordings with ward
// noise (monitor beeps and alarms, HVAC, speech, doors, distant infants), scored against every expiration the
// simulator placed. Each recording streams from the simulator through what an import applies to a 16 kHz WAV
// (16-bit quantisation, the 100 Hz high-pass, the streaming segmenter) without a file in between, so hours of
// audio never sit in memory. Beyond protocol A's figures: event recall per phonation type and per deviation state
// (do the cries a deviation produces still get found?), and what the false detections overlapped.
import { HighPass } from '../engine/audio/preprocess'
import { PIPELINE_RATE } from '../engine/audio/resample'
import { CrySegmenter, type CrySegment, type SegmentOptions } from '../engine/audio/segment'
import {
  planWard,
  simulateRecording,
  type CryTruth,
  type RecordingTruth,
  type WardConfig,
} from '../engine/sim'
import {
  addCounts,
  eventCounts,
  frameCounts,
  scores,
  type Counts,
  type Interval,
} from './metrics/segmentation'
import type { SegmentationScores } from './segmentation-run'

export interface WardSegmentationReport extends SegmentationScores {
  /** The ward as simulated (resolved config). */
  ward: WardConfig
  recordings: number
  audio_s: number
  /** Simulation and segmentation together, as × realtime. */
  x_realtime: number
  /** Event recall of the reference cries of each phonation type. */
  recall_by_phonation: Record<string, { cries: number; recall: number }>
  /** Event recall of usual cries (severity 0) and of cries changed by a deviation (severity > 0). */
  recall_by_state: Record<'usual' | 'deviating', { cries: number; recall: number }>
  /** Estimated cries overlapping no reference cry, by the ward sound they overlap most ('none': background only). */
  false_detections_by_background: Record<string, number>
}

export interface WardSegmentationOptions {
  segment?: SegmentOptions
  signal?: AbortSignal
  onRecording?: (done: number, total: number) => void
}

/** Segments every recording of the ward `config` plans and scores it against the simulator's truth. */
export async function evaluateSegmentationOnWard(
  config: Partial<WardConfig>,
  opts: WardSegmentationOptions = {},
): Promise<WardSegmentationReport> {
  const plan = planWard({ ...config, sampleRate: PIPELINE_RATE })
  let frames: Counts = { tp: 0, fp: 0, fn: 0 }
  let events: Counts = { tp: 0, fp: 0, fn: 0 }
  let refs = 0
  let ests = 0
  let audioS = 0
  const byPhonation = new Map<string, Counts>()
  const byState = new Map<string, Counts>()
  const falseBy: Record<string, number> = {}
  const t0 = performance.now()
  for (const [i, recording] of plan.recordings.entries()) {
    const { truth, found } = await segmentSimulated(plan, recording, opts)
    const reference: Interval[] = truth.cries.map((c) => [c.startS, c.endS])
    const estimate: Interval[] = found.map((c) => [c.startS, c.endS])
    frames = addCounts(frames, frameCounts(reference, estimate, recording.durationS))
    events = addCounts(events, eventCounts(reference, estimate))
    refs += reference.length
    ests += estimate.length
    audioS += recording.durationS
    tallyRecall(byPhonation, truth.cries, estimate, (c) => c.phonation)
    tallyRecall(byState, truth.cries, estimate, (c) => (c.severity > 0 ? 'deviating' : 'usual'))
    for (const e of estimate) {
      if (truth.cries.some((c) => overlap([c.startS, c.endS], e) > 0)) continue
      const kind = mostOverlapped(truth, e)
      falseBy[kind] = (falseBy[kind] ?? 0) + 1
    }
    opts.onRecording?.(i + 1, plan.recordings.length)
  }
  const f = scores(frames)
  const e = scores(events)
  const recall = (m: Map<string, Counts>) =>
    Object.fromEntries(
      [...m]
        .sort()
        .map(([k, c]) => [k, { cries: c.tp + c.fn, recall: c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0 }]),
    )
  const states = recall(byState)
  return {
    frame_f1: f.f1,
    frame_precision: f.precision,
    frame_recall: f.recall,
    event_f1: e.f1,
    event_precision: e.precision,
    event_recall: e.recall,
    clips: plan.recordings.length,
    reference_events: refs,
    estimated_events: ests,
    ward: plan.config,
    recordings: plan.recordings.length,
    audio_s: audioS,
    x_realtime: audioS / ((performance.now() - t0) / 1000),
    recall_by_phonation: recall(byPhonation),
    recall_by_state: {
      usual: states.usual ?? { cries: 0, recall: 0 },
      deviating: states.deviating ?? { cries: 0, recall: 0 },
    },
    false_detections_by_background: Object.fromEntries(Object.entries(falseBy).sort()),
  }
}

/** What an import applies to simulated samples, in place: 16-bit quantisation as a WAV carries it
 * (wav-writer.ts writes ×32767, wav.ts reads ÷32768), then the 100 Hz high-pass (one per recording). */
export function asImported(samples: Float32Array, highPass: HighPass): void {
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!
    samples[i] = (s >= 1 ? 32767 : s <= -1 ? -32767 : Math.round(s * 32767)) / 32768
  }
  highPass.process(samples)
}

/** One recording, simulated and segmented chunk by chunk. */
async function segmentSimulated(
  plan: ReturnType<typeof planWard>,
  recording: ReturnType<typeof planWard>['recordings'][number],
  opts: WardSegmentationOptions,
): Promise<{ truth: RecordingTruth; found: CrySegment[] }> {
  const highPass = new HighPass()
  const segmenter = new CrySegmenter(opts.segment)
  const found: CrySegment[] = []
  let truth: RecordingTruth | null = null
  await simulateRecording(
    plan,
    recording,
    {
      write(samples) {
        asImported(samples, highPass)
        found.push(...segmenter.push(samples))
      },
      close(t) {
        found.push(...segmenter.finish())
        truth = t
      },
    },
    { signal: opts.signal },
  )
  return { truth: truth!, found }
}

/** Per key, how many of its reference cries an estimate matches (protocol A's collars, matched per key). */
function tallyRecall(
  into: Map<string, Counts>,
  cries: CryTruth[],
  estimate: Interval[],
  key: (c: CryTruth) => string,
): void {
  const groups = new Map<string, Interval[]>()
  for (const c of cries) {
    const k = key(c)
    const g = groups.get(k) ?? groups.set(k, []).get(k)!
    g.push([c.startS, c.endS])
  }
  for (const [k, refs] of groups) {
    const c = eventCounts(refs, estimate)
    into.set(k, addCounts(into.get(k) ?? { tp: 0, fp: 0, fn: 0 }, { tp: c.tp, fp: 0, fn: c.fn }))
  }
}

function overlap(a: Interval, b: Interval): number {
  return Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]))
}

function mostOverlapped(truth: RecordingTruth, e: Interval): string {
  let best = 'none'
  let most = 0
  for (const b of truth.background) {
    const o = overlap([b.startS, b.endS], e)
    if (o > most) {
      most = o
      best = b.kind
    }
  }
  return best
}
