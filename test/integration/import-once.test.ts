// One import job per file set (issue 17, item 8). After a crash, the interrupted import is resumed at start;
// re-running the same import then started a second job beside it, and files both jobs decoded were reported
// "refused — UNIQUE constraint failed: recordings.content_hash" although they were stored. Now the same files
// join the running job, an overlapping set is refused naming it, and copies of the same content in two jobs
// are imported once (the other is a duplicate, never a refusal).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import type { ImportJobItem } from '../../src/main/core/services/imports'
import type { Job } from '../../src/shared/contract'
import { unwrap } from '../../src/shared/rpc'
import { insertJob, updateJob } from '../../src/main/store/jobs'
import { writeToneWav } from '../helpers/wav'

const N = 12
let dir: string
let files: string[]

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-import-once-'))
  fs.mkdirSync(path.join(dir, 'ward'))
  files = Array.from({ length: N }, (_, i) =>
    writeToneWav(path.join(dir, 'ward', `rec-${String(i).padStart(2, '0')}.wav`), {
      seconds: 0.5,
      rate: 16000,
      freq: 300 + 37 * i,
    }),
  )
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function newCore(name: string): Core {
  return new Core({ dataDir: path.join(dir, name), mode: 'test', workers: 1, log: () => undefined })
}

function outcomes(core: Core, jobIds: string[]): string[] {
  return jobIds.flatMap((id) =>
    core.ctx.jobs.get(id)!.files.map((f) => `${f.status}${f.reason?.includes('UNIQUE') ? ' UNIQUE' : ''}`),
  )
}

describe('one import job per file set', () => {
  it('re-running an import whose job was resumed after a crash joins that job; every file once, none refused', async () => {
    const core = newCore('resumed')
    try {
      // The job a crash left running: its row says running, nothing of it was imported yet.
      const items: ImportJobItem[] = files.map((p) => ({
        path: p,
        name: path.basename(p),
        relativePath: null,
        newInfantLabel: 'Bed 1',
        ownedCopy: false,
      }))
      insertJob(core.db, {
        id: 'import_crashed',
        kind: 'import',
        title: 'Import',
        params: { items },
        createdBy: 'nurse',
      })
      updateJob(core.db, 'import_crashed', { state: 'running' })
      core.recover()
      const sid = core.openSession()
      core.signInDirect(sid, 'nurse')
      const grants = core.grantFiles(
        sid,
        files.map((p) => ({ path: p })),
      )
      const { jobId } = unwrap(
        await coreWire(core, sid).startImport({
          items: grants.map((g) => ({ grantId: g.id, newInfantLabel: 'Bed 1' })),
        }),
      ) as { jobId: string }
      expect(jobId).toBe('import_crashed')
      await core.ctx.jobs.idle()
      const rows = core.db.prepare('SELECT COUNT(*) AS n FROM recordings').get() as { n: number }
      expect(rows.n).toBe(N)
      expect(outcomes(core, [jobId]).filter((o) => o !== 'imported')).toEqual([])
      // A set that overlaps a running import is refused, naming it.
      const again = core.ctx.jobs.start(
        'import',
        'long',
        { items: items.slice(0, 3) },
        'nurse',
        (h) => new Promise((resolve) => h.signal.addEventListener('abort', () => resolve(null))),
      )
      const some = core.grantFiles(
        sid,
        files.slice(0, 5).map((p) => ({ path: p })),
      )
      expect(
        await coreWire(core, sid).startImport({
          items: some.map((g) => ({ grantId: g.id, newInfantLabel: 'Bed 1' })),
        }),
      ).toMatchObject({ ok: false, error: { code: 'conflict' } })
      core.ctx.jobs.cancel(again)
      await core.ctx.jobs.idle()
    } finally {
      await core.close()
    }
  })

  it('copies of the same recordings in two jobs at once: each imported once, the others duplicates, none refused', async () => {
    const copies = path.join(dir, 'copies')
    fs.mkdirSync(copies)
    for (const f of files) fs.copyFileSync(f, path.join(copies, path.basename(f)))
    const core = newCore('concurrent')
    try {
      const sid = core.openSession()
      core.signInDirect(sid, 'nurse')
      const start = async (paths: string[]) => {
        const grants = core.grantFiles(
          sid,
          paths.map((p) => ({ path: p })),
        )
        return (
          unwrap(
            await coreWire(core, sid).startImport({
              items: grants.map((g) => ({ grantId: g.id, newInfantLabel: 'Bed 1' })),
            }),
          ) as { jobId: string }
        ).jobId
      }
      const a = await start(files)
      const b = await start(files.map((f) => path.join(copies, path.basename(f))))
      await core.ctx.jobs.idle()
      const rows = core.db.prepare('SELECT COUNT(*) AS n FROM recordings').get() as { n: number }
      expect(rows.n).toBe(N)
      const all = outcomes(core, [a, b])
      expect(all.filter((o) => o !== 'imported' && o !== 'duplicate')).toEqual([])
      expect(all.filter((o) => o === 'imported')).toHaveLength(N)
      const states = [a, b].map((id) => (core.ctx.jobs.get(id) as Job).state)
      expect(states).toEqual(['done', 'done'])
    } finally {
      await core.close()
    }
  })
})
