// A small pool of worker_threads running engine tasks (decode, segment, embed, fit), so CPU-heavy stages
// never run on the thread that answers requests. Cancellation aborts the task inside the worker.
// Two lanes: batch work (imports, embedding, fits) runs on up to `size` workers; interactive work (what a
// person waits for on screen: spectrogram tiles) is served first, on any idle worker or on its own small lane
// of extra workers, so it never queues behind a long import or fit (on 2 cores `size` is 1).
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { FromWorker, ToWorker } from './protocol'
import type { TaskArgs, TaskName, TaskResult } from './tasks'

export class TaskError extends Error {
  constructor(
    message: string,
    readonly kind?: string,
    name = 'TaskError',
  ) {
    super(message)
    this.name = name
  }
}

interface Pending {
  resolve: (v: unknown) => void
  reject: (e: Error) => void
  onProgress?: (fraction: number, message?: string) => void
  worker: Slot
}

interface Slot {
  worker: Worker
  busy: number
  lane: Lane
}

/** 'interactive': someone waits for it on screen; 'batch': background work (imports, embedding, fits). */
export type Lane = 'interactive' | 'batch'

/** Tasks that run in the interactive lane unless the caller says otherwise. */
export const INTERACTIVE_TASKS: ReadonlySet<string> = new Set<TaskName>(['spectrogramTile'])

export interface RunOptions {
  onProgress?: (fraction: number, message?: string) => void
  signal?: AbortSignal
  transfer?: ArrayBuffer[]
  /** Default: 'interactive' for INTERACTIVE_TASKS, else 'batch'. */
  priority?: Lane
}

export interface PoolOptions {
  /** Extra workers only interactive tasks use (spawned on demand). Default 1; 0 = one shared lane. */
  interactiveWorkers?: number
}

interface Queued {
  msg: ToWorker & { type: 'run' }
  p: Omit<Pending, 'worker'>
  transfer?: ArrayBuffer[]
}

/** Where the worker entry lives: the .ts source through a tsx bootstrap (CLI, tests, browser mode) or the built .js (Electron). */
export function workerEntry(name: string): { url: URL; workerData: Record<string, string> } {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.ts')) {
    const dir = path.dirname(here)
    return {
      url: pathToFileURL(path.join(dir, 'tsx-bootstrap.mjs')),
      workerData: {
        __iclasRoot: pathToFileURL(path.resolve(dir, '../../..') + path.sep).href,
        __iclasEntry: pathToFileURL(path.join(dir, `${name}.worker.ts`)).href,
      },
    }
  }
  const mainDir = process.env.ICLAS_MAIN_DIR ?? path.dirname(here)
  return { url: pathToFileURL(path.join(mainDir, 'workers', `${name}.worker.js`)), workerData: {} }
}

export class WorkerPool {
  private readonly slots: Slot[] = []
  private readonly pending = new Map<number, Pending>()
  private readonly queues: Record<Lane, Queued[]> = { interactive: [], batch: [] }
  private nextId = 1
  private closed = false
  readonly interactiveWorkers: number

  constructor(
    /** Workers for batch tasks. */
    readonly size = Math.max(1, Math.min(4, os.availableParallelism() - 1)),
    private readonly entry = 'engine',
    options: PoolOptions = {},
  ) {
    this.interactiveWorkers = options.interactiveWorkers ?? 1
  }

  /** Tasks waiting for a worker, per lane. */
  get queued(): Record<Lane, number> {
    return { interactive: this.queues.interactive.length, batch: this.queues.batch.length }
  }

