// `iclas import` of recordings in which no cry is found: each is imported (the nurse may know better) and the
// report says why — too short, clipped, too quiet, or only sounds that are not cries — in the command's output
// and in the job the import screen shows (FileOutcome.reason); a recording with cries has no such reason.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { importCommand } from '../../src/main/cli/commands/import'
import { coreClient } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { cryBout, noise } from '../unit/audio-signals'
import { writeSamplesWav } from '../helpers/wav'
import { scaled } from '../helpers/time-scale'

const RATE = 16000
let dir: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-no-cry-'))
})
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

function sounds(): Record<string, Float32Array> {
  // A 0.6 s recording of room noise and a knock: too short to judge anything against its background.
  const short = noise(Math.round(0.6 * RATE), 0.003, 7)
  for (let i = 4000; i < 4400; i++) short[i]! += 0.3 * Math.exp(-(i - 4000) / 60) * Math.sin(i)
  const quiet = noise(10 * RATE, 0.002, 11)
  const clipped = Float32Array.from({ length: 10 * RATE }, (_, i) =>
    Math.max(-1, Math.min(1, 3 * Math.sin((2 * Math.PI * 450 * i) / RATE))),
  )
  // A monitor alarm: 1 kHz beeps, 0.3 s on and 0.3 s off, over faint room noise.
  const alarm = noise(10 * RATE, 0.003, 5)
  for (let i = 0; i < alarm.length; i++)
    if ((i / RATE) % 0.6 < 0.3) alarm[i]! += 0.3 * Math.sin((2 * Math.PI * 1000 * i) / RATE)
  const cry = cryBout(RATE, 10).samples
  return { short, quiet, clipped, alarm, cry }
}

describe('import of recordings without cries', () => {
  it(
    'says why no cry was found, in iclas import and in the import job',
    async () => {
      const files = Object.entries(sounds()).map(([name, x]) =>
        writeSamplesWav(path.join(dir, `${name}.wav`), x, RATE),
      )
      const dataDir = path.join(dir, 'data')
      const lines: string[] = []
      const log = vi
        .spyOn(console, 'log')
        .mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')))
      let rc: number | void
      try {
        rc = await importCommand.run([...files, '--infant', 'Test infant', '--data-dir', dataDir])
      } finally {
        log.mockRestore()
      }
      expect(rc, lines.join('\n')).toBe(0)
      const line = (name: string) => lines.find((l) => l.includes(`imported  ${name}.wav`)) ?? ''
      expect(line('short')).toMatch(/no cry found: the recording is too short/)
      expect(line('quiet')).toMatch(/no cry found: the recording is too quiet/)
      expect(line('clipped')).toMatch(/no cry found: the recording is clipped/)
      expect(line('alarm')).toMatch(/no cry found: only sounds that are not cries/)
      expect(line('cry')).not.toMatch(/no cry found/)
      expect(line('cry')).toMatch(/\(([1-9]\d*) cries\)/)

      // The same reasons in the job the import screen reads (ImportJobReport shows FileOutcome.reason).
      const core = new Core({
        dataDir: path.join(dir, 'data-ui'),
        mode: 'test',
        workers: 1,
        log: () => undefined,
      })
      try {
        core.recover()
        const sid = core.openSession()
        core.signInDirect(sid, 'nurse')
        const grants = core.grantFiles(
          sid,
          files.map((p) => ({ path: p })),
        )
        const { jobId } = await coreClient(core, sid).startImport({
          items: grants.map((g) => ({ grantId: g.id, newInfantLabel: 'Test infant' })),
        })
        await core.ctx.jobs.idle()
        const job = await coreClient(core, sid).getJob({ jobId })
        const byName = Object.fromEntries(job.files.map((f) => [f.name, f]))
        expect(byName['short.wav']).toMatchObject({ status: 'imported', cries: 0 })
        expect(byName['short.wav']!.reason).toMatch(/too short/)
        expect(byName['quiet.wav']!.reason).toMatch(/too quiet/)
        expect(byName['clipped.wav']!.reason).toMatch(/clipped/)
        expect(byName['alarm.wav']!.reason).toMatch(/not cries/)
        expect(byName['cry.wav']!.reason).toBeNull()
      } finally {
        await core.close()
      }
    },
    scaled(300_000),
  )
})
