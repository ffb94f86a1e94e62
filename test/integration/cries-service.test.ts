// The cries domain through Core.dispatch on a real SQLite file: listing and filtering, the review queue's
// order, verdicts (access, audit before/after, the gate hook inside the transaction), baseline ranges,
// the ward summary and exports. Cries are inserted as stage 0 and the gate would leave them.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coreClient, coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { cryService, percentile, type VerdictEvent } from '../../src/main/core/services/cries'
import { listAudit } from '../../src/main/store/audit'
import type { Req } from '../../src/shared/contract'
import type { WireResult } from '../../src/shared/rpc'
import { writeToneWav } from '../helpers/wav'

let core: Core
let dir: string
let nurse: string
let clinician: string
let researcher: string
const changed: string[] = []

const T0 = Date.parse('2026-03-01T08:00:00.000Z')
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString()

const api = (session: string) => coreClient(core, session)
/** The same calls answering the WireResult, for the refusals. */
const wire = (session: string) => coreWire(core, session)
/** The code of a call's refusal. */
async function failure(call: Promise<WireResult>): Promise<string> {
  const r = await call
  if (r.ok) throw new Error('the call should have failed')
  return r.error.code
}

interface CrySeed {
  recording: number
  infant: number
  startS: number
  minutes: number
  f0?: number
  hnr?: number
  score?: number | null
  flagged?: boolean
  inBaseline?: boolean
}

