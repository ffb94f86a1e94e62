// Repository for the infants table.
import type { Db } from './db'
import type { Infant } from '../../shared/contract'

interface InfantRow {
  id: number
  label: string
  bed: string | null
  external_id: string | null
  notes: string | null
  birth_date: string | null
  gestational_age_days: number | null
  birth_weight_g: number | null
  created_at: string
  recording_count: number
  cry_count: number
  last_cry_at: string | null
}

const SELECT = `
  SELECT i.*,
    (SELECT COUNT(*) FROM recordings r WHERE r.infant_id = i.id) AS recording_count,
    (SELECT COUNT(*) FROM cries c WHERE c.infant_id = i.id) AS cry_count,
    (SELECT MAX(c.at) FROM cries c WHERE c.infant_id = i.id) AS last_cry_at
  FROM infants i`

function toInfant(r: InfantRow): Infant {
  return {
    id: r.id,
    label: r.label,
    bed: r.bed,
    externalId: r.external_id,
    notes: r.notes,
    birthDate: r.birth_date,
    gestationalAgeDays: r.gestational_age_days,
    birthWeightG: r.birth_weight_g,
    createdAt: r.created_at,
    recordingCount: r.recording_count,
    cryCount: r.cry_count,
    lastCryAt: r.last_cry_at,
  }
}

export interface NewInfant {
  label: string
  bed?: string | null
  externalId?: string | null
  notes?: string | null
  birthDate?: string | null
  gestationalAgeDays?: number | null
  birthWeightG?: number | null
}

export function listInfants(db: Db): Infant[] {
  return (db.prepare(`${SELECT} ORDER BY i.bed IS NULL, i.bed, i.label`).all() as InfantRow[]).map(toInfant)
}

export function getInfant(db: Db, id: number): Infant | undefined {
  const row = db.prepare(`${SELECT} WHERE i.id = ?`).get(id) as InfantRow | undefined
  return row && toInfant(row)
}

export function findInfantByExternalId(db: Db, externalId: string): Infant | undefined {
  const row = db.prepare(`${SELECT} WHERE i.external_id = ?`).get(externalId) as InfantRow | undefined
  return row && toInfant(row)
}

export function findInfantByLabel(db: Db, label: string): Infant | undefined {
  const row = db.prepare(`${SELECT} WHERE i.label = ? ORDER BY i.id LIMIT 1`).get(label) as
    InfantRow | undefined
  return row && toInfant(row)
}

export function insertInfant(db: Db, v: NewInfant, now = new Date().toISOString()): Infant {
  const info = db
    .prepare(
      `INSERT INTO infants (label, bed, external_id, notes, birth_date, gestational_age_days, birth_weight_g,
        created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      v.label,
      v.bed ?? null,
      v.externalId ?? null,
      v.notes ?? null,
      v.birthDate ?? null,
      v.gestationalAgeDays ?? null,
      v.birthWeightG ?? null,
      now,
    )
  return getInfant(db, Number(info.lastInsertRowid))!
}

export function updateInfant(db: Db, id: number, v: Partial<NewInfant>): Infant | undefined {
  const cur = getInfant(db, id)
  if (!cur) return undefined
  const keep = <K extends keyof NewInfant & keyof Infant>(k: K) => (v[k] === undefined ? cur[k] : v[k])
  db.prepare(
    `UPDATE infants SET label = ?, bed = ?, external_id = ?, notes = ?, birth_date = ?, gestational_age_days = ?,
      birth_weight_g = ? WHERE id = ?`,
  ).run(
    v.label ?? cur.label,
    keep('bed'),
    keep('externalId'),
    keep('notes'),
    keep('birthDate'),
    keep('gestationalAgeDays'),
    keep('birthWeightG'),
    id,
  )
  return getInfant(db, id)
}

/** The ids of every infant. */
export function listInfantIds(db: Db): number[] {
  return (db.prepare('SELECT id FROM infants').all() as { id: number }[]).map((r) => r.id)
}

/** Whether the ward holds any infant. */
export function hasInfants(db: Db): boolean {
  return (db.prepare('SELECT EXISTS (SELECT 1 FROM infants) AS x').get() as { x: number }).x === 1
}
