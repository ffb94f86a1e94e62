// The shift handover through Core.dispatch on a real SQLite file: the window's bounds (from inclusive, to
// exclusive) for recordings, cries, flags and verdicts; which alerts it names; who gave a verdict and whether
// a later one replaced it; who may read it; that reading and printing it are audited. And the `alert` event: the
// whole alert, with what changed.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Alert, ShiftHandover } from '../../src/shared/contract'
import { coreClient, coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { shiftAlerts } from '../../src/main/core/services/handover'
import { insertAlert } from '../../src/main/store/alerts'
import { insertReview } from '../../src/main/store/reviews'

let core: Core
let dir: string
let nurse: string
let clinician: string
let researcher: string
const events: { name: string; payload: unknown }[] = []

const T0 = Date.parse('2026-03-01T08:00:00.000Z')
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString()
const SHIFT = { hours: 12, to: iso(12 * 60) } // 08:00 to 20:00

const api = (session: string) => coreClient(core, session)

function seed(): void {
  const db = core.db
  const now = iso(-600)
  db.prepare("INSERT INTO infants (id, label, bed, created_at) VALUES (1, 'Baby Ada', '3', ?)").run(now)
  db.prepare("INSERT INTO infants (id, label, bed, created_at) VALUES (2, 'Baby Bo', '4', ?)").run(now)
  db.prepare("INSERT INTO infants (id, label, bed, created_at) VALUES (3, 'Baby Cy', '5', ?)").run(now)
  const rec = db.prepare(
    `INSERT INTO recordings (id, infant_id, file_name, content_hash, format, native_sample_rate, channels,
      duration_s, recorded_at, time_source, imported_at, audio_path) VALUES (?, ?, ?, ?, 'wav', 16000, 1, 600, ?, 'user', ?, 'x.wav')`,
  )
  rec.run(1, 1, 'before.wav', 'h1', iso(-30), now) // the shift before
  rec.run(2, 1, 'start.wav', 'h2', iso(0), now) // at the shift's start: in
  rec.run(3, 2, 'late.wav', 'h3', iso(12 * 60 - 5), now)
  rec.run(4, 2, 'next.wav', 'h4', iso(12 * 60), now) // at its end: the next shift's
  const cry = db.prepare(
    `INSERT INTO cries (id, recording_id, infant_id, start_s, end_s, at, duration_s, score, flagged, decision)
     VALUES (?, ?, ?, 1, 2, ?, 1, ?, ?, ?)`,
  )
  cry.run(1, 1, 1, iso(-1), 0.99, 1, 'rejected') // before the shift, flagged
  cry.run(2, 2, 1, iso(0), 0.2, 0, 'accepted')
  cry.run(3, 2, 1, iso(1), 0.97, 1, 'rejected')
  cry.run(4, 2, 1, iso(2), 0.98, 1, 'rejected')
  cry.run(5, 3, 2, iso(12 * 60 - 1), 0.99, 1, 'rejected')
  cry.run(6, 4, 2, iso(12 * 60), 0.99, 1, 'rejected') // after the shift
  const clin = { userId: 2, username: 'clinician', role: 'clinician' }
  insertReview(db, { cryId: 1, verdict: 'normal', note: null }, clin, iso(-10)) // given before the shift
  insertReview(db, { cryId: 3, verdict: 'not_cry', note: null }, clin, iso(60))
  insertReview(db, { cryId: 3, verdict: 'deviation', note: 'hoarse' }, clin, iso(61))
  // A reviewer whose account is gone keeps the name the review recorded.
  insertReview(
    db,
    { cryId: 1, verdict: 'deviation', note: null },
    { userId: null, username: 'locum', role: 'clinician' },
    iso(90),
  )
  const alert = (infantId: number, createdMin: number, statistic: 'ewma' | 'cusum') =>
    insertAlert(
      db,
      {
        infantId,
        statistic,
        at: iso(createdMin - 1),
        value: 5,
        limit: 4,
        cryId: null,
        message: `${statistic} moved: f0 up`,
      },
      iso(createdMin),
    )
  alert(1, -2000, 'cusum') // raised long before, still open: named
  const resolvedBefore = alert(2, -1900, 'cusum') // raised and resolved before: not named
  db.prepare(
    "UPDATE alerts SET state = 'resolved', updated_at = ?, updated_by = 'clinician' WHERE id = ?",
  ).run(iso(-1000), resolvedBefore)
  const resolvedIn = alert(2, -1800, 'ewma') // raised before, resolved in the shift: named
  db.prepare(
    "UPDATE alerts SET state = 'resolved', updated_at = ?, updated_by = 'clinician' WHERE id = ?",
  ).run(iso(300), resolvedIn)
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-handover-'))
  core = new Core({ dataDir: path.join(dir, 'data'), mode: 'test', workers: 1, log: () => undefined })
  core.events.on('event', (name: string, payload: unknown) => events.push({ name, payload }))
  seed()
  nurse = core.openSession()
  clinician = core.openSession()
  researcher = core.openSession()
  core.signInDirect(nurse, 'nurse')
  core.signInDirect(clinician, 'clinician')
  core.signInDirect(researcher, 'researcher')
})

