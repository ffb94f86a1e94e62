// The worker pool's interactive lane: with one batch worker busy on a long import, a spectrogram tile still
// gets a worker at once and finishes first; without the lane (the tile sent as batch work) it waits behind
// the import. Order of completion and queue lengths are checked, never durations.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WorkerPool } from '../../src/main/workers/pool'
import { writeToneWav } from '../helpers/wav'

let dir: string
let longWav: string
let shortWav: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-pool-'))
  // Long enough that decoding, segmenting and measuring it outlasts a worker start and a tile, on any machine.
  longWav = writeToneWav(path.join(dir, 'long.wav'), { seconds: 1800, rate: 16000, freq: 480 })
  shortWav = writeToneWav(path.join(dir, 'short.wav'), { seconds: 3, rate: 16000, freq: 440 })
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const tile = { startS: 0, endS: 3, width: 64, height: 32, maxHz: 8000 }

/** Starts a long import on the pool's batch worker; resolves 'import' when it ends (done or cancelled). */
function longImport(pool: WorkerPool, ac: AbortController, order: string[]): Promise<void> {
  return pool
    .run(
      'processRecording',
      { sourcePath: longWav, workingCopyPath: path.join(dir, `copy-${order.length}-${Math.random()}.wav`) },
      { signal: ac.signal },
    )
    .then(
      () => void order.push('import'),
      () => void order.push('import'),
    )
}

describe('worker pool lanes', () => {
  it('a spectrogram tile does not queue behind a long import on a one-worker pool', async () => {
    const pool = new WorkerPool(1)
    try {
      const order: string[] = []
      const ac = new AbortController()
      const imported = longImport(pool, ac, order)
      const t = pool.run('spectrogramTile', { wavPath: shortWav, ...tile }).then((r) => {
        order.push('tile')
        return r
      })
      // Dispatched at once to the interactive lane's own worker: nothing waits.
      expect(pool.queued).toEqual({ interactive: 0, batch: 0 })
      const result = await t
      expect(result.width).toBe(64)
      expect(order).toEqual(['tile']) // the import is still running
      ac.abort()
      await imported
      expect(order).toEqual(['tile', 'import'])
    } finally {
      await pool.close()
    }
  })

  it('sent as batch work, the same tile waits for the import (the lane is what makes the difference)', async () => {
    const pool = new WorkerPool(1, 'engine', { interactiveWorkers: 0 })
    try {
      const order: string[] = []
      const ac = new AbortController()
      const imported = longImport(pool, ac, order)
      const t = pool
        .run('spectrogramTile', { wavPath: shortWav, ...tile }, { priority: 'batch' })
        .then(() => void order.push('tile'))
      expect(pool.queued).toEqual({ interactive: 0, batch: 1 })
      ac.abort()
      await Promise.all([imported, t])
      expect(order).toEqual(['import', 'tile'])
    } finally {
      await pool.close()
    }
  })

  it('interactive tasks are served before queued batch tasks when a worker frees up', async () => {
    const pool = new WorkerPool(1, 'engine', { interactiveWorkers: 0 })
    try {
      const order: string[] = []
      const ac = new AbortController()
      const imported = longImport(pool, ac, order)
      const second = pool
        .run('spectrogramTile', { wavPath: shortWav, ...tile }, { priority: 'batch' })
        .then(() => void order.push('batch tile'))
      const first = pool
        .run('spectrogramTile', { wavPath: shortWav, ...tile })
        .then(() => void order.push('interactive tile'))
      expect(pool.queued).toEqual({ interactive: 1, batch: 1 })
      ac.abort()
      await Promise.all([imported, first, second])
      expect(order).toEqual(['import', 'interactive tile', 'batch tile'])
    } finally {
      await pool.close()
    }
  })

  it('cancelling a queued task removes it from its lane', async () => {
    const pool = new WorkerPool(1, 'engine', { interactiveWorkers: 0 })
    try {
      const order: string[] = []
      const ac = new AbortController()
      const imported = longImport(pool, ac, order)
      const cancelTile = new AbortController()
      const t = pool.run('spectrogramTile', { wavPath: shortWav, ...tile }, { signal: cancelTile.signal })
      expect(pool.queued.interactive).toBe(1)
      cancelTile.abort()
      await expect(t).rejects.toMatchObject({ name: 'AbortError' })
      expect(pool.queued.interactive).toBe(0)
      ac.abort()
      await imported
    } finally {
      await pool.close()
    }
  })
})
