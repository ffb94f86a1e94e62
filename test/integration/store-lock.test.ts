// The data-folder lock is atomic (issue 17, item 9): two processes calling lockDataDir on a folder whose lock
// was left by a dead process never both get it. Before, taking over a stale lock read it and then deleted it
// with nothing between, and a lock was created empty and written afterwards, so the second process could
// delete the first one's fresh lock (or read it empty, call it stale and delete it): both got the lock in
// 10 of 150 trials.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { LOCK_FILE } from '../../src/main/store/layout'
import { lockDataDir, StoreLockedError } from '../../src/main/store/lock'

const root = path.resolve(__dirname, '../..')
const CHILD = path.join(root, 'test/helpers/lock-child.ts')
const TSX = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href
const TRIALS = 150
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-lock-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A pid that is certainly not running (a child that has exited). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'])
  await new Promise((r) => child.on('exit', r))
  return child.pid!
}

describe('data-folder lock', () => {
  it('two processes taking over the same stale lock: exactly one gets it, in every trial', async () => {
    const dead = await deadPid()
    const stale = JSON.stringify({ pid: dead, host: os.hostname(), mode: 'test', since: '2026-01-01' })
    for (let i = 0; i < TRIALS; i++) {
      fs.mkdirSync(path.join(dir, `trial-${i}`))
      // Alternate a stale lock and an unreadable one (a crash while an older version wrote it).
      fs.writeFileSync(path.join(dir, `trial-${i}`, LOCK_FILE), i % 3 === 2 ? '' : stale)
    }
    const children = ['a', 'b'].map((name) =>
      spawn(process.execPath, ['--import', TSX, CHILD, dir, name, String(TRIALS)], {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    )
    // Both children are loaded (each has answered trial 0's barrier) before the races that count.
    const both = (i: number) => ['a', 'b'].every((n) => fs.existsSync(path.join(dir, `result-${i}-${n}`)))
    const doubles: string[] = []
    for (let i = 0; i < TRIALS; i++) {
      fs.writeFileSync(path.join(dir, `go-${i}`), '')
      while (!both(i)) await new Promise((r) => setTimeout(r, 2))
      const outcomes = ['a', 'b'].map((n) => fs.readFileSync(path.join(dir, `result-${i}-${n}`), 'utf8'))
      expect(
        outcomes.filter((o) => o.startsWith('error')),
        `trial ${i}`,
      ).toEqual([])
      if (outcomes.filter((o) => o === 'got').length !== 1) doubles.push(`${i}: ${outcomes.join(', ')}`)
    }
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(0) : c.on('exit', r)))))
    expect(doubles, `trials in which both or neither got the lock`).toEqual([])
    // Nothing is left behind but the lock itself.
    for (let i = 0; i < TRIALS; i++) expect(fs.readdirSync(path.join(dir, `trial-${i}`))).toEqual([LOCK_FILE])
  })

  it('a live holder is refused, a release frees it, and a release never removes a lock that is not ours', () => {
    const d = path.join(dir, 'single')
    const lock = lockDataDir(d, 'test')
    expect(() => lockDataDir(d, 'test')).toThrow(StoreLockedError)
    lock.release()
    expect(fs.existsSync(path.join(d, LOCK_FILE))).toBe(false)
    const again = lockDataDir(d, 'test')
    // Someone removed our lock and another process took the folder: our release leaves theirs alone.
    fs.rmSync(path.join(d, LOCK_FILE))
    fs.writeFileSync(
      path.join(d, LOCK_FILE),
      JSON.stringify({ pid: 1, host: os.hostname(), mode: 'x', since: 'y' }),
    )
    again.release()
    expect(fs.existsSync(path.join(d, LOCK_FILE))).toBe(true)
  })
})
