// Repository for the settings table (JSON values by key). Changes are audited by the service that makes them.
import type { Db } from './db'

export function getSetting<T>(db: Db, key: string): T | undefined {
  const row = db.prepare('SELECT value_json FROM settings WHERE key = ?').get(key) as
    { value_json: string } | undefined
  return row ? (JSON.parse(row.value_json) as T) : undefined
}

export function putSetting(
  db: Db,
  key: string,
  value: unknown,
  by: string,
  now = new Date().toISOString(),
): void {
  db.prepare(
    `INSERT INTO settings (key, value_json, updated_at, updated_by) VALUES (?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at,
       updated_by = excluded.updated_by`,
  ).run(key, JSON.stringify(value), now, by)
}
