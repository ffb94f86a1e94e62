// The engine tasks a worker can run. Each is a thin adapter over a pure engine function.
import { processRecording } from '../engine/audio/pipeline'
import { spectrogramTileFromWav } from '../engine/audio/spectrogram'

export interface TaskContext {
  signal: AbortSignal
  progress(fraction: number, message?: string): void
}

export const tasks = {
  processRecording: (args: { sourcePath: string; workingCopyPath: string }, ctx: TaskContext) =>
    processRecording({ ...args, signal: ctx.signal, onProgress: (f) => ctx.progress(f) }),
  spectrogramTile: (args: Parameters<typeof spectrogramTileFromWav>[0]) => spectrogramTileFromWav(args),
}

export type TaskName = keyof typeof tasks
export type TaskArgs<N extends TaskName> = Parameters<(typeof tasks)[N]>[0]
export type TaskResult<N extends TaskName> = Awaited<ReturnType<(typeof tasks)[N]>>
