// One test per migration: migrate to n-1, insert, migrate to n, assert the old rows survive and the new
// schema works. Plus: the runner is idempotent, refuses a newer schema, and every table is STRICT.
import { describe, expect, it } from 'vitest'
import { migrate, openDb, schemaVersion } from '../../src/main/store/db'
import { migrations } from '../../src/main/store/migrations'

const at = '2026-01-01T00:00:00.000Z'

function seedCry(db: ReturnType<typeof openDb>): void {
  db.prepare('INSERT INTO infants (label, created_at) VALUES (?, ?)').run('A', at)
  db.prepare(
    `INSERT INTO recordings (infant_id, file_name, content_hash, format, native_sample_rate, channels, duration_s,
      recorded_at, time_source, imported_at, audio_path) VALUES (1, 'a.wav', 'h1', 'wav', 16000, 1, 10, ?, 'mtime', ?, 'a')`,
  ).run(at, at)
  db.prepare(
    'INSERT INTO cries (recording_id, infant_id, start_s, end_s, at, duration_s) VALUES (1, 1, 1, 2, ?, 1)',
  ).run(at)
}

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

  it('0004 embeddings-models-scores: keeps cries; one active model per infant; scores cascade', () => {
    const db = openDb(':memory:', { migrateTo: 3 })
    seedCry(db)
    migrate(db, 4)
    const cry = db.prepare('SELECT decision, flagged, in_baseline FROM cries').get()
    expect(cry).toEqual({ decision: 'pending', flagged: 0, in_baseline: 0 })
    const model = db.prepare(
      `INSERT INTO anomaly_models (infant_id, version, kind, backbone, params_json, weights, baseline_json, cry_ids_json,
        reason, created_at, created_by, active) VALUES (1, ?, 'gmm', 'b', '{}', x'00', '{}', '[1]', 'initial', ?, 'test', ?)`,
    )
    model.run(1, at, 1)
    expect(() => model.run(2, at, 1)).toThrow(/UNIQUE/) // a second active model for the same infant
    model.run(2, at, 0)
    expect(() =>
      db
        .prepare(
          `INSERT INTO anomaly_models (infant_id, version, kind, backbone, params_json, weights, baseline_json, cry_ids_json,
            reason, created_at, created_by) VALUES (1, 9, 'svm', 'b', '{}', x'00', '{}', '[]', 'x', ?, 't')`,
        )
        .run(at),
    ).toThrow(/CHECK/)
    db.prepare("INSERT INTO cry_embeddings VALUES (1, 'b', 2, x'0000803f00000000')").run()
    db.prepare('INSERT INTO cry_scores VALUES (1, 1, 0.5, 0.9)').run()
    expect(() => db.prepare("UPDATE cries SET decision = 'maybe'").run()).toThrow(/CHECK/)
    db.prepare('DELETE FROM recordings').run()
    expect((db.prepare('SELECT COUNT(*) AS n FROM cry_scores').get() as { n: number }).n).toBe(0)
    expect((db.prepare('SELECT COUNT(*) AS n FROM cry_embeddings').get() as { n: number }).n).toBe(0)
  })

  it('0005 reviews-alerts-replay: keeps scores; verdicts and alert states are constrained', () => {
    const db = openDb(':memory:', { migrateTo: 4 })
    seedCry(db)
    db.prepare('UPDATE cries SET flagged = 1, score = 0.99').run()
    migrate(db, 5)
    expect(db.prepare('SELECT flagged, score FROM cries').get()).toEqual({ flagged: 1, score: 0.99 })
    const review = db.prepare(
      "INSERT INTO reviews (cry_id, verdict, username, role, at) VALUES (1, ?, 'c', 'clinician', ?)",
    )
    review.run('deviation', at)
    expect(() => review.run('maybe', at)).toThrow(/CHECK/)
    const alert = db.prepare(
      `INSERT INTO alerts (infant_id, statistic, state, at, value, control_limit, cry_id, message, created_at, updated_at, updated_by)
       VALUES (1, 'cusum', ?, ?, 5, 4, 1, 'm', ?, ?, 'system')`,
    )
    alert.run('new', at, at, at)
    expect(() => alert.run('forgotten', at, at, at)).toThrow(/CHECK/)
    db.prepare('INSERT INTO replay_buffer VALUES (1, 1, ?)').run(at)
    db.prepare('DELETE FROM recordings').run()
    expect((db.prepare('SELECT cry_id FROM alerts').get() as { cry_id: number | null }).cry_id).toBeNull()
    expect((db.prepare('SELECT COUNT(*) AS n FROM reviews').get() as { n: number }).n).toBe(0)
  })

  it('0006 never-reused-ids: every table the audit log names is AUTOINCREMENT; rows, indexes, triggers and keys survive', () => {
    const db = openDb(':memory:', { migrateTo: 5 })
    seedCry(db)
    db.prepare('INSERT INTO infants (label, created_at) VALUES (?, ?)').run('B', at)
    db.prepare(
      "INSERT INTO users (username, display_name, role, created_at) VALUES ('n', 'N', 'nurse', ?)",
    ).run(at)
    db.prepare(
      "INSERT INTO audit_log (at, username, role, action, entity, entity_id) VALUES (?, 'n', 'nurse', 'infant.create', 'infant', '2')",
    ).run(at)
    // Before 0006, the last infant's id is given again once it is deleted: its audit entry then names another.
    db.prepare('DELETE FROM infants WHERE id = 2').run()
    expect(
      Number(
        db.prepare('INSERT INTO infants (label, created_at) VALUES (?, ?)').run('C', at).lastInsertRowid,
      ),
    ).toBe(2)
    db.prepare('DELETE FROM infants WHERE id = 2').run()
    migrate(db, 6)
    // Rows kept with their ids, foreign keys whole and on, the append-only triggers and indexes still there.
    expect(db.prepare('SELECT id, label FROM infants ORDER BY id').all()).toEqual([{ id: 1, label: 'A' }])
    expect(db.prepare('SELECT COUNT(*) AS n FROM cries').get()).toEqual({ n: 1 })
    expect(db.pragma('foreign_key_check')).toEqual([])
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(() => db.prepare("UPDATE audit_log SET action = 'tampered'").run()).toThrow(/append-only/)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'recordings_infant_time'").get()).toEqual({
      name: 'recordings_infant_time',
    })
    expect(() => db.prepare('DELETE FROM infants WHERE id = 1').run()).toThrow(/FOREIGN KEY/)
    for (const t of [
      'infants',
      'recordings',
      'cries',
      'users',
      'audit_log',
      'anomaly_models',
      'reviews',
      'alerts',
    ]) {
      const { sql } = db
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(t) as { sql: string }
      expect(sql, t).toMatch(/id INTEGER PRIMARY KEY AUTOINCREMENT/)
    }
    // After 0006 an id is never given twice: the deleted last infant's id stays retired.
    const c = db.prepare('INSERT INTO infants (label, created_at) VALUES (?, ?)').run('D', at)
    db.prepare('DELETE FROM infants WHERE id = ?').run(c.lastInsertRowid)
    expect(
      Number(
        db.prepare('INSERT INTO infants (label, created_at) VALUES (?, ?)').run('E', at).lastInsertRowid,
      ),
    ).toBe(Number(c.lastInsertRowid) + 1)
  })

  it('0007 infant-birth: keeps infants (their birth fields empty); dates, gestations and weights are checked', () => {
    const db = openDb(':memory:', { migrateTo: 6 })
    seedCry(db)
    migrate(db, 7)
    expect(
      db.prepare('SELECT label, birth_date, gestational_age_days, birth_weight_g FROM infants').get(),
    ).toEqual({ label: 'A', birth_date: null, gestational_age_days: null, birth_weight_g: null })
    expect(db.prepare('SELECT COUNT(*) AS n FROM cries').get()).toEqual({ n: 1 })
    const set = db.prepare(
      'UPDATE infants SET birth_date = ?, gestational_age_days = ?, birth_weight_g = ? WHERE id = 1',
    )
    set.run('2026-11-20', 199, 1120)
    expect(db.prepare('SELECT birth_date, gestational_age_days FROM infants').get()).toEqual({
      birth_date: '2026-11-20',
      gestational_age_days: 199,
    })
    expect(() => set.run('20/11/2026', 199, 1120)).toThrow(/CHECK/)
    expect(() => set.run('2026-11-20', 100, 1120)).toThrow(/CHECK/)
    expect(() => set.run('2026-11-20', 199, 50)).toThrow(/CHECK/)
    expect(() => set.run('2026-11-20', '28+3', 1120)).toThrow() // STRICT: no text in an INTEGER column
  })

  it('0008 high-rate-copy: keeps recordings (without a high-rate copy); the copy rate is checked', () => {
    const db = openDb(':memory:', { migrateTo: 7 })
    seedCry(db)
    migrate(db, 8)
    expect(db.prepare('SELECT file_name, high_rate_path, high_rate_hz FROM recordings').get()).toEqual({
      file_name: 'a.wav',
      high_rate_path: null,
      high_rate_hz: null,
    })
    expect(db.prepare('SELECT COUNT(*) AS n FROM cries').get()).toEqual({ n: 1 })
    const set = db.prepare('UPDATE recordings SET high_rate_path = ?, high_rate_hz = ? WHERE id = 1')
    set.run('audio/h1/h1.hi.wav', 44100)
    expect(db.prepare('SELECT high_rate_hz FROM recordings').get()).toEqual({ high_rate_hz: 44100 })
    expect(() => set.run('audio/h1/h1.hi.wav', 16000)).toThrow(/CHECK/)
    expect(() => set.run('audio/h1/h1.hi.wav', 96000)).toThrow(/CHECK/)
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
    for (const t of tables)
      expect(t.sql, t.name).toMatch(/\)\s*(STRICT|STRICT,\s*WITHOUT ROWID|WITHOUT ROWID,\s*STRICT)\s*$/)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
  })
})
