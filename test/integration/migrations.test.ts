// One test per migration: migrate to n-1, insert, migrate to n, assert the old rows survive and the new
// schema works. Plus: the runner is idempotent, refuses a newer schema, and every table is STRICT.
import { describe, expect, it } from 'vitest'
import { migrate, openDb, schemaVersion } from '../../src/main/store/db'
import { migrations } from '../../src/main/store/migrations'

const at = '2026-01-01T00:00:00.000Z'

describe('migrations', () => {
  it('0001 infants-recordings: creates infants and recordings with a unique content hash', () => {
    const db = openDb(':memory:', { migrateTo: 0 })
    expect(schemaVersion(db)).toBe(0)
    migrate(db, 1)
    db.prepare('INSERT INTO infants (label, created_at) VALUES (?, ?)').run('A', at)
    const rec = db.prepare(
      `INSERT INTO recordings (infant_id, file_name, content_hash, format, native_sample_rate, channels, duration_s,
        recorded_at, time_source, imported_at, audio_path) VALUES (1, 'a.wav', 'h1', 'wav', 16000, 1, 1.5, ?, 'mtime', ?, 'audio/x.wav')`,
    )
    rec.run(at, at)
    expect(() => rec.run(at, at)).toThrow(/UNIQUE/)
    expect(() => db.prepare("INSERT INTO infants (label, created_at) VALUES (42, 'x')").run()).not.toThrow() // 42 → '42' is lossless
    expect(() =>
      db.prepare('INSERT INTO infants (label, created_at) VALUES (?, ?)').run(Buffer.from('x'), at),
    ).toThrow(/cannot store BLOB/)
  })

  it('0002 users-audit-settings-jobs: keeps 0001 rows; audit log is append-only', () => {
    const db = openDb(':memory:', { migrateTo: 1 })
    db.prepare('INSERT INTO infants (label, created_at) VALUES (?, ?)').run('Kept', at)
    migrate(db, 2)
    expect(db.prepare('SELECT label FROM infants').get()).toEqual({ label: 'Kept' })
    db.prepare(
      "INSERT INTO users (username, display_name, role, created_at) VALUES ('n', 'N', 'nurse', ?)",
    ).run(at)
    expect(() =>
      db
        .prepare(
          "INSERT INTO users (username, display_name, role, created_at) VALUES ('x', 'X', 'janitor', ?)",
        )
        .run(at),
    ).toThrow(/CHECK/)
    db.prepare("INSERT INTO audit_log (at, username, role, action) VALUES (?, 'n', 'nurse', 'test')").run(at)
    expect(() => db.prepare("UPDATE audit_log SET action = 'tampered'").run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/)
  })

  it('0003 cries: keeps recordings; cries cascade with their recording and need end > start', () => {
    const db = openDb(':memory:', { migrateTo: 2 })
    db.prepare('INSERT INTO infants (label, created_at) VALUES (?, ?)').run('A', at)
    db.prepare(
      `INSERT INTO recordings (infant_id, file_name, content_hash, format, native_sample_rate, channels, duration_s,
        recorded_at, time_source, imported_at, audio_path) VALUES (1, 'a.wav', 'h1', 'wav', 16000, 1, 10, ?, 'mtime', ?, 'a')`,
    ).run(at, at)
    migrate(db, 3)
    expect((db.prepare('SELECT COUNT(*) AS n FROM recordings').get() as { n: number }).n).toBe(1)
    const cry = db.prepare(
      'INSERT INTO cries (recording_id, infant_id, start_s, end_s, at, duration_s) VALUES (1, 1, ?, ?, ?, ?)',
    )
    cry.run(1, 2, at, 1)
    expect(() => cry.run(3, 2, at, -1)).toThrow(/CHECK/)
    expect(() =>
      db
        .prepare(
          'INSERT INTO cries (recording_id, infant_id, start_s, end_s, at, duration_s) VALUES (99, 1, 1, 2, ?, 1)',
        )
        .run(at),
    ).toThrow(/FOREIGN KEY/)
    db.prepare('DELETE FROM recordings').run()
    expect((db.prepare('SELECT COUNT(*) AS n FROM cries').get() as { n: number }).n).toBe(0)
  })

  it('runs every migration once, in order, and refuses a database from a newer ICLAS', () => {
    const db = openDb(':memory:')
    const latest = migrations[migrations.length - 1]!.version
    expect(schemaVersion(db)).toBe(latest)
    expect(migrate(db)).toBe(latest)
    const versions = (
      db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]
    ).map((r) => r.version)
    expect(versions).toEqual(migrations.map((m) => m.version))
    db.prepare("INSERT INTO schema_migrations VALUES (?, 'future', ?)").run(latest + 1, at)
    expect(() => migrate(db)).toThrow(/newer than this ICLAS/)
  })

  it('every table is STRICT and foreign keys are on', () => {
    const db = openDb(':memory:')
    const tables = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string; sql: string }[]
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT\s*$/)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
  })
})
