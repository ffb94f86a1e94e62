// getTimeline on a large synthetic timeline: downsampling keeps every flagged and reviewed cry and the cries a
// preview asks for; a range answers every cry in it; the rows kept between requests never hide a change (a
// verdict, a threshold), and the exported report is audited.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coreClient, coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { seedSyntheticTimeline } from '../helpers/synthetic-timeline'

let dir: string
let core: Core
let infantId: number
let clinician: string
let researcher: string
const api = (sid: string) => coreClient(core, sid)

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-timeline-'))
  core = new Core({ dataDir: dir, mode: 'test', workers: 1, log: () => undefined })
  ;({ infantId } = seedSyntheticTimeline(core, { cries: 6000, days: 10, changeDay: 6, verdicts: 15 }))
  clinician = core.openSession()
  core.signInDirect(clinician, 'clinician')
  researcher = core.openSession()
  core.signInDirect(researcher, 'researcher')
})
afterAll(async () => {
  await core.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const db = () => core.db
const flaggedIds = () =>
  (
    db().prepare('SELECT id FROM cries WHERE infant_id = ? AND flagged = 1').all(infantId) as { id: number }[]
  ).map((r) => r.id)

describe('getTimeline', () => {
  it('downsamples the whole timeline but keeps every flagged and reviewed cry', async () => {
    const t = await api(clinician).getTimeline({ infantId, maxPoints: 500 })
    expect(t.totalPoints).toBe(6000)
    const ids = new Set(t.points.map((p) => p.cryId))
    const flagged = flaggedIds()
    expect(flagged.length).toBeGreaterThan(50)
    expect(t.points.length).toBeLessThan(500 + flagged.length + 20)
    for (const id of flagged) expect(ids.has(id), `flagged cry ${id}`).toBe(true)
    const reviewed = t.points.filter((p) => p.verdict !== null)
    const verdicts = db().prepare('SELECT COUNT(DISTINCT cry_id) AS n FROM reviews').get() as { n: number }
    expect(verdicts.n).toBeGreaterThan(5)
    expect(reviewed.length).toBe(verdicts.n)
    expect(t.points.map((p) => p.at)).toEqual([...t.points.map((p) => p.at)].sort())
    expect(t.blocks.length).toBeGreaterThan(50)
    expect(t.days.length).toBe(10)
    expect(t.trends.length).toBe(10)
    expect(t.phase).toBe('tracking')
    // The change from day 6 raises scores: the control charts cross their limits and alerts are raised.
    expect(t.alerts.length).toBeGreaterThan(0)
  })

  it('keeps the cries a preview asks for', async () => {
    const plain = await api(clinician).getTimeline({ infantId, maxPoints: 200 })
    const shown = new Set(plain.points.map((p) => p.cryId))
    const missing = (
      db()
        .prepare('SELECT id FROM cries WHERE infant_id = ? AND flagged = 0 ORDER BY id LIMIT 400')
        .all(infantId) as {
        id: number
      }[]
    )
      .map((r) => r.id)
      .filter((id) => !shown.has(id))
      .slice(0, 25)
    expect(missing.length).toBe(25)
    const kept = await api(clinician).getTimeline({
      infantId,
      maxPoints: 200,
      keepCryIds: missing,
    })
    const ids = new Set(kept.points.map((p) => p.cryId))
    for (const id of missing) expect(ids.has(id)).toBe(true)
  })

  it('answers a range with every cry in it, as the SQL range selects them', async () => {
    const from = '2026-02-03T00:00:00.000Z'
    const to = '2026-02-04T12:00:00.000Z'
    const t = await api(clinician).getTimeline({ infantId, from, to, maxPoints: 100_000 })
    const expected = (
      db()
        .prepare('SELECT id FROM cries WHERE infant_id = ? AND at >= ? AND at <= ? ORDER BY at, id')
        .all(infantId, from, to) as { id: number }[]
    ).map((r) => r.id)
    expect(expected.length).toBeGreaterThan(500)
    expect(t.points.map((p) => p.cryId)).toEqual(expected)
    expect(t.totalPoints).toBe(expected.length)
    expect(t.from).toBe(from)
    for (const b of t.blocks)
      expect(Date.parse(b.end) >= Date.parse(from) && Date.parse(b.start) <= Date.parse(to)).toBe(true)
  })

  it('shows a new verdict and a new threshold at once (kept rows never go stale)', async () => {
    const before = await api(clinician).getTimeline({ infantId, maxPoints: 500 })
    const target = before.points.find((p) => p.flagged && p.verdict === null)!
    await api(clinician).recordVerdict({ cryId: target.cryId, verdict: 'deviation' })
    const after = await api(clinician).getTimeline({ infantId, maxPoints: 500 })
    expect(after.points.find((p) => p.cryId === target.cryId)?.verdict).toBe('deviation')

    const flaggedBefore = after.points.filter((p) => p.flagged).length
    await api(researcher).applySettings({ infantId, changes: { flagPercentile: 0.999 }, reason: 'test' })
    const stricter = await api(clinician).getTimeline({ infantId, maxPoints: 500 })
    expect(stricter.flagPercentile).toBe(0.999)
    expect(stricter.points.filter((p) => p.flagged).length).toBeLessThan(flaggedBefore)
    expect(stricter.points.filter((p) => p.flagged).every((p) => p.score >= 0.999)).toBe(true)
  })
})

describe('getTimeline after writes elsewhere and here', () => {
  it('keeps answering from its rows after unrelated writes, and moves cries when their recording’s time moves', async () => {
    const nurse = core.openSession()
    core.signInDirect(nurse, 'nurse')
    const before = await api(clinician).getTimeline({ infantId, maxPoints: 100_000 })
    await api(nurse).createInfant({ label: 'Another infant' }) // a write that leaves these rows alone
    expect(await api(clinician).getTimeline({ infantId, maxPoints: 100_000 })).toEqual(before)

    const rec = db()
      .prepare(
        'SELECT r.id, r.recorded_at AS at FROM recordings r WHERE r.infant_id = ? ORDER BY r.recorded_at LIMIT 1',
      )
      .get(infantId) as { id: number; at: string }
    const cry = db().prepare('SELECT id FROM cries WHERE recording_id = ? LIMIT 1').get(rec.id) as {
      id: number
    }
    const moved = new Date(Date.parse(rec.at) - 86400e3).toISOString()
    await api(nurse).setRecordingTime({ id: rec.id, recordedAt: moved })
    const after = await api(clinician).getTimeline({ infantId, maxPoints: 100_000 })
    const was = before.points.find((p) => p.cryId === cry.id)!
    const now = after.points.find((p) => p.cryId === cry.id)!
    expect(Date.parse(was.at) - Date.parse(now.at)).toBe(86400e3)
    expect(after.points[0]!.cryId).toBe(cry.id) // a day earlier: first on the timeline
  })
})

describe('exportTimelineReport', () => {
  it('names the file and writes an audit entry; nurses may not export', async () => {
    const r = await api(clinician).exportTimelineReport({
      infantId,
      format: 'png',
      from: '2026-02-03T00:00:00.000Z',
    })
    expect(r.fileName).toMatch(/^iclas-timeline-Synthetic-\d{4}-\d{2}-\d{2}\.png$/)
    const last = db()
      .prepare('SELECT action, entity_id, after_json FROM audit_log ORDER BY id DESC LIMIT 1')
      .get() as {
      action: string
      entity_id: string
      after_json: string
    }
    expect(last.action).toBe('export.timeline_report')
    expect(last.entity_id).toBe(String(infantId))
    expect(JSON.parse(last.after_json)).toMatchObject({ format: 'png', from: '2026-02-03T00:00:00.000Z' })
    const nurse = core.openSession()
    core.signInDirect(nurse, 'nurse')
    expect(await coreWire(core, nurse).exportTimelineReport({ infantId, format: 'pdf' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
  })
})
