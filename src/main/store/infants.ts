// Repository for the infants table.
import type { Db } from './db'
import type { Infant } from '../../shared/contract'

interface InfantRow {
  id: number
  label: string
  bed: string | null
  external_id: string | null
  notes: string | null
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
    .prepare('INSERT INTO infants (label, bed, external_id, notes, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(v.label, v.bed ?? null, v.externalId ?? null, v.notes ?? null, now)
  return getInfant(db, Number(info.lastInsertRowid))!
}

export function updateInfant(db: Db, id: number, v: Partial<NewInfant>): Infant | undefined {
  const cur = getInfant(db, id)
  if (!cur) return undefined
  db.prepare('UPDATE infants SET label = ?, bed = ?, external_id = ?, notes = ? WHERE id = ?').run(
    v.label ?? cur.label,
    v.bed === undefined ? cur.bed : v.bed,
    v.externalId === undefined ? cur.externalId : v.externalId,
    v.notes === undefined ? cur.notes : v.notes,
    id,
  )
  return getInfant(db, id)
}