  run<N extends TaskName>(task: N, args: TaskArgs<N>, opts: RunOptions = {}): Promise<TaskResult<N>> {
    if (this.closed) return Promise.reject(new TaskError('the worker pool is closed'))
    const id = this.nextId++
    return new Promise<TaskResult<N>>((resolve, reject) => {
      // A job's signal outlives its many tasks: each task's listener goes when the task settles.
      const onAbort = () => this.cancel(id)
      const settled = () => opts.signal?.removeEventListener('abort', onAbort)
      const p = {
        resolve: (v: unknown) => {
          settled()
          resolve(v as TaskResult<N>)
        },
        reject: (e: Error) => {
          settled()
          reject(e)
        },
        onProgress: opts.onProgress,
      }
      const msg = { type: 'run' as const, id, task, args }
      if (opts.signal) {
        if (opts.signal.aborted) return reject(new TaskError('cancelled', 'cancelled', 'AbortError'))
        opts.signal.addEventListener('abort', onAbort, { once: true })
      }
      const lane = opts.priority ?? (INTERACTIVE_TASKS.has(task) ? 'interactive' : 'batch')
      this.queues[lane].push({ msg, p, transfer: opts.transfer })
      this.pump()
    })
  }

  private cancel(id: number): void {
    for (const queue of Object.values(this.queues)) {
      const qi = queue.findIndex((q) => q.msg.id === id)
      if (qi < 0) continue
      const [q] = queue.splice(qi, 1)
      q!.p.reject(new TaskError('cancelled', 'cancelled', 'AbortError'))
      return
    }
    const p = this.pending.get(id)
    if (p) p.worker.worker.postMessage({ type: 'cancel', id } satisfies ToWorker)
  }

  /** A worker for a task of this lane: idle and allowed, else a new one while the lane has room. */
  private slotFor(lane: Lane): Slot | undefined {
    const count = (l: Lane) => this.slots.filter((s) => s.lane === l).length
    if (lane === 'batch') {
      return (
        this.slots.find((s) => s.lane === 'batch' && s.busy === 0) ??
        (count('batch') < this.size ? this.spawn('batch') : undefined)
      )
    }
    // Interactive work prefers its own lane (its worker is warm), then any idle batch worker.
    return (
      this.slots.find((s) => s.lane === 'interactive' && s.busy === 0) ??
      this.slots.find((s) => s.busy === 0) ??
      (count('interactive') < this.interactiveWorkers
        ? this.spawn('interactive')
        : count('batch') < this.size
          ? this.spawn('batch')
          : undefined)
    )
  }

  private pump(): void {
    // Interactive tasks first: a batch task never takes a worker an interactive one is waiting for.
    for (const lane of ['interactive', 'batch'] as const) {
      const queue = this.queues[lane]
      while (queue.length) {
        const slot = this.slotFor(lane)
        if (!slot) break
        const q = queue.shift()!
        slot.busy++
        this.pending.set(q.msg.id, { ...q.p, worker: slot })
        slot.worker.postMessage(q.msg, q.transfer ?? [])
      }
    }
  }

  private spawn(lane: Lane): Slot {
    const { url, workerData } = workerEntry(this.entry)
    const worker = new Worker(url, { workerData })
    const slot: Slot = { worker, busy: 0, lane }
    worker.on('message', (m: FromWorker) => {
      const p = this.pending.get(m.id)
      if (!p) return
      if (m.type === 'progress') {
        p.onProgress?.(m.fraction, m.message)
        return
      }
      this.pending.delete(m.id)
      slot.busy--
      if (m.type === 'done') p.resolve(m.result)
      else p.reject(new TaskError(m.error.message, m.error.kind, m.error.name))
      this.pump()
    })
    const fail = (err: Error) => {
      // A crashed worker fails its tasks and is replaced on demand.
      for (const [id, p] of this.pending) {
        if (p.worker !== slot) continue
        this.pending.delete(id)
        p.reject(new TaskError(`worker failed: ${err.message}`, 'worker-crash'))
      }
      const i = this.slots.indexOf(slot)
      if (i >= 0) this.slots.splice(i, 1)
      if (!this.closed) this.pump()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => {
      if (code !== 0 || this.slots.includes(slot)) fail(new Error(`exited with code ${code}`))
    })
    this.slots.push(slot)
    return slot
  }

  async close(): Promise<void> {
    this.closed = true
    for (const queue of Object.values(this.queues))
      for (const q of queue.splice(0)) q.p.reject(new TaskError('the worker pool is closed'))
    const slots = this.slots.splice(0)
    await Promise.all(slots.map((s) => s.worker.terminate()))
  }
}
