// The engine tasks a worker can run. Each is a thin adapter over a pure engine function.
import { inspectRecording, processRecording } from '../engine/audio/pipeline'
import { BackboneCache, type EmbedRequest } from '../engine/embed/cache'
import { listBackbones } from '../engine/embed/registry'
import { spectrogramTileFromWav } from '../engine/audio/spectrogram'
import { analyseSelectionFromWav, measureSpanFromWav } from '../engine/audio/selection'
import {
  fitPersonal,
  scorePersonal,
  type FeatureSet,
  type PersonalKind,
  type PersonalModelJson,
} from '../engine/anomaly/personal'
import { readRecordingCries } from '../engine/embed/recording-cries'
import { simulateRecordingInto, type WardConfig } from '../engine/sim'
import type { EvaluateArgs } from './evaluate'

export interface TaskContext {
  signal: AbortSignal
  progress(fraction: number, message?: string): void
}

// One per worker thread: ONNX sessions stay open between calls (opening one costs up to seconds on a GPU).
const backbones = new BackboneCache({ log: (message) => console.info(message) })

export const tasks = {
  processRecording: (
    args: { sourcePath: string; workingCopyPath: string; highRateCopyPath?: string },
    ctx: TaskContext,
  ) => processRecording({ ...args, signal: ctx.signal, onProgress: (f) => ctx.progress(f) }),
  /** Probes and decodes a file as an import would, keeping nothing (format/duration/time checks). */
  inspectRecording: (args: { path: string }, ctx: TaskContext) => inspectRecording(args.path, ctx.signal),
  spectrogramTile: (args: Parameters<typeof spectrogramTileFromWav>[0]) => spectrogramTileFromWav(args),
  /** f0, intensity and measures of a stretch of a working copy (the listening tools). */
  analyseSelection: (args: Parameters<typeof analyseSelectionFromWav>[0]) => analyseSelectionFromWav(args),
  /** Measures and clipping of a cry whose boundaries a user set (stage 0 corrected). */
  measureSpan: (args: Parameters<typeof measureSpanFromWav>[0]) => measureSpanFromWav(args),
  embedCries: (args: EmbedRequest, ctx: TaskContext) => backbones.embed(args, ctx.signal),
  listBackbones: (args: { modelsDir: string }) => listBackbones(args.modelsDir),
  /** Reads a recording's cries from its working copy and embeds them (stage 1). */
  embedRecordingCries: async (
    args: Omit<EmbedRequest, 'cries'> & { wavPath: string; cries: { startS: number; endS: number }[] },
    ctx: TaskContext,
  ) => {
    const { wavPath, cries, ...req } = args
    return backbones.embed({ ...req, cries: await readRecordingCries(wavPath, cries) }, ctx.signal)
  },
  /** Fits an infant's calibrated personal model (stage 2). */
  fitPersonalModel: (
    args: {
      kind: PersonalKind
      params: Record<string, unknown>
      x: Float32Array
      n: number
      d: number
      groups: (string | number)[]
      seed: number
      featureSet?: FeatureSet
      /** n × CRY_FEATURE_DIM measures (for a model with a measures part, and the baseline's measures). */
      features?: Float64Array | null
    },
    ctx: TaskContext,
  ) =>
    fitPersonal(args.kind, args.params, args.x, args.n, args.d, args.groups, {
      seed: args.seed,
      signal: ctx.signal,
      onProgress: (f, stage) => ctx.progress(f, stage),
      featureSet: args.featureSet,
      features: args.features,
    }),
  scorePersonalModel: async (args: {
    json: PersonalModelJson
    x: Float32Array
    n: number
    features?: Float64Array | null
  }) => scorePersonal(args.json, args.x, args.n, args.features),
  /** One recording of a simulated ward written into a folder (the demo ward spreads them over the pool). */
  simulateWardRecording: (
    args: { dir: string; config: Partial<WardConfig>; file: string },
    ctx: TaskContext,
  ) =>
    simulateRecordingInto(args.dir, args.config, args.file, {
      signal: ctx.signal,
      onProgress: (f) => ctx.progress(f),
    }),
  /** An evaluation protocol as `iclas eval` runs it (loaded on first use: most workers never need it). */
  evaluate: async (args: EvaluateArgs, ctx: TaskContext) => (await import('./evaluate')).evaluate(args, ctx),
}

export type TaskName = keyof typeof tasks
export type TaskArgs<N extends TaskName> = Parameters<(typeof tasks)[N]>[0]
export type TaskResult<N extends TaskName> = Awaited<ReturnType<(typeof tasks)[N]>>
