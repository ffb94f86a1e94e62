// The ward simulator: N infants × D days of recordings with ward background, cries at realistic times, and
// deviations ramping in from a known time in chosen infants (the others never change). Audio is streamed to
// a sink chunk by chunk, so hours of recording never sit in memory; the ground truth goes to the sink last.
// Every part draws from its own named random stream, so the same seed gives the same ward, byte for byte.
import { CryTrack, drawCryingHabit, planBouts, type CryingHabit } from './cry-track'
import {
  GROUND_TRUTH_FORMAT,
  clockMs,
  clockText,
  fileStamp,
  roundTo,
  type DeviationTruth,
  type InfantTruth,
  type RecordingTruth,
  type WardGroundTruth,
} from './ground-truth'
import { Rng } from './rng'
import { DEFAULT_DEVIATION, makeVoice, type Voice } from './voice'
import { WardBackground } from './ward-background'
import { DEFAULT_WARD, resolveWardConfig, type DeviationSpec, type WardConfig } from './ward-config'

/**
 * The name a recording's random stream is drawn under: its file name as it would be in a ward starting at
 * DEFAULT_WARD.start. What a recording holds then depends on the seed, its infant and its offset in the ward, never
 * on the calendar: the demo ward, which ends at the last midnight, is the same ward whatever day it is built on
 * (it used to change daily with the dates in its file names), and the evaluations' wards, which start at
 * DEFAULT_WARD.start, keep their audio byte for byte.
 */
export function calendarFreeName(recording: Pick<RecordingInfo, 'infant' | 'startS'>): string {
  const ms = clockMs(DEFAULT_WARD.start) + recording.startS * 1000
  return `${recording.infant}/${recording.infant}_${fileStamp(ms)}.wav`
}

/** One recording the simulator will write. */
export interface RecordingInfo {
  infant: string
  /** Path relative to the output folder, '/'-separated: `<infant>/<infant>_<YYYY-MM-DD_HH-MM-SS>.wav`. */
  file: string
  /** Local time of the first sample. */
  start: string
  /** Seconds since the ward's start. */
  startS: number
  durationS: number
  sampleRate: number
}

export interface RecordingWriter {
  write(samples: Float32Array): Promise<void> | void
  /** The recording is complete; `truth` lists its cries and background events. */
  close(truth: RecordingTruth): Promise<void> | void
  /** The simulation stopped before the recording was complete. */
  abort?(): Promise<void> | void
}

/** Receives the simulated ward: recordings one after another, then the ground truth of the whole ward. */
export interface WardSink {
  openRecording(recording: RecordingInfo): Promise<RecordingWriter> | RecordingWriter
  finish(truth: WardGroundTruth): Promise<void> | void
}

export interface WardProgress {
  recording: RecordingInfo
  /** 0-based index of the recording being written, of `recordings`. */
  index: number
  recordings: number
  audioSecondsDone: number
  audioSecondsTotal: number
}

export interface SimulateOptions {
  onProgress?: (progress: WardProgress) => void
  signal?: AbortSignal
}

interface InfantPlan {
  index: number
  label: string
  voice: Voice
  habit: CryingHabit
  deviation: DeviationTruth | null
}

export interface WardPlan {
  config: WardConfig
  infants: InfantPlan[]
  recordings: RecordingInfo[]
}

/** Seconds of audio generated between sink writes. */
const CHUNK_S = 10

/** Who the infants are, who deviates from when, and which recordings exist: cheap, no audio. */
export function planWard(partial: Partial<WardConfig>): WardPlan {
  const config = resolveWardConfig(partial)
  const root = new Rng(`ward/${config.seed}`)
  const wardStartMs = clockMs(config.start)
  const wardSpanS = config.days * 86400
  const width = String(config.infants).length < 2 ? 2 : String(config.infants).length
  const labels = Array.from(
    { length: config.infants },
    (_, i) => `${config.labelPrefix}-${String(i + 1).padStart(width, '0')}`,
  )

  const specs: DeviationSpec[] =
    config.deviations ??
    chooseDeviating(root.fork('deviating'), config.infants, config.deviating).map((infant, k) => ({
      infant,
      startHour: Math.round((root.fork(`deviation/${k}`).uniform(0.35, 0.6) * wardSpanS) / 3600),
    }))
  const infants: InfantPlan[] = labels.map((label, index) => {
    const spec = specs.find((s) => s.infant === index)
    const deviation: DeviationTruth | null = spec
      ? {
          startS: spec.startHour * 3600,
          start: clockText(wardStartMs + spec.startHour * 3600_000),
          rampHours: spec.rampHours ?? config.rampHours,
          severity: spec.severity ?? config.severity,
          profile: { ...DEFAULT_DEVIATION, ...config.deviation, ...spec.profile },
        }
      : null
    return {
      index,
      label,
      voice: makeVoice(`${config.seed}/${label}`),
      habit: drawCryingHabit(root.fork(`habit/${label}`)),
      deviation,
    }
  })

  const sessionS = Math.round((config.hoursPerDay * 3600) / config.sessionsPerDay)
  // Each session falls at a random time within its share of the day (hoursPerDay ≤ 24, so they never overlap).
  const windowS = 86400 / config.sessionsPerDay
  const recordings: RecordingInfo[] = []
  for (const infant of infants) {
    const rng = root.fork(`sessions/${infant.label}`)
    for (let day = 0; day < config.days; day++) {
      for (let k = 0; k < config.sessionsPerDay; k++) {
        // Whole seconds: the file name carries the start time to the second.
        const startS = Math.round(day * 86400 + k * windowS + rng.uniform(0, windowS - sessionS))
        const startMs = wardStartMs + startS * 1000
        recordings.push({
          infant: infant.label,
          file: `${infant.label}/${infant.label}_${fileStamp(startMs)}.wav`,
          start: clockText(startMs),
          startS,
          durationS: sessionS,
          sampleRate: config.sampleRate,
        })
      }
    }
  }
  recordings.sort((a, b) => a.startS - b.startS || a.infant.localeCompare(b.infant))
  return { config, infants, recordings }
}

