// Audio exports through Core.dispatch on a real store and working copy: a cry and a selection come back as WAV
// files of exactly their samples, audited; a nurse may not take audio off the workstation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExportFile } from '../../src/shared/contract'
import { unwrap } from '../../src/shared/rpc'
import { listAudit } from '../../src/main/store/audit'
import { seededCore, type Seeded } from '../helpers/seeded-core'

let s: Seeded
beforeAll(async () => {
  s = await seededCore('audio-export')
})
afterAll(async () => s?.close())

const wavFrames = (f: ExportFile) => {
  const b = Buffer.from(f.content, 'base64')
  expect(b.toString('latin1', 0, 4)).toBe('RIFF')
  expect(b.readUInt32LE(24)).toBe(16000)
  return b.readUInt32LE(40) / 2
}

describe('exportCryAudio and exportSelectionAudio', () => {
  it("writes a cry's samples as a WAV file, named after the recording and the cry, and audits it", async () => {
    const clinician = s.session('clinician')
    const cry = s.core.db.prepare('SELECT id, start_s, end_s FROM cries ORDER BY start_s').get() as {
      id: number
      start_s: number
      end_s: number
    }
    const f = unwrap(await s.call(clinician, 'exportCryAudio', { cryId: cry.id })) as ExportFile
    expect(f).toMatchObject({ mimeType: 'audio/wav', encoding: 'base64', fileName: `seed-cry-${cry.id}.wav` })
    expect(wavFrames(f)).toBe(Math.round(cry.end_s * 16000) - Math.round(cry.start_s * 16000))
    const row = listAudit(s.core.db, { action: 'export.audio' }).find((a) => a.entityId === String(cry.id))
    expect(row).toMatchObject({ role: 'clinician', entity: 'cry' })
  })

  it('writes a selection to the millisecond, clipped at the recording end', async () => {
    const researcher = s.session('researcher')
    const rec = s.core.db.prepare('SELECT id, duration_s FROM recordings').get() as { id: number }
    const f = unwrap(
      await s.call(researcher, 'exportSelectionAudio', { recordingId: rec.id, startS: 1.0004, endS: 1.2346 }),
    ) as ExportFile
    expect(f.fileName).toBe('seed-1.000-1.235s.wav')
    expect(wavFrames(f)).toBe(19754 - 16006)
    const tail = unwrap(
      await s.call(researcher, 'exportSelectionAudio', { recordingId: rec.id, startS: 2.5, endS: 9 }),
    ) as ExportFile
    expect(wavFrames(tail)).toBe(8000)
    const late = await s.call(researcher, 'exportSelectionAudio', { recordingId: rec.id, startS: 5, endS: 6 })
    expect(late).toMatchObject({ ok: false, error: { code: 'refused' } })
  })

  it('refuses a nurse', async () => {
    const r = await s.call(s.session('nurse'), 'exportCryAudio', { cryId: 1 })
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })
})
