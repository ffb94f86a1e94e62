// Correcting stage 0 through Core.dispatch, with the real analysis (the model-free acoustic backbone): a cry's
// boundaries moved and a missed cry marked are audited, measured by the import's measureCry on the working copy,
// embedded, scored against the infant's model and decided by the same step as every cry; a verdict still
// counts; a cry the model was fitted on brings a refit; overlaps, slivers and nurses are refused.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coreClient, coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { measureCry } from '../../src/main/engine/audio/measures'
import { openWavSource } from '../../src/main/engine/audio/spectrogram'
import { isFlagged } from '../../src/main/engine/gate/step'
import { listAudit } from '../../src/main/store/audit'
import type { WireResult } from '../../src/shared/rpc'
import { addSynthRecording } from '../helpers/synth-recording'
import { scaled } from '../helpers/time-scale'

let root: string
let dataDir: string
let core: Core
const t0 = Date.UTC(2026, 2, 1, 8)

function newInfant(label: string): number {
  return Number(
    core.db
      .prepare('INSERT INTO infants (label, created_at) VALUES (?, ?)')
      .run(label, new Date().toISOString()).lastInsertRowid,
  )
}

async function addAndAnalyse(infantId: number, voice: string, index: number): Promise<number> {
  const id = addSynthRecording(core, { dataDir, infantId, voice, index, severity: 0, t0 })
  await core.analysis.analyseRecording(id)
  return id
}

/** The contract as `username`, in a session of its own. */
function api(username: string) {
  const sid = core.openSession()
  core.signInDirect(sid, username)
  return coreClient(core, sid)
}
/** The same calls answering the WireResult (coreWire), for the refusals. */
function wire(username: string) {
  const sid = core.openSession()
  core.signInDirect(sid, username)
  return coreWire(core, sid)
}
/** The code of a call's refusal. */
async function refusal(call: Promise<WireResult>): Promise<string> {
  const r = await call
  if (r.ok) throw new Error('the call should have been refused')
  return r.error.code
}

interface CryRow {
  id: number
  recording_id: number
  start_s: number
  end_s: number
  duration_s: number
  f0_mean_hz: number | null
  hnr_db: number | null
  decision: string
  score: number | null
  flagged: number
  in_baseline: number
}
const cry = (id: number) => core.db.prepare('SELECT * FROM cries WHERE id = ?').get(id) as CryRow
const cries = (recordingId: number) =>
  core.db.prepare('SELECT * FROM cries WHERE recording_id = ? ORDER BY start_s').all(recordingId) as CryRow[]
const inBuffer = (id: number) => !!core.db.prepare('SELECT 1 FROM replay_buffer WHERE cry_id = ?').get(id)
const hasEmbedding = (id: number) =>
  !!core.db.prepare('SELECT 1 FROM cry_embeddings WHERE cry_id = ?').get(id)

/** What the import would measure over [startS, endS) of a recording's working copy. */
async function importMeasures(recordingId: number, startS: number, endS: number) {
  const rel = (
    core.db.prepare('SELECT audio_path FROM recordings WHERE id = ?').get(recordingId) as {
      audio_path: string
    }
  ).audio_path
  const src = await openWavSource(path.join(dataDir, rel))
  try {
    const a = Math.round(startS * 16000)
    return measureCry(await src.read(a, Math.round(endS * 16000) - a), 16000)
  } finally {
    await src.close()
  }
}

let infant: number
let scored: number

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-corrections-'))
  const models = path.join(root, 'models')
  fs.mkdirSync(models)
  fs.writeFileSync(path.join(models, 'default.json'), JSON.stringify({ backbone: 'acoustic' }))
  dataDir = path.join(root, 'data')
  core = new Core({
    dataDir,
    mode: 'test',
    modelsDir: models,
    refitDebounceMs: 10,
    log: () => undefined,
    workers: 1,
  })
  await api('researcher').applySettings({
    changes: { baselineMinCries: 20, baselineMinRecordings: 3, refitAfter: 1000 },
  })
  infant = newInfant('Corrected infant')
  for (let r = 0; r < 3; r++) await addAndAnalyse(infant, 'correction-infant', r)
  scored = await addAndAnalyse(infant, 'correction-infant', 3)
}, scaled(120_000))