function chooseDeviating(rng: Rng, infants: number, count: number): number[] {
  const order = Array.from({ length: infants }, (_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order.slice(0, count).sort((a, b) => a - b)
}

/** Simulates the ward into `sink` and returns its ground truth (also given to `sink.finish`). */
export async function simulateWard(
  config: Partial<WardConfig>,
  sink: WardSink,
  options: SimulateOptions = {},
): Promise<WardGroundTruth> {
  const plan = planWard(config)
  const audioSecondsTotal = plan.recordings.reduce((s, r) => s + r.durationS, 0)
  let audioSecondsDone = 0
  const truths: RecordingTruth[] = []
  for (const [index, recording] of plan.recordings.entries()) {
    const writer = await sink.openRecording(recording)
    const truth = await simulateRecording(plan, recording, writer, {
      signal: options.signal,
      onProgress: (seconds) =>
        options.onProgress?.({
          recording,
          index,
          recordings: plan.recordings.length,
          audioSecondsDone: audioSecondsDone + seconds,
          audioSecondsTotal,
        }),
    })
    audioSecondsDone += recording.durationS
    truths.push(truth)
  }
  const truth = wardGroundTruth(plan, truths)
  await sink.finish(truth)
  return truth
}

/**
 * Simulates one recording of a planned ward into `writer` (closing it) and returns its ground truth.
 * Recordings are independent of each other (each draws from its own named random stream), so callers may
 * spread them over workers, each calling planWard with the same config, and get the same bytes.
 */
export async function simulateRecording(
  plan: WardPlan,
  recording: RecordingInfo,
  writer: RecordingWriter,
  options: { signal?: AbortSignal; onProgress?: (audioSecondsDone: number) => void } = {},
): Promise<RecordingTruth> {
  const infant = plan.infants.find((i) => i.label === recording.infant)
  if (!infant) throw new Error(`recording ${recording.file} belongs to no infant of the plan`)
  const fs = recording.sampleRate
  const rng = new Rng(`ward/${plan.config.seed}`).fork(`recording/${calendarFreeName(recording)}`)
  const clockStartMs = clockMs(plan.config.start) + recording.startS * 1000
  const clockHour = (clockStartMs % 86400_000) / 3600_000
  const background = new WardBackground(rng.fork('background'), fs, recording.durationS, clockHour, {
    distantInfants: plan.config.distantInfants,
    activity: plan.config.wardActivity,
  })
  const bouts = planBouts(
    rng.fork('bouts'),
    recording.durationS,
    clockHour,
    infant.habit,
    plan.config.cryRate,
  )
  const cries = new CryTrack(rng.fork('cries'), bouts, infant.voice, infant.deviation, {
    startS: recording.startS,
    durationS: recording.durationS,
    sampleRate: fs,
    clockStartMs,
  })

  try {
    const total = Math.round(recording.durationS * fs)
    const chunk = CHUNK_S * fs
    for (let pos = 0; pos < total; pos += chunk) {
      if (options.signal?.aborted) throw new DOMException('simulation cancelled', 'AbortError')
      const out = new Float32Array(Math.min(chunk, total - pos))
      background.renderInto(out, pos)
      cries.mixInto(out, pos)
      await writer.write(out)
      options.onProgress?.((pos + out.length) / fs)
    }
  } catch (err) {
    await writer.abort?.()
    throw err
  }
  const truth: RecordingTruth = {
    ...recording,
    cries: cries.cries,
    background: background.events.map((e) => ({
      ...e,
      startS: roundTo(e.startS, 3),
      endS: roundTo(e.endS, 3),
      peakDb: roundTo(e.peakDb, 1),
    })),
  }
  await writer.close(truth)
  return truth
}

/** The ward's ground truth from its plan and its recordings' truths (in any order; sorted as planned). */
export function wardGroundTruth(plan: WardPlan, recordings: RecordingTruth[]): WardGroundTruth {
  const order = new Map(plan.recordings.map((r, i) => [r.file, i]))
  const infants: InfantTruth[] = plan.infants.map((i) => ({
    label: i.label,
    voice: i.voice,
    deviationStart: i.deviation?.start ?? null,
    deviation: i.deviation,
  }))
  return {
    format: GROUND_TRUTH_FORMAT,
    config: plan.config,
    wardStart: plan.config.start,
    infants,
    recordings: [...recordings].sort((a, b) => order.get(a.file)! - order.get(b.file)!),
  }
}
