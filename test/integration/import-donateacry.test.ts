// Every recording of ../shared/datasets/donateacry decodes as an import would, through the worker pool, with
// the duration (±0.05 s) and the time (recorded_at) of the manifest. Skips when ../shared is absent.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sharedDatasetsDir } from '../../src/main/cli/data-dir'
import { readDataset } from '../../src/main/evaluation/datasets'
import { WorkerPool } from '../../src/main/workers/pool'
import { scaled } from '../helpers/time-scale'

const DAC = path.join(sharedDatasetsDir(), 'donateacry')
const haveShared = fs.existsSync(path.join(DAC, 'manifest.csv'))
if (!haveShared) console.warn(`skipping the Donate-a-Cry decode check: ${DAC} is absent`)

const pool = new WorkerPool(Math.max(1, Math.min(2, os.availableParallelism())))
afterAll(() => pool.close())

describe.skipIf(!haveShared)('every Donate-a-Cry recording in ../shared', () => {
  it(
    'decodes with the manifest duration and time',
    async () => {
      const clips = readDataset(DAC).clips
      expect(clips.length).toBeGreaterThan(1000)
      const problems: string[] = []
      await Promise.all(
        clips.map(async (c) => {
          try {
            const r = await pool.run('inspectRecording', { path: c.file })
            if (Math.abs(r.decodedS - c.durationS!) > 0.05)
              problems.push(`${c.relPath}: ${r.decodedS} s, manifest ${c.durationS} s`)
            if (r.sampleRate !== c.sampleRate)
              problems.push(`${c.relPath}: ${r.sampleRate} Hz, manifest ${c.sampleRate} Hz`)
            const at = Math.floor(Date.parse(r.recordedAt) / 1000)
            if (at !== Date.parse(c.recordedAt!) / 1000 || r.timeSource !== 'filename')
              problems.push(
                `${c.relPath}: recorded ${r.recordedAt} (${r.timeSource}), manifest ${c.recordedAt}`,
              )
          } catch (err) {
            problems.push(`${c.relPath}: ${(err as Error).message}`)
          }
        }),
      )
      expect(problems).toEqual([])
    },
    scaled(180_000),
  )
})
