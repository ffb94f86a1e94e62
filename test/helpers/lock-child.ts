// One of two processes racing for data-folder locks (test/integration/store-lock.test.ts): for each trial
// folder in turn, wait for the parent's go signal, call lockDataDir, and write down whether it got the lock.
import fs from 'node:fs'
import path from 'node:path'
import { lockDataDir, StoreLockedError } from '../../src/main/store/lock'

const [root, name, trials] = process.argv.slice(2) as [string, string, string]
for (let i = 0; i < Number(trials); i++) {
  const go = path.join(root, `go-${i}`)
  while (!fs.existsSync(go)) {
    /* spin: both processes leave the barrier within microseconds of each other */
  }
  let outcome: string
  try {
    lockDataDir(path.join(root, `trial-${i}`), name)
    outcome = 'got'
  } catch (err) {
    outcome = err instanceof StoreLockedError ? 'refused' : `error: ${(err as Error).message}`
  }
  // Written whole, then renamed: the parent never reads a result half-written.
  const result = path.join(root, `result-${i}-${name}`)
  fs.writeFileSync(`${result}.tmp`, outcome)
  fs.renameSync(`${result}.tmp`, result)
}