afterAll(async () => {
  await core.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('shiftHandover', () => {
  it("counts each infant's recordings, cries, flags and unreviewed flags of the shift, from inclusive, to exclusive", async () => {
    const h = ShiftHandover.parse(await api(nurse).shiftHandover(SHIFT))
    expect(h.from).toBe(iso(0))
    expect(h.to).toBe(iso(720))
    expect(h.generatedBy).toBe('Ward nurse')
    expect(h.infants.map((i) => i.infant.label)).toEqual(['Baby Ada', 'Baby Bo', 'Baby Cy'])
    const [ada, bo, cy] = h.infants
    expect(ada).toMatchObject({ recordings: 1, cries: 3, flagged: 2, awaitingReview: 1 })
    expect(bo).toMatchObject({ recordings: 1, cries: 1, flagged: 1, awaitingReview: 1 })
    expect(cy).toMatchObject({
      recordings: 0,
      cries: 0,
      flagged: 0,
      awaitingReview: 0,
      alerts: [],
      verdicts: [],
    })
  })

  it('names the verdicts given in the shift with who gave them, newest first, and what replaced what', async () => {
    const h = ShiftHandover.parse(await api(clinician).shiftHandover(SHIFT))
    const ada = h.infants[0]!
    expect(ada.verdicts.map((v) => [v.cryId, v.verdict, v.by, v.role, v.superseded])).toEqual([
      [1, 'deviation', 'locum', 'clinician', false],
      [3, 'deviation', 'Clinician', 'clinician', false],
      [3, 'not_cry', 'Clinician', 'clinician', true],
    ])
    expect(ada.verdicts[0]!.cryAt).toBe(iso(-1)) // a cry of the shift before, judged in this one
    expect(ada.verdicts[1]!.note).toBe('hoarse')
  })

  it('names the alerts still open and those handled in the shift, not the history', async () => {
    const h = ShiftHandover.parse(await api(nurse).shiftHandover(SHIFT))
    expect(h.infants[0]!.alerts.map((a) => [a.statistic, a.state])).toEqual([['cusum', 'new']])
    expect(h.infants[1]!.alerts.map((a) => [a.statistic, a.state])).toEqual([['ewma', 'resolved']])
    expect(h.infants[0]!.alerts[0]!.message).toBe('cusum moved: f0 up')
  })

  it('defaults to the last 12 hours, and the window moves with its end', async () => {
    const now = ShiftHandover.parse(await api(nurse).shiftHandover({}))
    expect(Date.parse(now.to) - Date.parse(now.from)).toBe(12 * 3_600_000)
    expect(Math.abs(Date.parse(now.to) - Date.now())).toBeLessThan(60_000)
    const earlier = ShiftHandover.parse(await api(nurse).shiftHandover({ hours: 1, to: iso(0) }))
    expect(earlier.infants[0]).toMatchObject({ recordings: 1, cries: 1, flagged: 1 })
    expect(earlier.infants[0]!.verdicts.map((v) => v.verdict)).toEqual(['normal'])
  })

  it('is for the nurses and clinicians who hand over, not for researchers; the window is bounded', async () => {
    const r = await coreWire(core, researcher).shiftHandover({})
    expect(r.ok ? null : r.error.code).toBe('forbidden')
    const bad = await coreWire(core, nurse).shiftHandover({ hours: 100 })
    expect(bad.ok ? null : bad.error.code).toBe('invalid_request')
  })
})

describe('reading and printing the handover is audited', () => {
  type Entry = { username: string; role: string; action: string; at: string; after_json: string }
  const entries = (action: string, since: number): Entry[] =>
    core.db
      .prepare(
        'SELECT username, role, action, at, after_json FROM audit_log WHERE id > ? AND action = ? ORDER BY id',
      )
      .all(since, action) as Entry[]
  const lastId = () => (core.db.prepare('SELECT MAX(id) AS n FROM audit_log').get() as { n: number }).n

  it('a view: who, when and which window; once per session and window while the screen re-reads it', async () => {
    // Sessions of their own: the tests above read windows too.
    const nurse = core.openSession()
    const clinician = core.openSession()
    core.signInDirect(nurse, 'nurse')
    core.signInDirect(clinician, 'clinician')
    const since = lastId()
    const t0 = Date.now()
    await api(nurse).shiftHandover(SHIFT)
    let views = entries('handover.view', since)
    expect(views).toHaveLength(1)
    expect(views[0]).toMatchObject({ username: 'nurse', role: 'nurse' })
    expect(Date.parse(views[0]!.at)).toBeGreaterThanOrEqual(t0 - 1000)
    expect(JSON.parse(views[0]!.after_json)).toEqual({
      from: iso(0),
      to: iso(12 * 60),
      hours: 12,
      shiftEnd: 'chosen',
      infants: 3,
    })
    // The screen reads it again at every change on the ward: the same window is not audited again.
    await api(nurse).shiftHandover(SHIFT)
    expect(entries('handover.view', since)).toHaveLength(1)
    // Another window, or another reader, is.
    await api(nurse).shiftHandover({ hours: 8, to: SHIFT.to })
    await api(clinician).shiftHandover(SHIFT)
    await api(nurse).shiftHandover({})
    views = entries('handover.view', since)
    expect(
      views.map((v) => [v.username, JSON.parse(v.after_json).hours, JSON.parse(v.after_json).shiftEnd]),
    ).toEqual([
      ['nurse', 12, 'chosen'],
      ['nurse', 8, 'chosen'],
      ['clinician', 12, 'chosen'],
      ['nurse', 12, 'now'],
    ])
    // A refused read is not a view.
    await coreWire(core, researcher).shiftHandover({})
    expect(entries('handover.view', since)).toHaveLength(4)
  })

  it('a print: who, when and which window; only for those who read it, and only a window of at most 72 h', async () => {
    const since = lastId()
    const r = await api(clinician).printShiftHandover({ from: iso(0), to: iso(12 * 60) })
    expect(r.printedBy).toBe('Clinician')
    const prints = entries('handover.print', since)
    expect(prints).toHaveLength(1)
    expect(prints[0]).toMatchObject({ username: 'clinician', role: 'clinician', at: r.printedAt })
    expect(JSON.parse(prints[0]!.after_json)).toEqual({ from: iso(0), to: iso(12 * 60), hours: 12 })
    const forbidden = await coreWire(core, researcher).printShiftHandover({ from: iso(0), to: iso(60) })
    expect(forbidden.ok ? null : forbidden.error.code).toBe('forbidden')
    for (const bad of [
      { from: iso(60), to: iso(0) },
      { from: iso(0), to: iso(73 * 60) },
    ]) {
      const res = await coreWire(core, nurse).printShiftHandover(bad)
      expect(res.ok ? null : res.error.code).toBe('invalid_request')
    }
    expect(entries('handover.print', since)).toHaveLength(1)
  })
})

describe('shiftAlerts', () => {
  const a = (state: Alert['state'], createdAt: string, updatedAt = createdAt) =>
    ({ state, createdAt, updatedAt }) as Alert
  it('keeps open alerts whenever raised, and resolved ones only when raised or resolved in the shift', () => {
    const from = iso(0)
    const to = iso(60)
    const all = [
      a('new', iso(-500)),
      a('acknowledged', iso(-500), iso(-400)),
      a('resolved', iso(-500), iso(-400)),
      a('resolved', iso(-500), iso(30)),
      a('resolved', iso(10), iso(20)),
      a('resolved', iso(-500), iso(60)), // at the end: the next shift's
    ]
    expect(shiftAlerts(all, from, to)).toEqual([all[0], all[1], all[3], all[4]])
  })
})

describe('the alert event', () => {
  it('carries the whole alert, with the infant and what changed, when its state changes', async () => {
    events.length = 0
    const h = ShiftHandover.parse(await api(nurse).shiftHandover(SHIFT))
    const id = h.infants[0]!.alerts[0]!.id
    await api(clinician).setAlertState({ alertId: id, state: 'acknowledged', note: 'seen' })
    const sent = events.filter((e) => e.name === 'alert').map((e) => Alert.parse(e.payload))
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      id,
      infantId: 1,
      infantLabel: 'Baby Ada',
      state: 'acknowledged',
      message: 'cusum moved: f0 up',
      updatedBy: 'clinician',
      note: 'seen',
    })
  })
})
