// Stages 1–4 in the workstation, end to end over the store: cries of simulated recordings are embedded (the
// model-free acoustic backbone, so the test does not depend on a trained network), the baseline period ends in
// a personal model, later cries are scored and gated, a deviation raises an alert, a verdict overrides the
// gate, a model version is restored, and a threshold change is previewed then applied with an audit entry.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coreClient, coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { addSynthRecording } from '../helpers/synth-recording'

let dir: string
let core: Core
let infantId: number
const HOUR = 3600e3
const t0 = Date.UTC(2026, 2, 1, 8)

function addRecording(index: number, severity: number): number {
  return addSynthRecording(core, {
    dataDir: dir,
    infantId,
    voice: 'analysis-test-infant',
    index,
    severity,
    t0,
  })
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-analysis-'))
  const models = path.join(dir, 'models')
  fs.mkdirSync(models)
  fs.writeFileSync(path.join(models, 'default.json'), JSON.stringify({ backbone: 'acoustic' }))
  core = new Core({
    dataDir: path.join(dir, 'data'),
    mode: 'test',
    modelsDir: models,
    refitDebounceMs: 10,
    log: () => undefined,
    workers: 1,
  })
  dir = path.join(dir, 'data')
  infantId = Number(
    core.db
      .prepare("INSERT INTO infants (label, created_at) VALUES ('Test infant', ?)")
      .run(new Date().toISOString()).lastInsertRowid,
  )
})

afterAll(async () => {
  await core.close()
})

async function as(username: string) {
  const sid = core.openSession()
  core.signInDirect(sid, username)
  return coreClient(core, sid)
}

describe('analysis service', () => {
  it('collects a baseline, fits a personal model, then scores, gates and alerts on a deviation', async () => {
    const researcher = await as('researcher')
    await researcher.applySettings({
      changes: { baselineMinCries: 20, baselineMinRecordings: 3, refitAfter: 30 },
    })
    const results: Awaited<ReturnType<typeof core.analysis.analyseRecording>>[] = []
    for (let r = 0; r < 14; r++) {
      const id = addRecording(r, r >= 9 ? 1 : 0)
      results.push(await core.analysis.analyseRecording(id))
    }
    expect(results[0]!.baseline).toBeGreaterThan(0)
    expect(results[0]!.backbone).toBe('acoustic')
    const models = core.db
      .prepare('SELECT version, kind, reason FROM anomaly_models WHERE infant_id = ? ORDER BY version')
      .all(infantId) as { version: number; reason: string }[]
    expect(models[0]).toMatchObject({ version: 1, reason: 'initial baseline' })
    const before = results.slice(3, 9)
    const after = results.slice(10)
    const rate = (rs: typeof results) =>
      rs.reduce((a, r) => a + r.flagged, 0) / rs.reduce((a, r) => a + r.cries, 0)
    expect(rate(after)).toBeGreaterThan(3 * rate(before) + 0.02) // flags start at the 99th percentile
    const meanScore = (from: number, to: number) =>
      (
        core.db
          .prepare(
            'SELECT AVG(c.score) AS m FROM cries c JOIN recordings r ON r.id = c.recording_id WHERE r.file_name IN (' +
              Array.from({ length: to - from }, (_, i) => `'analysis-test-infant-rec-${from + i}.wav'`).join(
                ',',
              ) +
              ')',
          )
          .get() as { m: number }
      ).m
    expect(meanScore(3, 9)).toBeLessThan(0.7)
    expect(meanScore(10, 14)).toBeGreaterThan(0.8)
    const acceptedAfter = after.reduce((a, r) => a + r.accepted, 0) / after.reduce((a, r) => a + r.cries, 0)
    expect(acceptedAfter).toBeLessThan(0.2) // the gate keeps the deviation out of the baseline
    const alerts = core.db.prepare('SELECT at FROM alerts WHERE infant_id = ?').all(infantId) as {
      at: string
    }[]
    expect(alerts.length).toBeGreaterThan(0)
    expect(alerts.every((a) => Date.parse(a.at) >= t0 + 9 * 8 * HOUR)).toBe(true)
    const timeline = await researcher.getTimeline({ infantId })
    expect(timeline.phase).toBe('tracking')
    expect(timeline.points.length).toBeGreaterThan(100)
    expect(timeline.alerts.length).toBe(alerts.length)
  })

  it('lets a clinician verdict override the gate and a researcher restore a model version', async () => {
    const clinician = await as('clinician')
    const flagged = core.db
      .prepare("SELECT id FROM cries WHERE infant_id = ? AND flagged = 1 AND decision = 'rejected' LIMIT 1")
      .get(infantId) as { id: number }
    await clinician.recordVerdict({ cryId: flagged.id, verdict: 'normal' })
    expect(core.db.prepare('SELECT in_baseline FROM cries WHERE id = ?').get(flagged.id)).toEqual({
      in_baseline: 1,
    })
    expect(core.db.prepare('SELECT 1 AS x FROM replay_buffer WHERE cry_id = ?').get(flagged.id)).toEqual({
      x: 1,
    })
    await clinician.recordVerdict({ cryId: flagged.id, verdict: 'deviation' })
    expect(
      core.db.prepare('SELECT 1 AS x FROM replay_buffer WHERE cry_id = ?').get(flagged.id),
    ).toBeUndefined()

    const researcher = await as('researcher')
    const v1 = (await researcher.listModels({ infantId })).find((m) => m.version === 1)!
    const restored = await researcher.restoreModel({
      modelId: v1.id,
    })
    expect(restored.active).toBe(true)
    expect(restored.reason).toBe('restore of v1')
    const audit = core.db
      .prepare("SELECT after_json FROM audit_log WHERE action = 'model.restore'")
      .get() as { after_json: string }
    expect(JSON.parse(audit.after_json)).toMatchObject({ restoredFrom: 1 })
  })

  it('previews a threshold change, applies it with an audit entry, and refuses it to a nurse', async () => {
    const researcher = await as('researcher')
    const preview = await researcher.previewSettings({ changes: { flagPercentile: 0.8 } })
    expect(preview.flagsGained).toBeGreaterThan(0)
    expect(preview.flagsLost).toBe(0)
    expect(preview.needsRefit).toBe(false)
    const flaggedBefore = (
      core.db.prepare('SELECT COUNT(*) AS n FROM cries WHERE flagged = 1').get() as { n: number }
    ).n
    await researcher.applySettings({ changes: { flagPercentile: 0.8 }, reason: 'test' })
    const flaggedAfter = (
      core.db.prepare('SELECT COUNT(*) AS n FROM cries WHERE flagged = 1').get() as { n: number }
    ).n
    expect(flaggedAfter - flaggedBefore).toBe(preview.flagsGained)
    const entry = core.db
      .prepare(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'settings.change' ORDER BY id DESC",
      )
      .get() as { before_json: string; after_json: string }
    expect(JSON.parse(entry.before_json).flagPercentile).toBe(0.99)
    expect(JSON.parse(entry.after_json).flagPercentile).toBe(0.8)
    const nurse = core.openSession()
    core.signInDirect(nurse, 'nurse')
    const refused = await coreWire(core, nurse).applySettings({ changes: { flagPercentile: 0.5 } })
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })
})
