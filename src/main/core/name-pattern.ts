// A user's naming pattern (previewImport's namePattern: "infant from the file name") is a regular expression,
// and JavaScript's backtracking engine can take exponential time on one (`^(a+)+$` against a long name).
// It never runs on the core's thread: the pattern is compiled and matched against every file name at once in
// a short-lived worker thread that is terminated when it has not answered within a time bound, and the
// request is refused with a plain reason. Other users' calls go on meanwhile.
import { Worker } from 'node:worker_threads'
import { IclasError } from '../../shared/rpc'

/** Time one preview's patterns may take, all names together (ms). */
export const NAME_PATTERN_TIMEOUT_MS = 500

// Plain JavaScript, evaluated as the worker's source: the same in Node, the CLI and the Electron build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
let re
try {
  re = new RegExp(workerData.pattern)
} catch (err) {
  parentPort.postMessage({ error: String(err && err.message) })
  return
}
parentPort.postMessage({ keys: workerData.names.map((n) => {
  const m = re.exec(n)
  return m && typeof m[1] === 'string' ? m[1] : null
}) })
`

/**
 * The first capture group of `pattern` in each name (null where it does not match), computed off the main
 * thread. Throws IclasError invalid_request for a pattern that does not compile, refused for one that does
 * not finish within `timeoutMs`.
 */
export async function matchNames(
  pattern: string,
  names: readonly string[],
  timeoutMs = NAME_PATTERN_TIMEOUT_MS,
): Promise<(string | null)[]> {
  const worker = new Worker(`(() => {${WORKER_SOURCE}})()`, {
    eval: true,
    workerData: { pattern, names },
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
  })
  let timer: NodeJS.Timeout | undefined
  try {
    const answer = await new Promise<{ keys?: (string | null)[]; error?: string }>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`pattern worker exited (${code})`)))
      // The bound is on the matching, not on the thread's start (slow on a loaded machine).
      worker.once('online', () => (timer = setTimeout(() => resolve({}), timeoutMs)))
    })
    if (answer.error !== undefined)
      throw new IclasError('invalid_request', `The naming rule is not a valid pattern: ${answer.error}`)
    if (!answer.keys)
      throw new IclasError(
        'refused',
        `The naming rule took longer than ${timeoutMs / 1000} s on these file names and was stopped: ` +
          'simplify it (nested repetition such as (a+)+ can take forever)',
      )
    return answer.keys
  } catch (err) {
    if (err instanceof IclasError) throw err
    throw new IclasError('refused', `The naming rule could not be run (${(err as Error).message})`)
  } finally {
    clearTimeout(timer)
    void worker.terminate()
  }
}
