// Cooperative fitting. Every fit is a generator that yields its progress at safe points (an EM iteration, an
// epoch, a block of SMO steps); a driver runs it. Synchronous loops cannot see an abort that arrives as a message
// while they run, so the async driver gives the event loop a turn every few milliseconds: in a worker that is
// what lets a cancel request land, without threads or shared memory in the engine.
import type { FitOptions, FitProgress } from './types'

export type FitSteps<T> = Generator<FitProgress, T, void>

/** Runs a fit to completion on this thread, reporting progress and honouring an already-aborted signal. */
export function runSync<T>(steps: FitSteps<T>, opts: Pick<FitOptions, 'onProgress' | 'signal'> = {}): T {
  for (;;) {
    opts.signal?.throwIfAborted()
    const r = steps.next()
    if (r.done) return r.value
    opts.onProgress?.(r.value)
  }
}

/** Runs a fit, yielding to the event loop at least every `sliceMs` so that an abort can arrive. */
export async function runAsync<T>(
  steps: FitSteps<T>,
  opts: Pick<FitOptions, 'onProgress' | 'signal'> = {},
  sliceMs = 20,
): Promise<T> {
  let sliceStart = performance.now()
  for (;;) {
    opts.signal?.throwIfAborted()
    const r = steps.next()
    if (r.done) return r.value
    opts.onProgress?.(r.value)
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      sliceStart = performance.now()
    }
  }
}

/** Re-labels a sub-fit's progress as a slice [from, to] of the whole. */
export function* scaled<T>(steps: FitSteps<T>, from: number, to: number, stage?: string): FitSteps<T> {
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
    yield { ...r.value, stage: stage ?? r.value.stage, fraction: from + (to - from) * r.value.fraction }
  }
}
