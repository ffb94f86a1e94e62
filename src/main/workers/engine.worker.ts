// Worker entry: runs engine tasks by name, reports progress, honours cancel.
import { parentPort } from 'node:worker_threads'
import type { FromWorker, ToWorker } from './protocol'
import { tasks, type TaskName } from './tasks'

const port = parentPort
if (!port) throw new Error('engine.worker must run in a worker thread')
const running = new Map<number, AbortController>()
let lastProgress = 0

port.on('message', async (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    running.get(msg.id)?.abort()
    return
  }
  const ac = new AbortController()
  running.set(msg.id, ac)
  const send = (m: FromWorker) => port.postMessage(m)
  try {
    const fn = tasks[msg.task as TaskName] as ((a: unknown, c: unknown) => Promise<unknown>) | undefined
    if (!fn) throw new Error(`unknown task ${msg.task}`)
    const result = await fn(msg.args, {
      signal: ac.signal,
      progress(fraction: number, message?: string) {
        const now = Date.now()
        if (now - lastProgress < 100 && fraction < 1) return // at most 10 progress messages a second
        lastProgress = now
        send({ type: 'progress', id: msg.id, fraction, message })
      },
    })
    send({ type: 'done', id: msg.id, result })
  } catch (err) {
    const e = err as Error & { kind?: string }
    send({
      type: 'error',
      id: msg.id,
      error: { name: e.name ?? 'Error', message: e.message ?? String(err), kind: e.kind },
    })
  } finally {
    running.delete(msg.id)
  }
})
