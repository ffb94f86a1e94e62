// Worker bootstrap for running from TypeScript sources (CLI, tests, browser mode): Node 20 does not apply
// `--import tsx` to worker threads, so the worker registers tsx itself, then loads the .ts entry.
import { workerData } from 'node:worker_threads'

const { register } = await import(
  new URL('node_modules/tsx/dist/esm/api/index.mjs', workerData.__iclasRoot).href
)
register()
await import(workerData.__iclasEntry)
