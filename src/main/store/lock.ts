// One writer per data folder: the core that opens a store for writing holds `iclas.lock` (pid, host, mode).
// A second core on the same folder (browser mode still running while `iclas import` starts, two desktop
// profiles pointed at one folder) is refused with a message naming the holder, instead of two processes
// interleaving imports and recoveries. Written by hand rather than with proper-lockfile because that one
// decides staleness by mtime age: a core restarted right after a crash would have to wait; here a lock whose
// process is gone (same host) is stale at once.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const LOCK_FILE = 'iclas.lock'

interface LockInfo {
  pid: number
  host: string
  mode: string
  since: string
}

export class StoreLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `The ICLAS data folder ${dataDir} is in use by another ICLAS (${holder.mode}, process ${holder.pid}` +
        `${holder.host !== os.hostname() ? ` on ${holder.host}` : ''}, since ${holder.since}). ` +
        'Close it first (or do this from its window), then try again. ' +
        `If no ICLAS is running, delete ${path.join(dataDir, LOCK_FILE)}.`,
    )
    this.name = 'StoreLockedError'
  }
}

export interface DataDirLock {
  release(): void
}

/** Takes the data folder's lock or throws StoreLockedError. A lock left by a dead process is taken over. */
export function lockDataDir(dataDir: string, mode: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, LOCK_FILE)
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), mode, since: new Date().toISOString() }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' })
      let released = false
      return {
        release() {
          if (released) return
          released = true
          // Only remove the lock if it is still ours (a stale-lock takeover elsewhere must not be undone).
          if (readLock(file)?.pid === process.pid) fs.rmSync(file, { force: true })
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const holder = readLock(file)
    if (holder && holder.host === os.hostname() && alive(holder.pid))
      throw new StoreLockedError(dataDir, holder)
    if (holder && holder.host !== os.hostname()) throw new StoreLockedError(dataDir, holder)
    // Stale (dead process) or unreadable (a crash while writing it): remove and retry.
    fs.rmSync(file, { force: true })
  }
  throw new StoreLockedError(dataDir, readLock(file) ?? { pid: 0, host: '?', mode: '?', since: '?' })
}

function readLock(file: string): LockInfo | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockInfo>
    return typeof v.pid === 'number' && typeof v.host === 'string'
      ? { pid: v.pid, host: v.host, mode: String(v.mode ?? '?'), since: String(v.since ?? '?') }
      : null
  } catch {
    return null
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
