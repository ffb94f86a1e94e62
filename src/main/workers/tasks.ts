// The engine tasks a worker can run. Each is a thin adapter over a pure engine function.
import { processRecording } from '../engine/audio/pipeline'
import { BackboneCache, type EmbedRequest } from '../engine/embed/cache'
import { listBackbones } from '../engine/embed/registry'
import { spectrogramTileFromWav } from '../engine/audio/spectrogram'

export interface TaskContext {
  signal: AbortSignal
  progress(fraction: number, message?: string): void
}

// One per worker thread: ONNX sessions stay open between calls (opening one costs up to seconds on a GPU).
const backbones = new BackboneCache((message) => console.info(message))

export const tasks = {
  processRecording: (args: { sourcePath: string; workingCopyPath: string }, ctx: TaskContext) =>
    processRecording({ ...args, signal: ctx.signal, onProgress: (f) => ctx.progress(f) }),
  spectrogramTile: (args: Parameters<typeof spectrogramTileFromWav>[0]) => spectrogramTileFromWav(args),
  embedCries: (args: EmbedRequest, ctx: TaskContext) => backbones.embed(args, ctx.signal),
  listBackbones: (args: { modelsDir: string }) => listBackbones(args.modelsDir),
}

export type TaskName = keyof typeof tasks
export type TaskArgs<N extends TaskName> = Parameters<(typeof tasks)[N]>[0]
export type TaskResult<N extends TaskName> = Awaited<ReturnType<(typeof tasks)[N]>>
