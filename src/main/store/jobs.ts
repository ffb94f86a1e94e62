// Repository for durable jobs: params are kept so an interrupted job can resume after a restart.
import type { Db } from './db'

export interface JobRow {
  id: string
  kind: string
  state: string
  title: string
  params: unknown
  report: unknown
  error: string | null
  createdBy: string
  createdAt: string
  finishedAt: string | null
}

interface Raw {
  id: string
  kind: string
  state: string
  title: string
  params_json: string
  report_json: string | null
  error: string | null
  created_by: string
  created_at: string
  finished_at: string | null
}

const toJob = (r: Raw): JobRow => ({
  id: r.id,
  kind: r.kind,
  state: r.state,
  title: r.title,
  params: JSON.parse(r.params_json),
  report: r.report_json ? JSON.parse(r.report_json) : null,
  error: r.error,
  createdBy: r.created_by,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
})

export function insertJob(
  db: Db,
  j: { id: string; kind: string; title: string; params: unknown; createdBy: string },
): void {
  db.prepare(
    `INSERT INTO jobs (id, kind, state, title, params_json, created_by, created_at) VALUES (?, ?, 'queued', ?, ?, ?, ?)`,
  ).run(j.id, j.kind, j.title, JSON.stringify(j.params), j.createdBy, new Date().toISOString())
}

export function updateJob(
  db: Db,
  id: string,
  v: { state: string; report?: unknown; error?: string | null },
): void {
  const done = ['done', 'failed', 'cancelled'].includes(v.state)
  db.prepare(
    `UPDATE jobs SET state = ?, report_json = COALESCE(?, report_json), error = ?, finished_at = ? WHERE id = ?`,
  ).run(
    v.state,
    v.report === undefined ? null : JSON.stringify(v.report),
    v.error ?? null,
    done ? new Date().toISOString() : null,
    id,
  )
}

export function getJobRow(db: Db, id: string): JobRow | undefined {
  const r = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Raw | undefined
  return r && toJob(r)
}

export function unfinishedJobs(db: Db): JobRow[] {
  return (
    db.prepare("SELECT * FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at").all() as Raw[]
  ).map(toJob)
}

export function recentJobs(db: Db, limit = 50): JobRow[] {
  return (db.prepare('SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?').all(limit) as Raw[]).map(toJob)
}

export function recentJobsOfKind(db: Db, kind: string, limit = 50): JobRow[] {
  return (
    db.prepare('SELECT * FROM jobs WHERE kind = ? ORDER BY created_at DESC LIMIT ?').all(kind, limit) as Raw[]
  ).map(toJob)
}
