import type { Migration } from './types'

export const m0005: Migration = {
  version: 5,
  name: 'reviews-alerts-replay',
  up(db) {
    db.exec(`
      -- Clinician verdicts. The latest verdict of a cry is the one that counts; earlier ones stay.
      CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        cry_id INTEGER NOT NULL REFERENCES cries(id) ON DELETE CASCADE,
        verdict TEXT NOT NULL CHECK (verdict IN ('deviation', 'normal', 'not_cry')),
        note TEXT,
        user_id INTEGER REFERENCES users(id),
        username TEXT NOT NULL,
        role TEXT NOT NULL,
        at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX reviews_cry ON reviews(cry_id, id);

      -- Stage 3: each infant's bounded replay buffer (cries the baseline is refitted on).
      CREATE TABLE replay_buffer (
        infant_id INTEGER NOT NULL REFERENCES infants(id),
        cry_id INTEGER NOT NULL REFERENCES cries(id) ON DELETE CASCADE,
        added_at TEXT NOT NULL,
        PRIMARY KEY (infant_id, cry_id)
      ) STRICT, WITHOUT ROWID;

      -- Stage 4: drift alerts, new → acknowledged → resolved (each change audited).
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        infant_id INTEGER NOT NULL REFERENCES infants(id),
        statistic TEXT NOT NULL CHECK (statistic IN ('ewma', 'cusum')),
        state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'acknowledged', 'resolved')),
        at TEXT NOT NULL,                -- data time the control limit was crossed
        value REAL NOT NULL,
        control_limit REAL NOT NULL,
        cry_id INTEGER REFERENCES cries(id) ON DELETE SET NULL,
        message TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        note TEXT
      ) STRICT;
      CREATE INDEX alerts_infant ON alerts(infant_id, at);
    `)
  },
}
