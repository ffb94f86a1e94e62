import type { Migration } from './types'

export const m0004: Migration = {
  version: 4,
  name: 'embeddings-models-scores',
  up(db) {
    db.exec(`
      -- Stage 1: one embedding per cry and backbone (Float32, L2-normalised).
      CREATE TABLE cry_embeddings (
        cry_id INTEGER NOT NULL REFERENCES cries(id) ON DELETE CASCADE,
        backbone TEXT NOT NULL,
        dim INTEGER NOT NULL CHECK (dim > 0),
        vector BLOB NOT NULL,
        PRIMARY KEY (cry_id, backbone)
      ) STRICT, WITHOUT ROWID;

      -- Stage 2: every fitted personal model is a version; any past score can be recomputed from its row.
      CREATE TABLE anomaly_models (
        id INTEGER PRIMARY KEY,
        infant_id INTEGER NOT NULL REFERENCES infants(id),
        version INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('ae', 'ocsvm', 'gmm')),
        backbone TEXT NOT NULL,
        params_json TEXT NOT NULL,       -- hyper-parameters
        weights BLOB NOT NULL,           -- the fitted model (JSON, UTF-8)
        baseline_json TEXT NOT NULL,     -- calibration: leave-one-recording-out baseline scores and statistics
        cry_ids_json TEXT NOT NULL,      -- the cries it was fitted on
        parent_id INTEGER REFERENCES anomaly_models(id),
        reason TEXT NOT NULL,            -- 'initial', 'gated update', 'restore of v3', 'settings change'…
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
        UNIQUE (infant_id, version)
      ) STRICT;
      CREATE UNIQUE INDEX anomaly_models_one_active ON anomaly_models(infant_id) WHERE active = 1;

      CREATE TABLE cry_scores (
        cry_id INTEGER NOT NULL REFERENCES cries(id) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES anomaly_models(id),
        raw REAL NOT NULL,
        calibrated REAL NOT NULL,       -- percentile of the infant's baseline, in [0, 1]
        PRIMARY KEY (cry_id, model_id)
      ) STRICT, WITHOUT ROWID;

      -- Stage 3: what the gate decided for each cry (the current view; history is in cry_scores/audit).
      ALTER TABLE cries ADD COLUMN cry_confidence REAL;       -- P(cry) from the cry/non-cry classifier
      ALTER TABLE cries ADD COLUMN score REAL;                -- calibrated anomaly score under model_id
      ALTER TABLE cries ADD COLUMN model_id INTEGER REFERENCES anomaly_models(id);
      ALTER TABLE cries ADD COLUMN gate_confidence REAL;      -- confidence that this is a normal cry of this infant
      ALTER TABLE cries ADD COLUMN decision TEXT NOT NULL DEFAULT 'pending'
        CHECK (decision IN ('pending', 'baseline', 'accepted', 'rejected'));
      ALTER TABLE cries ADD COLUMN decision_reason TEXT;
      ALTER TABLE cries ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1));
      ALTER TABLE cries ADD COLUMN in_baseline INTEGER NOT NULL DEFAULT 0 CHECK (in_baseline IN (0, 1));
      CREATE INDEX cries_flagged ON cries(flagged, score);
    `)
  },
}
