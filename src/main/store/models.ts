// Repository for anomaly_models: every fitted personal model is a version row; exactly one is active per infant.
import type { Db } from './db'

export interface ModelRow {
  id: number
  infantId: number
  version: number
  kind: 'ae' | 'ocsvm' | 'gmm'
  backbone: string
  params: Record<string, unknown>
  /** CalibratedAnomalyModel JSON (model + LORO calibration). */
  weights: unknown
  baseline: unknown
  cryIds: number[]
  parentId: number | null
  reason: string
  createdAt: string
  createdBy: string
  active: boolean
}

interface Raw {
  id: number
  infant_id: number
  version: number
  kind: ModelRow['kind']
  backbone: string
  params_json: string
  weights: Buffer
  baseline_json: string
  cry_ids_json: string
  parent_id: number | null
  reason: string
  created_at: string
  created_by: string
  active: number
}

function toRow(r: Raw, withWeights: boolean): ModelRow {
  return {
    id: r.id,
    infantId: r.infant_id,
    version: r.version,
    kind: r.kind,
    backbone: r.backbone,
    params: JSON.parse(r.params_json),
    weights: withWeights ? JSON.parse(r.weights.toString('utf8')) : null,
    baseline: JSON.parse(r.baseline_json),
    cryIds: JSON.parse(r.cry_ids_json),
    parentId: r.parent_id,
    reason: r.reason,
    createdAt: r.created_at,
    createdBy: r.created_by,
    active: r.active === 1,
  }
}

export interface NewModel {
  infantId: number
  kind: ModelRow['kind']
  backbone: string
  params: Record<string, unknown>
  weights: unknown
  baseline: unknown
  cryIds: number[]
  parentId: number | null
  reason: string
  createdBy: string
}

/** Inserts the next version for the infant and makes it the active one. */
export function insertActiveModel(db: Db, m: NewModel, now = new Date().toISOString()): ModelRow {
  const next = (
    db
      .prepare('SELECT COALESCE(MAX(version), 0) + 1 AS v FROM anomaly_models WHERE infant_id = ?')
      .get(m.infantId) as { v: number }
  ).v
  db.prepare('UPDATE anomaly_models SET active = 0 WHERE infant_id = ? AND active = 1').run(m.infantId)
  const info = db
    .prepare(
      `INSERT INTO anomaly_models (infant_id, version, kind, backbone, params_json, weights, baseline_json, cry_ids_json,
         parent_id, reason, created_at, created_by, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    )
    .run(
      m.infantId,
      next,
      m.kind,
      m.backbone,
      JSON.stringify(m.params),
      Buffer.from(JSON.stringify(m.weights), 'utf8'),
      JSON.stringify(m.baseline),
      JSON.stringify(m.cryIds),
      m.parentId,
      m.reason,
      now,
      m.createdBy,
    )
  return getModel(db, Number(info.lastInsertRowid))!
}

export function getModel(db: Db, id: number, withWeights = true): ModelRow | undefined {
  const r = db.prepare('SELECT * FROM anomaly_models WHERE id = ?').get(id) as Raw | undefined
  return r && toRow(r, withWeights)
}

export function activeModel(db: Db, infantId: number, withWeights = true): ModelRow | undefined {
  const r = db.prepare('SELECT * FROM anomaly_models WHERE infant_id = ? AND active = 1').get(infantId) as
    Raw | undefined
  return r && toRow(r, withWeights)
}

export function listModels(db: Db, infantId: number): ModelRow[] {
  return (
    db
      .prepare('SELECT * FROM anomaly_models WHERE infant_id = ? ORDER BY version DESC')
      .all(infantId) as Raw[]
  ).map((r) => toRow(r, false))
}
