import type { Migration } from './types'

export const m0001: Migration = {
  version: 1,
  name: 'infants-recordings',
  up(db) {
    db.exec(`
      CREATE TABLE infants (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL,
        bed TEXT,
        external_id TEXT UNIQUE,
        notes TEXT,
        created_at TEXT NOT NULL
      ) STRICT;

      -- A recording row exists only when its import committed completely (audio working copy, cries, peaks).
      CREATE TABLE recordings (
        id INTEGER PRIMARY KEY,
        infant_id INTEGER NOT NULL REFERENCES infants(id),
        file_name TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        format TEXT NOT NULL,
        native_sample_rate INTEGER NOT NULL CHECK (native_sample_rate > 0),
        channels INTEGER NOT NULL CHECK (channels > 0),
        duration_s REAL NOT NULL CHECK (duration_s >= 0),
        recorded_at TEXT NOT NULL,
        time_source TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        audio_path TEXT NOT NULL,        -- 16 kHz mono working copy, relative to the data folder
        peaks BLOB,                      -- Int8 min/max pairs at 100 peaks/s
        clipped_fraction REAL
      ) STRICT;
      CREATE INDEX recordings_infant_time ON recordings(infant_id, recorded_at);
    `)
  },
}
