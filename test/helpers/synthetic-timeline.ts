// A large, plausible infant timeline written straight into a core's store: hour-long recordings every three
// hours, cries with scores, gate decisions, flags and a few verdicts, an active model, and the alerts the
// control charts raise on it. Its cries change from `changeDay` on (higher scores and f0, shorter expirations).
// For the timeline bench (100 000 cries) and the timeline tests; no audio exists behind these recordings.
import type { Core } from '../../src/main/core/core'
import { insertInfant } from '../../src/main/store/infants'
import { insertActiveModel } from '../../src/main/store/models'

export interface SyntheticTimeline {
  cries: number
  days: number
  seed?: number
  label?: string
  /** Day from which the cries change (default: never). */
  changeDay?: number
  /** Verdicts on this many flagged cries. */
  verdicts?: number
  start?: Date
}

const SESSIONS_PER_DAY = 8

function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function seedSyntheticTimeline(
  core: Core,
  o: SyntheticTimeline,
): { infantId: number; cryIds: [number, number] } {
  const db = core.db
  const random = rng(o.seed ?? 1)
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random())
  const start = (o.start ?? new Date('2026-02-01T00:00:00Z')).getTime()
  const sessions = o.days * SESSIONS_PER_DAY
  const perSession = Math.max(1, Math.round(o.cries / sessions))
  let first = 0
  let last = 0
  const infantId = db.transaction(() => {
    const infant = insertInfant(db, { label: o.label ?? 'Synthetic', bed: '99' })
    const model = insertActiveModel(db, {
      infantId: infant.id,
      kind: 'gmm',
      backbone: 'synthetic',
      params: { components: [1, 5] },
      weights: {},
      baseline: { percentiles: [], groups: [], noise: { within: 0.8, between: 0.2, mean: 0, size: 300 } },
      cryIds: [],
      parentId: null,
      reason: 'initial baseline',
      createdBy: 'system',
    })
    const rec = db.prepare(
      `INSERT INTO recordings (infant_id, file_name, content_hash, format, native_sample_rate, channels, duration_s,
         recorded_at, time_source, imported_at, audio_path) VALUES (?, ?, ?, 'wav', 16000, 1, 3600, ?, 'simulator', ?, ?)`,
    )
    const cry = db.prepare(
      `INSERT INTO cries (recording_id, infant_id, start_s, end_s, at, duration_s, f0_mean_hz, hnr_db, score, model_id,
         cry_confidence, gate_confidence, decision, decision_reason, flagged, in_baseline)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'synthetic', ?, ?)`,
    )
    const review = db.prepare(
      `INSERT INTO reviews (cry_id, verdict, note, username, role, at) VALUES (?, ?, NULL, 'clinician', 'clinician', ?)`,
    )
    let n = 0
    let verdicts = o.verdicts ?? 20
    for (let s = 0; s < sessions && n < o.cries; s++) {
      const t0 = start + s * (24 / SESSIONS_PER_DAY) * 3600e3
      const day = s / SESSIONS_PER_DAY
      const changed = o.changeDay !== undefined && day >= o.changeDay
      const recId = Number(
        rec.run(
          infant.id,
          `synthetic_${s}.wav`,
          `synthetic-${infant.id}-${s}`,
          new Date(t0).toISOString(),
          new Date().toISOString(),
          `audio/synthetic-${s}.wav`,
        ).lastInsertRowid,
      )
      const count = Math.min(perSession, o.cries - n)
      for (let k = 0; k < count; k++, n++) {
        const startS = (k + random() * 0.5) * (3500 / count)
        const duration = Math.max(0.2, (changed ? 0.7 : 1.0) + 0.25 * gauss())
        const z = gauss() + (changed ? 1.2 : 0)
        const score = Math.min(0.9999, Math.max(0, 0.5 * (1 + Math.tanh(z / 1.6))))
        const baseline = n < 300
        // As the gate decides with its default threshold: confidence 1 − score against 0.3.
        const decision = baseline ? 'baseline' : 1 - score >= 0.3 ? 'accepted' : 'rejected'
        const flagged = score >= 0.95 ? 1 : 0
        const id = Number(
          cry.run(
            recId,
            infant.id,
            startS,
            startS + duration,
            new Date(t0 + startS * 1000).toISOString(),
            duration,
            (changed ? 520 : 450) + 40 * gauss(),
            (changed ? 8 : 12) + 3 * gauss(),
            score,
            model.id,
            0.9,
            1 - score,
            decision,
            flagged,
            decision === 'rejected' ? 0 : 1,
          ).lastInsertRowid,
        )
        if (!first) first = id
        last = id
        if (flagged && verdicts > 0 && random() < 0.05) {
          review.run(id, random() < 0.5 ? 'deviation' : 'normal', new Date(t0 + 86400e3).toISOString())
          verdicts--
        }
      }
    }
    return infant.id
  })()
  core.analysis.raiseAlerts(infantId)
  return { infantId, cryIds: [first, last] }
}