function seed(): void {
  const db = core.db
  const now = new Date(T0).toISOString()
  db.prepare("INSERT INTO infants (id, label, bed, created_at) VALUES (1, 'Baby Ada', '3', ?)").run(now)
  db.prepare("INSERT INTO infants (id, label, bed, created_at) VALUES (2, 'Baby Bo', '4', ?)").run(now)
  db.prepare("INSERT INTO infants (id, label, bed, created_at) VALUES (3, 'Baby Cy', NULL, ?)").run(now)
  db.prepare("INSERT INTO infants (id, label, bed, created_at) VALUES (4, 'Baby Dee', '5', ?)").run(now)
  const rec = db.prepare(
    `INSERT INTO recordings (id, infant_id, file_name, content_hash, format, native_sample_rate, channels,
      duration_s, recorded_at, time_source, imported_at, audio_path) VALUES (?, ?, ?, ?, 'wav', 16000, 1, 20, ?, 'user', ?, ?)`,
  )
  fs.mkdirSync(path.join(dir, 'data', 'audio', 'aa'), { recursive: true })
  writeToneWav(path.join(dir, 'data', 'audio', 'aa', 'r1.wav'), { seconds: 20, rate: 16000, freq: 1000 })
  rec.run(1, 1, 'ward "A", night.wav', 'h1', iso(0), now, 'audio/aa/r1.wav')
  rec.run(2, 2, 'bo.wav', 'h2', iso(0), now, 'audio/aa/r1.wav')
  rec.run(3, 4, 'dee.wav', 'h3', iso(30), now, 'audio/aa/r1.wav')
  const cry = db.prepare(
    `INSERT INTO cries (recording_id, infant_id, start_s, end_s, at, duration_s, f0_mean_hz, hnr_db, f0_contour,
      score, flagged, in_baseline, decision) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const seeds: CrySeed[] = [
    // Ada: three unflagged, three flagged with scores 0.97, 0.99, null
    { recording: 1, infant: 1, startS: 1, minutes: 0, f0: 400, hnr: 10, score: 0.2 },
    { recording: 1, infant: 1, startS: 3, minutes: 1, f0: 420, hnr: 12, score: 0.3 },
    { recording: 1, infant: 1, startS: 5, minutes: 2, f0: 440, hnr: 14, score: 0.4 },
    { recording: 1, infant: 1, startS: 7, minutes: 3, f0: 900, hnr: 2, score: 0.97, flagged: true },
    { recording: 1, infant: 1, startS: 9, minutes: 4, f0: 950, hnr: 1, score: 0.99, flagged: true },
    { recording: 1, infant: 1, startS: 11, minutes: 5, f0: 990, hnr: 0, score: null, flagged: true },
    // Bo: one flagged, one in the baseline
    { recording: 2, infant: 2, startS: 1, minutes: 60, f0: 500, hnr: 9, score: 0.98, flagged: true },
    { recording: 2, infant: 2, startS: 4, minutes: 61, f0: 510, hnr: 8, score: 0.1, inBaseline: true },
    // Dee: no baseline yet, three unflagged cries and a flagged one; no test judges her cries before the
    // baseline tests (a 'normal' verdict may put a cry in the baseline once the gate is wired)
    { recording: 3, infant: 4, startS: 1, minutes: 30, f0: 400, hnr: 10, score: 0.2 },
    { recording: 3, infant: 4, startS: 3, minutes: 31, f0: 420, hnr: 12, score: 0.3 },
    { recording: 3, infant: 4, startS: 5, minutes: 32, f0: 440, hnr: 14, score: 0.4 },
    { recording: 3, infant: 4, startS: 7, minutes: 33, f0: 900, hnr: 2, score: 0.95, flagged: true },
  ]
  for (const s of seeds) {
    const contour = Buffer.from(new Float32Array([s.f0 ?? 0, 0, s.f0 ?? 0]).buffer)
    cry.run(
      s.recording,
      s.infant,
      s.startS,
      s.startS + 1,
      iso(s.minutes),
      s.f0 ?? null,
      s.hnr ?? null,
      contour,
      s.score ?? null,
      s.flagged ? 1 : 0,
      s.inBaseline ? 1 : 0,
      s.inBaseline ? 'baseline' : s.flagged ? 'rejected' : 'accepted',
    )
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-cries-'))
  core = new Core({ dataDir: path.join(dir, 'data'), mode: 'test', workers: 1, log: () => undefined })
  core.events.on('event', (name: string, payload: { entity?: string }) => {
    if (name === 'changed' && payload.entity) changed.push(payload.entity)
  })
  seed()
  nurse = core.openSession()
  clinician = core.openSession()
  researcher = core.openSession()
  core.signInDirect(nurse, 'nurse')
  core.signInDirect(clinician, 'clinician')
  core.signInDirect(researcher, 'researcher')
})

afterAll(async () => {
  await core.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('listCries and getCry', () => {
  it('filters by infant, recording, date range and flag, with paging', async () => {
    const all = await api(nurse).listCries({})
    expect(all.total).toBe(12)
    expect(all.cries[0]!.infantLabel).toBe('Baby Bo') // newest first
    const ada = await api(nurse).listCries({ infantId: 1, order: 'oldest', limit: 2, offset: 1 })
    expect(ada.total).toBe(6)
    expect(ada.cries.map((c) => c.startS)).toEqual([3, 5])
    const rec2 = await api(nurse).listCries({ recordingId: 2 })
    expect(rec2.cries.every((c) => c.recordingId === 2)).toBe(true)
    const window = await api(nurse).listCries({
      from: iso(1),
      to: new Date(T0 + 3 * 60_000).toISOString().replace('Z', '+00:00'),
    })
    expect(window.cries.map((c) => c.startS).sort()).toEqual([3, 5, 7])
    const flagged = await api(nurse).listCries({ flaggedOnly: true })
    expect(flagged.total).toBe(5)
    expect(await failure(wire(nurse).listCries({ limit: 5000 }))).toBe('invalid_request')
  })

  it('returns one cry with its f0 contour, recording and verdicts', async () => {
    const { cries } = await api(nurse).listCries({ infantId: 1, order: 'oldest', limit: 1 })
    const cry = await api(nurse).getCry({ id: cries[0]!.id })
    expect(cry.f0).toEqual({ hopS: 0.01, hz: [400, 0, 400] })
    expect(cry.recording.fileName).toBe('ward "A", night.wav')
    expect(cry.measures.f0MeanHz).toBe(400)
    expect(cry.reviews).toEqual([])
    expect(await failure(wire(nurse).getCry({ id: 999 }))).toBe('not_found')
  })
})

describe('review queue and verdicts', () => {
  it('lists flagged cries without a verdict, most severe first, unscored last', async () => {
    const q = await api(nurse).reviewQueue({})
    expect(q.cries.map((c) => c.score)).toEqual([0.99, 0.98, 0.97, 0.95, null])
    const bo = await api(nurse).reviewQueue({ infantId: 2 })
    expect(bo.cries.map((c) => c.infantLabel)).toEqual(['Baby Bo'])
    const early = await api(nurse).reviewQueue({ to: iso(4) })
    expect(early.cries.map((c) => c.score)).toEqual([0.99, 0.97])
  })

  it('records verdicts for clinicians only, audited with before and after; the cry leaves the queue', async () => {
    const [top] = (await api(clinician).reviewQueue({ limit: 1 })).cries
    expect(await failure(wire(nurse).recordVerdict({ cryId: top!.id, verdict: 'normal' }))).toBe('forbidden')
    expect(await failure(wire(researcher).recordVerdict({ cryId: top!.id, verdict: 'normal' }))).toBe(
      'forbidden',
    )
    // Not a verdict: a typed client cannot send it, a client on the wire can, and the core refuses it.
    const maybe = { cryId: top!.id, verdict: 'maybe' } as unknown as Req<'recordVerdict'>
    expect(await failure(wire(clinician).recordVerdict(maybe))).toBe('invalid_request')
    changed.length = 0
    const first = await api(clinician).recordVerdict({
      cryId: top!.id,
      verdict: 'deviation',
      note: '  high-pitched, weak  ',
    })
    expect(first.verdict).toBe('deviation')
    expect(changed).toContain('reviews')
    await api(clinician).recordVerdict({ cryId: top!.id, verdict: 'normal' })
    const reviews = await api(nurse).listReviews({ cryId: top!.id })
    expect(reviews.map((r) => r.verdict)).toEqual(['normal', 'deviation'])
    expect(reviews[1]!.note).toBe('high-pitched, weak')
    expect(reviews[0]!.username).toBe('clinician')

    const audit = listAudit(core.db, { action: 'cry.verdict' })
    expect(audit).toHaveLength(2)
    expect(audit[0]!.before).toMatchObject({ verdict: 'deviation', flagged: true, score: 0.99 })
    expect(audit[0]!.after).toMatchObject({ verdict: 'normal', note: null })
    expect(audit[1]!.before).toMatchObject({ verdict: null })

    const q = await api(nurse).reviewQueue({})
    expect(q.cries.map((c) => c.id)).not.toContain(top!.id)
    const cry = await api(nurse).getCry({ id: top!.id })
    expect(cry.verdict).toBe('normal')
    expect(cry.reviews).toHaveLength(2)
  })

  it('calls the gate hook inside the verdict transaction: a failing hook leaves no verdict', async () => {
    const seen: VerdictEvent[] = []
    const [cry] = (await api(clinician).reviewQueue({ limit: 1 })).cries
    const service = cryService(core.ctx, { onVerdict: (e) => seen.push(e) }).handlers
    const user = { id: 2, username: 'clinician', displayName: 'Clinician', role: 'clinician' as const }
    const call_ = { session: { id: 'x', user }, user }
    service.recordVerdict({ cryId: cry!.id, verdict: 'not_cry' }, call_)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.cry.id).toBe(cry!.id)
    expect(seen[0]!.review.verdict).toBe('not_cry')
    expect(seen[0]!.previous).toBeNull()
    expect(core.db.inTransaction).toBe(false)

    const { handlers: failing } = cryService(core.ctx, {
      onVerdict: () => {
        throw new Error('gate refused')
      },
    })
    const before = listAudit(core.db, { action: 'cry.verdict' }).length
    expect(() => failing.recordVerdict({ cryId: cry!.id, verdict: 'normal' }, call_)).toThrow('gate refused')
    expect(listAudit(core.db, { action: 'cry.verdict' })).toHaveLength(before)
    const reviews = await api(nurse).listReviews({ cryId: cry!.id })
    expect(reviews).toHaveLength(1)
  })
})

describe('baseline ranges and ward summary', () => {
  it('uses the baseline cries when there are some, else the unflagged ones, and says which', async () => {
    const bo = await api(nurse).baselineRanges({ infantId: 2 })
    expect(bo.source).toBe('baseline')
    expect(bo.cryCount).toBe(1)
    expect(bo.ranges.find((r) => r.measure === 'f0MeanHz')!.p50).toBe(510)

    // Dee has no baseline yet: her unflagged cries (400, 420, 440 Hz) — not the flagged one.
    const dee = await api(nurse).baselineRanges({ infantId: 4 })
    expect(dee.source).toBe('unflagged')
    expect(dee.cryCount).toBe(3)
    const f0 = dee.ranges.find((r) => r.measure === 'f0MeanHz')!
    expect(f0).toMatchObject({ n: 3, p50: 420 })
    expect(f0.p5).toBeCloseTo(402, 9)
    expect(f0.p95).toBeCloseTo(438, 9)
    expect(dee.ranges.find((r) => r.measure === 'voicedFraction')).toMatchObject({ n: 0, p50: null })

    const cy = await api(nurse).baselineRanges({ infantId: 3 })
    expect(cy).toMatchObject({ source: 'none', cryCount: 0 })
    expect(await failure(wire(nurse).baselineRanges({ infantId: 99 }))).toBe('not_found')
  })

  it('leaves out unflagged cries a clinician judged a deviation or not a cry', async () => {
    const [first] = (await api(clinician).listCries({ infantId: 4, order: 'oldest', limit: 1 })).cries
    await api(clinician).recordVerdict({ cryId: first!.id, verdict: 'not_cry' })
    const dee = await api(nurse).baselineRanges({ infantId: 4 })
    expect(dee.source).toBe('unflagged')
    expect(dee.cryCount).toBe(2)
    expect(dee.ranges.find((r) => r.measure === 'f0MeanHz')!.p50).toBe(430)
  })

  it('counts cries awaiting review and lists recent scores oldest first', async () => {
    const summary = await api(nurse).wardSummary({ recentScores: 3 })
    const ada = summary.find((s) => s.infantId === 1)!
    // Ada's 0.99 cry has verdicts; her 0.97 and unscored flagged cries wait. Bo's got one in the hook test.
    expect(ada.awaitingReview).toBe(2)
    expect(summary.find((s) => s.infantId === 2)!.awaitingReview).toBe(0)
    expect(summary.find((s) => s.infantId === 4)!.awaitingReview).toBe(1)
    expect(ada.recentScores.map((s) => s.score)).toEqual([0.4, 0.97, 0.99])
    expect(summary.find((s) => s.infantId === 3)).toEqual({
      infantId: 3,
      awaitingReview: 0,
      recentScores: [],
    })
  })

  it('computes percentiles like numpy (linear between closest ranks)', () => {
    expect(percentile([], 0.5)).toBeNull()
    expect(percentile([7], 0.95)).toBe(7)
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(percentile([0, 10], 0.05)).toBeCloseTo(0.5, 12)
  })
})

/** Intervals of a long-format TextGrid: enough of Praat's format to check what the export wrote. */
function intervalsOf(textGrid: string): { tier: string; xmin: number; xmax: number; text: string }[] {
  const out: { tier: string; xmin: number; xmax: number; text: string }[] = []
  let tier = ''
  const re = /name = "(.*)"|intervals \[\d+\]:\s+xmin = (\S+)\s+xmax = (\S+)\s+text = "(.*)"/g
  for (const m of textGrid.matchAll(re)) {
    if (m[1] !== undefined) tier = m[1]
    else out.push({ tier, xmin: Number(m[2]), xmax: Number(m[3]), text: m[4]!.replace(/""/g, '"') })
  }
  return out
}

describe('exports', () => {
  it('exports cries as CSV for exporters only, with an audit entry', async () => {
    expect(await failure(wire(nurse).exportCriesCsv({}))).toBe('forbidden')
    const file = await api(researcher).exportCriesCsv({ infantId: 1 })
    expect(file.fileName).toMatch(/^iclas-cries-Baby-Ada-\d{4}-\d{2}-\d{2}\.csv$/)
    expect(file.mimeType).toBe('text/csv')
    const lines = file.content.trimEnd().split('\r\n')
    expect(lines).toHaveLength(7)
    expect(lines[0]).toMatch(/^cry_id,infant_id,infant_label,/)
    expect(lines[1]).toContain('"ward ""A"", night.wav"')
    const audit = listAudit(core.db, { action: 'export.cries_csv' })
    expect(audit[0]).toMatchObject({ username: 'researcher', entity: 'infant', entityId: '1' })
    expect(audit[0]!.after).toMatchObject({ rows: 6, fileName: file.fileName })
  })

  it('exports a recording’s cries as a TextGrid Praat can read and as Audacity labels', async () => {
    const tg = await api(clinician).exportSegments({
      recordingId: 1,
      format: 'textgrid',
    })
    expect(tg.fileName).toBe('ward-A-night.TextGrid')
    expect(tg.content).toMatch(/^File type = "ooTextFile"\nObject class = "TextGrid"\n/)
    const intervals = intervalsOf(tg.content)
    const cries = intervals.filter((iv) => iv.tier === 'cry' && iv.text === 'cry')
    expect(cries.map((iv) => iv.xmin)).toEqual([1, 3, 5, 7, 9, 11])
    expect(intervals.filter((iv) => iv.tier === 'cry').at(-1)!.xmax).toBe(20)
    const labels = await api(clinician).exportSegments({
      recordingId: 1,
      format: 'audacity',
    })
    expect(labels.fileName).toBe('ward-A-night.labels.txt')
    expect(labels.content.split('\n')[0]).toMatch(/^1\.000000\t2\.000000\tcry #\d+ · score 0\.20/)
    expect(listAudit(core.db, { action: 'export.segments' })).toHaveLength(2)
  })
})
