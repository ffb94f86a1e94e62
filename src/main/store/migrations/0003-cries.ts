import type { Migration } from './types'

export const m0003: Migration = {
  version: 3,
  name: 'cries',
  up(db) {
    db.exec(`
      -- One expiration found by segmentation, with its acoustic measures.
      CREATE TABLE cries (
        id INTEGER PRIMARY KEY,
        recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
        infant_id INTEGER NOT NULL REFERENCES infants(id),
        start_s REAL NOT NULL,
        end_s REAL NOT NULL CHECK (end_s > start_s),
        at TEXT NOT NULL,                -- absolute time of the cry onset (recording time + start)
        duration_s REAL NOT NULL,
        rms_dbfs REAL,
        peak REAL,
        f0_mean_hz REAL,
        f0_min_hz REAL,
        f0_max_hz REAL,
        f0_contour BLOB,                 -- Float32 Hz every 10 ms, 0 where unvoiced
        voiced_fraction REAL,
        hnr_db REAL,
        spectral_centroid_hz REAL,
        clipped INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX cries_recording ON cries(recording_id);
      CREATE INDEX cries_infant_time ON cries(infant_id, at);
    `)
  },
}
