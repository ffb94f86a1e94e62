// One cry stream through the ward and through protocol E gives identical decisions. The ward: a Core on a real
// SQLite file analyses synthesized recordings (acoustic backbone, so no trained network is needed; the last
// recordings deviate). Protocol E: its in-memory driver (InfantTracker with protocol E's model fitter and the
// workstation's default settings) is fed the same cries — the embeddings, P(cry) and measures the ward stored.
// Every gate decision, flag, baseline membership and score, every model version and every alert must agree:
// the evaluation measures the code the ward runs.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Core } from '../../src/main/core/core'
import {
  effectiveSettings,
  modelParams,
  stepSettings,
  WARD_KEY,
} from '../../src/main/core/services/analysis-settings'
import { putSetting } from '../../src/main/store/settings'
import { cryFeatureVector } from '../../src/main/engine/anomaly/cry-features'
import { personalModelFitter } from '../../src/main/evaluation/metrics/drift'
import { InfantTracker, type TrackerCry } from '../../src/main/engine/gate/tracker'
import { getEmbeddings } from '../../src/main/store/embeddings'
import { cryMeasures } from '../../src/main/store/cry-analysis'
import { addSynthRecording } from '../helpers/synth-recording'

let root: string
let dataDir: string
let core: Core
let infantId: number
const t0 = Date.UTC(2026, 4, 1, 8)

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-equality-'))
  const models = path.join(root, 'models')
  fs.mkdirSync(models)
  fs.writeFileSync(path.join(models, 'default.json'), JSON.stringify({ backbone: 'acoustic' }))
  dataDir = path.join(root, 'data')
  core = new Core({ dataDir, mode: 'test', modelsDir: models, log: () => undefined, workers: 1 })
  infantId = Number(
    core.db
      .prepare("INSERT INTO infants (label, created_at) VALUES ('Equality infant', ?)")
      .run(new Date().toISOString()).lastInsertRowid,
  )
  // A smaller baseline and refit interval than the ward's, so a short stream passes through every rule: the
  // baseline period, the first fit, scoring, gated refits, flags and alerts. Both sides read these settings.
  putSetting(core.db, WARD_KEY, { baselineMinCries: 20, baselineMinRecordings: 3, refitAfter: 20 }, 'test')
})

afterAll(async () => {
  await core.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('the stage 3–4 step in the ward and in protocol E', () => {
  it('makes the same decisions, refits and alerts for the same cries', async () => {
    const recordings: number[] = []
    for (let r = 0; r < 12; r++) {
      const id = addSynthRecording(core, {
        dataDir,
        infantId,
        voice: 'equality-infant',
        index: r,
        severity: r >= 8 ? 1 : 0,
        t0,
      })
      recordings.push(id)
      await core.analysis.analyseRecording(id)
    }
    const db = core.db
    const rows = db
      .prepare(
        `SELECT id, recording_id AS recordingId, start_s AS startS, at, cry_confidence AS cryConfidence, score,
           decision, flagged, in_baseline AS inBaseline FROM cries WHERE infant_id = ? ORDER BY at, id`,
      )
      .all(infantId) as {
      id: number
      recordingId: number
      startS: number
      at: string
      cryConfidence: number | null
      score: number | null
      decision: string
      flagged: number
      inBaseline: number
    }[]
    const backbone = (
      db.prepare('SELECT backbone FROM cry_embeddings WHERE cry_id = ?').get(rows[0]!.id) as {
        backbone: string
      }
    ).backbone
    const embeddings = getEmbeddings(
      db,
      backbone,
      rows.map((r) => r.id),
    )
    const measures = cryMeasures(
      db,
      rows.map((r) => r.id),
    )

    const s = effectiveSettings(db, infantId)
    const tracker = new InfantTracker(
      personalModelFitter(s.modelKind, modelParams(s), s.featureSet),
      'gated',
      stepSettings(s),
    )
    const decisions = new Map<number, Awaited<ReturnType<typeof tracker.addRecording>>[number]>()
    for (const rec of recordings) {
      const cries: TrackerCry[] = rows
        .filter((r) => r.recordingId === rec)
        .map((r) => ({
          id: r.id,
          recordingId: r.recordingId,
          startS: r.startS,
          t: Date.parse(r.at),
          embedding: embeddings.get(r.id)!,
          cryConfidence: r.cryConfidence,
          features: cryFeatureVector(measures.get(r.id)!),
        }))
      for (const d of await tracker.addRecording(cries)) decisions.set(d.id, d)
    }

    // The stream exercised every rule.
    const models = db
      .prepare('SELECT version, reason FROM anomaly_models WHERE infant_id = ? ORDER BY version')
      .all(infantId) as { version: number; reason: string }[]
    expect(models.length).toBeGreaterThanOrEqual(2)
    expect(rows.some((r) => r.flagged)).toBe(true)
    expect(rows.some((r) => r.decision === 'accepted')).toBe(true)

    for (const r of rows) {
      const d = decisions.get(r.id)!
      expect({ id: r.id, decision: d.gate.decision, flagged: d.flagged, joined: d.joinedBaseline }).toEqual({
        id: r.id,
        decision: r.decision,
        flagged: r.flagged === 1,
        joined: r.inBaseline === 1,
      })
      // The baseline's own cries get their leave-one-recording-out percentiles in the ward (for display).
      if (r.decision !== 'baseline') expect(d.score).toBeCloseTo(r.score!, 9)
    }
    expect(tracker.modelVersion).toBe(models.length)
    const alerts = db
      .prepare('SELECT statistic, at, cry_id AS cryId, message FROM alerts WHERE infant_id = ? ORDER BY id')
      .all(infantId) as { statistic: string; at: string; cryId: number; message: string }[]
    expect(alerts.length).toBeGreaterThan(0)
    expect(
      tracker.alerts.map((a) => ({
        statistic: a.statistic,
        at: new Date(a.t).toISOString(),
        cryId: a.cryId,
        message: a.message,
      })),
    ).toEqual(alerts)
  })
})