afterAll(async () => {
  await core?.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe("moving a cry's boundaries", () => {
  it('measures the new span as the import does, embeds and scores it through the step, and audits it', async () => {
    const before = cries(scored)[1]!
    expect(before.decision).not.toBe('pending')
    const startS = before.start_s + 0.0234
    const endS = before.end_s - 0.0411
    const out = await api('clinician').correctCryBoundaries({
      cryId: before.id,
      startS,
      endS,
      reason: 'onset was early',
    })
    // Boundaries kept to the millisecond.
    expect(out.startS).toBe(Math.round(startS * 1000) / 1000)
    expect(out.endS).toBe(Math.round(endS * 1000) / 1000)
    const after = cry(before.id)
    expect(after.duration_s).toBeCloseTo(out.endS - out.startS, 9)
    const expected = await importMeasures(scored, out.startS, out.endS)
    expect(after.f0_mean_hz).toBeCloseTo(expected.f0MeanHz!, 6)
    expect(after.hnr_db).toBeCloseTo(expected.hnrDb!, 6)
    // Stages 1–4 saw it again: embedded, scored by the active model, gated and flagged by the step's rules.
    expect(hasEmbedding(before.id)).toBe(true)
    expect(after.decision).toMatch(/^(accepted|rejected)$/)
    expect(after.score).not.toBeNull()
    expect(out).toMatchObject({ decision: after.decision, score: after.score, flagged: after.flagged === 1 })
    expect(after.flagged === 1).toBe(isFlagged(after.score, { flagPercentile: 0.99 }))
    const audit = listAudit(core.db, { action: 'cry.correct_boundaries' })[0]!
    expect(audit).toMatchObject({ role: 'clinician', entity: 'cry', entityId: String(before.id) })
    expect(audit.before).toMatchObject({
      startS: before.start_s,
      endS: before.end_s,
      decision: before.decision,
    })
    expect(audit.after).toEqual({ startS: out.startS, endS: out.endS, reason: 'onset was early' })
  })

  it("keeps a clinician's verdict: a cry judged not a cry stays out of the baseline", async () => {
    const target = cries(scored)[2]!
    await api('clinician').recordVerdict({ cryId: target.id, verdict: 'not_cry' })
    await api('clinician').correctCryBoundaries({
      cryId: target.id,
      startS: target.start_s + 0.01,
      endS: target.end_s,
    })
    expect(cry(target.id).in_baseline).toBe(0)
    expect(inBuffer(target.id)).toBe(false)
    const v = core.db.prepare('SELECT verdict FROM reviews WHERE cry_id = ?').get(target.id) as {
      verdict: string
    }
    expect(v.verdict).toBe('not_cry')
  })

  it(
    'refits the model when one of the cries it was fitted on moved',
    async () => {
      const model = core.db
        .prepare('SELECT id, version, cry_ids_json FROM anomaly_models WHERE infant_id = ? AND active = 1')
        .get(infant) as { id: number; version: number; cry_ids_json: string }
      const fitted = (JSON.parse(model.cry_ids_json) as number[])[0]!
      const c = cry(fitted)
      await api('researcher').correctCryBoundaries({
        cryId: fitted,
        startS: c.start_s,
        endS: c.end_s - 0.02,
      })
      await expect
        .poll(
          () =>
            core.db
              .prepare('SELECT version, reason FROM anomaly_models WHERE infant_id = ? AND active = 1')
              .get(infant) as { version: number; reason: string },
          { timeout: scaled(60_000), interval: 200 },
        )
        .toMatchObject({ version: model.version + 1, reason: expect.stringContaining('stage 0 corrected') })
      await core.ctx.jobs.idle()
    },
    scaled(90_000),
  )

  it('refuses overlaps, slivers, spans past the end, and nurses', async () => {
    const [a, b] = cries(scored)
    expect(
      await refusal(
        wire('clinician').correctCryBoundaries({
          cryId: a!.id,
          startS: a!.start_s,
          endS: b!.start_s + 0.05,
        }),
      ),
    ).toBe('refused')
    expect(
      await refusal(
        wire('clinician').correctCryBoundaries({
          cryId: a!.id,
          startS: a!.start_s,
          endS: a!.start_s + 0.05,
        }),
      ),
    ).toBe('refused')
    expect(await refusal(wire('clinician').markCry({ recordingId: scored, startS: 999, endS: 1000 }))).toBe(
      'refused',
    )
    expect(
      await refusal(wire('nurse').correctCryBoundaries({ cryId: a!.id, startS: a!.start_s, endS: a!.end_s })),
    ).toBe('forbidden')
    expect(await refusal(wire('nurse').markCry({ recordingId: scored, startS: 0.2, endS: 0.6 }))).toBe(
      'forbidden',
    )
  })
})

describe('marking a cry stage 0 missed', () => {
  it('inserts it, measured, embedded and scored like the others, and audits it', async () => {
    // Stage 0 "missed" this expiration: its row goes, and a clinician marks it again.
    const missed = cries(scored)[4]!
    core.db.prepare('DELETE FROM cries WHERE id = ?').run(missed.id)
    const out = await api('clinician').markCry({
      recordingId: scored,
      startS: missed.start_s,
      endS: missed.end_s,
      reason: 'faint expiration',
    })
    expect(out.cryId).not.toBe(missed.id)
    const marked = cry(out.cryId)
    expect(marked.f0_mean_hz).toBeCloseTo(missed.f0_mean_hz!, 0)
    expect(hasEmbedding(out.cryId)).toBe(true)
    expect(marked.decision).toMatch(/^(accepted|rejected)$/)
    expect(marked.score).not.toBeNull()
    expect(listAudit(core.db, { action: 'cry.mark' })[0]).toMatchObject({
      role: 'clinician',
      entityId: String(out.cryId),
      after: {
        recordingId: scored,
        startS: Math.round(missed.start_s * 1000) / 1000,
        endS: Math.round(missed.end_s * 1000) / 1000,
        reason: 'faint expiration',
      },
    })
  })

  it('during the baseline period a marked cry joins the baseline as any first cry does', async () => {
    const fresh = newInfant('Fresh infant')
    const rec = await addAndAnalyse(fresh, 'fresh-infant', 0)
    const first = cries(rec)[0]!
    expect(first.decision).toBe('baseline')
    core.db.prepare('DELETE FROM cries WHERE id = ?').run(first.id)
    const out = await api('researcher').markCry({
      recordingId: rec,
      startS: first.start_s,
      endS: first.end_s,
    })
    expect(out).toMatchObject({ decision: 'baseline', inBaseline: true, score: null })
    expect(inBuffer(out.cryId)).toBe(true)
  })
})
