// One writer per data folder: the core that opens a store for writing holds `iclas.lock` (pid, host, mode).
// A second core on the same folder (browser mode still running while `iclas import` starts, two desktop
// profiles pointed at one folder) is refused with a message naming the holder, instead of two processes
// interleaving imports and recoveries. Written by hand rather than with proper-lockfile because that one
// decides staleness by mtime age: a core restarted right after a crash would have to wait; here a lock whose
// process is gone (same host) is stale at once.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { lockFile } from './layout'

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
        `If no ICLAS is running, delete ${lockFile(dataDir)}.`,
    )
    this.name = 'StoreLockedError'
  }
}

export interface DataDirLock {
  release(): void
}

/**
 * Takes the data folder's lock or throws StoreLockedError. A lock left by a dead process is taken over.
 *
 * Atomic, so two processes starting together never both get it: the lock is written in full to a file of
 * our own and then hard-linked to `iclas.lock` (link fails if the name exists, and a reader never sees a
 * half-written lock); a stale lock is removed only under a takeover mutex (`iclas.lock.takeover`, made with
 * mkdir, which is atomic) and only if it is still the very lock found stale, so a taker can never delete the
 * lock another process has just taken.
 */
export function lockDataDir(dataDir: string, mode: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = lockFile(dataDir)
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), mode, since: new Date().toISOString() }
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}`
  const text = JSON.stringify(mine)
  fs.writeFileSync(tmp, text, { flag: 'wx' })
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        linkOrCreate(tmp, file, text)
        removeLeftovers(dataDir)
        return ownLock(file, text)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      const raw = readRaw(file)
      if (raw === null) continue // removed meanwhile: try again
      const holder = parseLock(raw)
      if (holder && holder.host !== os.hostname()) throw new StoreLockedError(dataDir, holder)
      if (holder && alive(holder.pid)) throw new StoreLockedError(dataDir, holder)
      // Stale (dead process) or unreadable (written by hand, or by an older version that wrote in place).
      if (!removeIfStill(file, raw)) sleepMs(5)
    }
    throw new StoreLockedError(dataDir, readLock(file) ?? { pid: 0, host: '?', mode: '?', since: '?' })
  } finally {
    fs.rmSync(tmp, { force: true })
  }
}

/**
 * Hard-links the written lock into place; on a file system without hard links (FAT, some network shares)
 * creates it exclusively and writes it. A reader may then see it empty for a moment, which is safe: a taker
 * removes a lock only if it still holds the very text it found stale.
 */
function linkOrCreate(tmp: string, file: string, text: string): void {
  try {
    fs.linkSync(tmp, file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err
    fs.writeFileSync(file, text, { flag: 'wx' })
  }
}

function ownLock(file: string, raw: string): DataDirLock {
  let released = false
  return {
    release() {
      if (released) return
      released = true
      // Only remove the lock if it is still ours (a stale-lock takeover elsewhere must not be undone).
      if (readRaw(file) === raw) fs.rmSync(file, { force: true })
    },
  }
}

/** Removes `file` if it still holds exactly `raw`, under the takeover mutex. False when the mutex was busy. */
function removeIfStill(file: string, raw: string): boolean {
  const mutex = `${file}.takeover`
  try {
    fs.mkdirSync(mutex)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    // A taker that crashed inside the mutex (held for microseconds) leaves it behind: old means abandoned.
    const st = fs.statSync(mutex, { throwIfNoEntry: false })
    if (st && Date.now() - st.mtimeMs > 10_000) fs.rmSync(mutex, { recursive: true, force: true })
    return false
  }
  try {
    if (readRaw(file) === raw) fs.rmSync(file, { force: true })
  } finally {
    fs.rmSync(mutex, { recursive: true, force: true })
  }
  return true
}

/** Temporary lock files of processes that died between writing and linking them. */
function removeLeftovers(dataDir: string): void {
  for (const name of fs.readdirSync(dataDir)) {
    const m = /^iclas\.lock\.(\d+)\.[0-9a-f]{12}$/.exec(name)
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1])))
      fs.rmSync(path.join(dataDir, name), { force: true })
  }
}

function readRaw(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

function parseLock(raw: string): LockInfo | null {
  try {
    const v = JSON.parse(raw) as Partial<LockInfo>
    return typeof v.pid === 'number' && typeof v.host === 'string'
      ? { pid: v.pid, host: v.host, mode: String(v.mode ?? '?'), since: String(v.since ?? '?') }
      : null
  } catch {
    return null
  }
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
