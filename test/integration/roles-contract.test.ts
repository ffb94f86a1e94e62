// Roles are enforced in the core, for every method of the contract table (including methods added later):
// a nurse cannot change thresholds, models, settings, verdicts, users or backups; a refused call writes
// nothing; and every change a researcher (or clinician, or admin) makes is in the audit log with who, role
// and before/after values.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contract, methodNames, type MethodName } from '../../src/shared/contract'
import { arbitraryFor, malformedPayload } from '../helpers/contract-arbitraries'
import { admits, seededCore, type Seeded } from '../helpers/seeded-core'
import { auditSince, changedTables, fingerprint } from '../helpers/store-fingerprint'

let s: Seeded
beforeAll(async () => {
  s = await seededCore('roles')
})
afterAll(async () => {
  await s.close()
})

const READ_ONLY = /^(list|get|whoAmI|systemInfo|preview|review[Qq]ueue|ward|baseline|export)/
/** Methods that change how cries are judged or who may do what: never a nurse's. */
const SENSITIVE = /verdict|threshold|setting|model|gate|restore|backup|user|pin|fit|review|alert/i
const sensitive = methodNames.filter((m) => !READ_ONLY.test(m) && SENSITIVE.test(m))

const samples = (m: MethodName, n: number, seed: number) =>
  fc.sample(
    fc.oneof(arbitraryFor(contract[m].request), malformedPayload(arbitraryFor(contract[m].request))),
    {
      numRuns: n,
      seed,
    },
  )

describe('roles over the contract table', () => {
  it('every method that changes thresholds, models, settings, verdicts, users or backups excludes nurses', () => {
    console.log(`[roles] sensitive methods (nurse excluded): ${sensitive.join(', ')}`)
    expect(sensitive).toEqual(expect.arrayContaining(['restoreBackup', 'createUser', 'setUserPin']))
    for (const m of sensitive) {
      const access = contract[m].access
      expect(access, `${m} must name its roles`).not.toBe('any')
      expect(access, `${m} must name its roles`).not.toBe('public')
      expect(access, `${m} must exclude nurses`).not.toContain('nurse')
    }
  })

  it('a nurse is refused every method her role excludes, whatever the payload, and nothing is written', async () => {
    const nurse = s.session('nurse')
    const excluded = methodNames.filter((m) => !admits(contract[m].access, 'nurse'))
    let calls = 0
    for (const m of excluded) {
      for (const params of [{}, ...samples(m, 12, 9)]) {
        const before = fingerprint(s.core.db, s.dataDir)
        const r = await s.call(nurse, m, params)
        calls++
        expect(r, `${m} as nurse`).toMatchObject({ ok: false, error: { code: 'forbidden' } })
        expect(fingerprint(s.core.db, s.dataDir), `${m} as nurse wrote something`).toEqual(before)
      }
    }
    console.log(`[roles] nurse: ${excluded.length} methods refused (${calls} calls), nothing written`)
    expect(excluded.length).toBeGreaterThan(5)
  })

  it('a nurse cannot record verdicts or change thresholds, models or alerts, even with a valid request', async () => {
    const nurse = s.session('nurse')
    const valid: Record<string, unknown> = {
      recordVerdict: { cryId: 1, verdict: 'deviation' },
      applySettings: { changes: { flagPercentile: 0.5, gateThreshold: 0.1 } },
      clearInfantSettings: { infantId: 1 },
      restoreModel: { modelId: 1 },
      refitModel: { infantId: 1 },
      setAlertState: { alertId: 1, state: 'resolved' },
    }
    const present = Object.keys(valid).filter((m) => m in contract) as MethodName[]
    expect(present).toContain('recordVerdict')
    for (const m of present) {
      expect(contract[m].request.safeParse(valid[m]).success, `${m}: the test payload must be valid`).toBe(
        true,
      )
      const before = fingerprint(s.core.db, s.dataDir)
      expect(await s.call(nurse, m, valid[m]), m).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      expect(fingerprint(s.core.db, s.dataDir)).toEqual(before)
    }
    console.log(`[roles] nurse refused with valid requests: ${present.join(', ')}`)
  })

  it('without sign-in every non-public method is refused and nothing is written', async () => {
    const anon = s.session(null)
    for (const m of methodNames.filter((x) => contract[x].access !== 'public')) {
      const before = fingerprint(s.core.db, s.dataDir)
      expect(await s.call(anon, m, samples(m, 1, 3)[0]), m).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated' },
      })
      expect(fingerprint(s.core.db, s.dataDir)).toEqual(before)
    }
  })

  it('each change a researcher makes is in the audit log with before and after values', async () => {
    const researcher = s.session('researcher')
    const infantId = (
      s.core.db.prepare("SELECT id FROM infants WHERE label = 'Bed 2'").get() as { id: number }
    ).id
    const recordingId = (s.core.db.prepare('SELECT id FROM recordings').get() as { id: number }).id
    const cases: { method: MethodName; params: unknown; action: string; before: unknown; after: unknown }[] =
      [
        {
          method: 'updateInfant',
          params: { id: infantId, label: 'Bed 2 (moved)', bed: '7' },
          action: 'infant.update',
          before: expect.objectContaining({ label: 'Bed 2', bed: '2' }),
          after: expect.objectContaining({ label: 'Bed 2 (moved)', bed: '7' }),
        },
        {
          method: 'setRecordingTime',
          params: { id: recordingId, recordedAt: '2026-03-01T08:00:00.000Z' },
          action: 'recording.set_time',
          before: expect.objectContaining({ recordedAt: expect.any(String) }),
          after: { recordedAt: '2026-03-01T08:00:00.000Z', timeSource: 'user' },
        },
        {
          method: 'createInfant',
          params: { label: 'Bed 9' },
          action: 'infant.create',
          before: null,
          after: expect.objectContaining({ label: 'Bed 9' }),
        },
      ]
    // Thresholds (stage 2–3 settings), where this build has them: the ward's values before and after.
    if ('applySettings' in contract)
      cases.push({
        method: 'applySettings' as MethodName,
        params: { changes: { flagPercentile: 0.97, gateThreshold: 0.4 }, reason: 'pilot' },
        action: 'settings.change',
        before: expect.not.objectContaining({ flagPercentile: 0.97 }),
        after: expect.objectContaining({ flagPercentile: 0.97, gateThreshold: 0.4 }),
      })
    for (const c of cases) {
      const n = fingerprint(s.core.db, s.dataDir).auditCount
      const r = await s.call(researcher, c.method, c.params)
      expect(r.ok, `${c.method}: ${JSON.stringify(r)}`).toBe(true)
      const entries = auditSince(s.core.db, n)
      expect(entries).toHaveLength(1)
      const e = entries[0]!
      expect({ action: e.action, role: e.role, username: e.username }).toEqual({
        action: c.action,
        role: 'researcher',
        username: 'researcher',
      })
      expect(e.before_json === null ? null : JSON.parse(e.before_json)).toEqual(c.before)
      expect(JSON.parse(e.after_json!)).toEqual(c.after)
    }
  })

  it.each(['researcher', 'clinician', 'admin'] as const)(
    'every accepted call that changes the store leaves an audit entry by the %s (all methods, generated payloads)',
    async (role) => {
      const sid = s.session(role)
      const tally: Record<string, number> = {}
      for (const m of methodNames.filter((x) => admits(contract[x].access, role))) {
        if (m === 'restoreBackup' || m === 'signOut' || m === 'signIn') continue // session-level, tested elsewhere
        for (const params of fc.sample(arbitraryFor(contract[m].request), { numRuns: 15, seed: 11 })) {
          const before = fingerprint(s.core.db, s.dataDir)
          const r = await s.call(sid, m, params)
          await s.core.ctx.jobs.idle()
          const after = fingerprint(s.core.db, s.dataDir)
          const changed = changedTables(before, after)
          if (!r.ok) {
            expect(changed, `${m} refused (${r.error.code}) but changed ${changed.join(', ')}`).toEqual([])
            continue
          }
          if (!changed.length) continue
          tally[m] = (tally[m] ?? 0) + 1
          const entries = auditSince(s.core.db, before.auditCount).filter((e) => e.username === role)
          expect(entries.length, `${m} changed ${changed.join(', ')} without an audit entry`).toBeGreaterThan(
            0,
          )
          for (const e of entries) expect(e.after_json, `${m}: audit entry without "after"`).not.toBeNull()
        }
      }
      console.log(`[roles] ${role}: audited changes per method ${JSON.stringify(tally)}`)
      expect(Object.keys(tally).length).toBeGreaterThan(0)
    },
  )
})

describe('users, PINs and sign-in', () => {
  it('admins create users and set PINs; failures are audited; PINs never leave the core', async () => {
    const admin = s.session('admin')
    const created = await s.call(admin, 'createUser', {
      username: 'n.jones',
      displayName: 'Nurse Jones',
      role: 'nurse',
      pin: '482913',
    })
    expect(created).toMatchObject({ ok: true, result: { username: 'n.jones', role: 'nurse', hasPin: true } })
    const id = (created as { result: { id: number } }).result.id
    expect(
      await s.call(admin, 'createUser', {
        username: 'n.jones',
        displayName: 'X',
        role: 'nurse',
        pin: '1234',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    })

    const fresh = s.session(null)
    const n = fingerprint(s.core.db, s.dataDir).auditCount
    expect(await s.call(fresh, 'signIn', { username: 'n.jones', pin: '000000' })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    })
    expect(await s.call(fresh, 'signIn', { username: 'n.jones' })).toMatchObject({ ok: false })
    expect(auditSince(s.core.db, n).map((e) => e.action)).toEqual([
      'session.sign_in_failed',
      'session.sign_in_failed',
    ])
    expect(await s.call(fresh, 'signIn', { username: 'n.jones', pin: '482913' })).toMatchObject({ ok: true })

    // PINs are mandatory on a ward that is not the demo: changed, never cleared (pin-policy.test.ts).
    expect(await s.call(admin, 'setUserPin', { userId: id, pin: null })).toMatchObject({
      ok: false,
      error: { code: 'refused' },
    })
    expect(await s.call(admin, 'setUserPin', { userId: id, pin: '557799' })).toMatchObject({
      ok: true,
      result: { hasPin: true },
    })
    expect(await s.call(s.session(null), 'signIn', { username: 'n.jones', pin: '557799' })).toMatchObject({
      ok: true,
    })
    expect(await s.call(admin, 'setUserPin', { userId: id, pin: '12' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    })
    const accounts = await s.call(admin, 'listAccounts')
    expect(JSON.stringify(accounts)).not.toMatch(/482913|pin_hash|pinHash/)
    const rows = s.core.db.prepare('SELECT * FROM audit_log').all() as {
      action: string
      after_json: string
    }[]
    expect(rows.some((r) => /482913/.test(JSON.stringify(r)))).toBe(false)
    expect(
      JSON.parse(
        rows.find((r) => r.action === 'user.create' && r.after_json.includes('n.jones'))!.after_json,
      ),
    ).toMatchObject({ hasPin: true })

    for (const role of ['nurse', 'clinician', 'researcher'] as const) {
      const sid = s.session(role)
      for (const [m, p] of [
        ['createUser', { username: 'evil', displayName: 'Evil', role: 'admin' }],
        ['setUserPin', { userId: 1, pin: '1234' }],
        ['listAccounts', {}],
      ] as const)
        expect(await s.call(sid, m, p), `${m} as ${role}`).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        })
    }
  })

  it('the audit log can be read and exported by clinicians, researchers and admins, not nurses', async () => {
    const researcher = s.session('researcher')
    const page1 = await s.call(researcher, 'listAudit', { limit: 2 })
    expect(page1.ok).toBe(true)
    const p1 = (page1 as { result: { entries: { id: number }[]; nextBeforeId: number } }).result
    expect(p1.entries).toHaveLength(2)
    const page2 = (await s.call(researcher, 'listAudit', { limit: 2, beforeId: p1.nextBeforeId })) as {
      result: { entries: { id: number }[] }
    }
    expect(page2.result.entries[0]!.id).toBeLessThan(p1.entries[1]!.id)
    const updates = (await s.call(researcher, 'listAudit', { filter: { actionPrefix: 'infant.' } })) as {
      result: { entries: { action: string }[] }
    }
    expect(updates.result.entries.length).toBeGreaterThan(0)
    expect(updates.result.entries.every((e) => e.action.startsWith('infant.'))).toBe(true)

    await s.call(s.session('clinician'), 'createInfant', { label: '=HYPERLINK("http://evil.example","x")' })
    const exp = (await s.call(s.session('clinician'), 'exportAudit', {})) as {
      ok: boolean
      result: { csv: string; rows: number; fileName: string }
    }
    expect(exp.ok).toBe(true)
    expect(exp.result.fileName).toMatch(/^iclas-audit-.*\.csv$/)
    const lines = exp.result.csv.trim().split('\r\n')
    expect(lines[0]).toBe('id,at,username,role,action,entity,entity_id,before,after')
    expect(lines.length).toBe(exp.result.rows + 1)
    // A cell a spreadsheet would run as a formula starts with a quote; JSON cells are quoted as a whole.
    expect(exp.result.csv).not.toMatch(/(^|,)=HYPERLINK/m)
    const last = auditSince(s.core.db, fingerprint(s.core.db, s.dataDir).auditCount - 1)[0]!
    expect(last.action).toBe('audit.export')
    for (const m of ['listAudit', 'exportAudit'])
      expect(await s.call(s.session('nurse'), m, {})).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      })
  })
})

describe('jobs by role, and no paths to clients (issue 17, item 7)', () => {
  /** A running job of this kind, started by `by`, that ends when cancelled (or fails with `fail`). */
  function runningJob(kind: 'eval' | 'fit' | 'import', by: string, fail?: string): string {
    return s.core.ctx.jobs.start(kind, `test ${kind}`, {}, by, async (h) => {
      h.updateFile(0, {})
      if (fail) throw new Error(fail)
      await new Promise<void>((resolve) => h.signal.addEventListener('abort', () => resolve()))
      return { report: { secretAuc: 0.9 } }
    })
  }

  it("a nurse cannot cancel a researcher's evaluation or refit; every cancel is checked and audited", async () => {
    const nurse = s.session('nurse')
    const researcher = s.session('researcher')
    const evalJob = runningJob('eval', 'researcher')
    const fitJob = runningJob('fit', 'researcher')
    const importJob = runningJob('import', 'nurse')
    const before = fingerprint(s.core.db, s.dataDir).auditCount
    expect(await s.call(nurse, 'cancelJob', { jobId: evalJob })).toMatchObject({ ok: false })
    expect(await s.call(nurse, 'cancelJob', { jobId: fitJob })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    expect(s.core.ctx.jobs.get(evalJob)!.state).toBe('running')
    expect(s.core.ctx.jobs.get(fitJob)!.state).toBe('running')
    expect(fingerprint(s.core.db, s.dataDir).auditCount).toBe(before)
    expect(await s.call(nurse, 'cancelJob', { jobId: importJob })).toMatchObject({
      ok: true,
      result: { ok: true },
    })
    expect(await s.call(researcher, 'cancelJob', { jobId: evalJob })).toMatchObject({
      ok: true,
      result: { ok: true },
    })
    expect(await s.call(researcher, 'cancelJob', { jobId: fitJob })).toMatchObject({
      ok: true,
      result: { ok: true },
    })
    await s.core.ctx.jobs.idle()
    const cancels = s.core.db
      .prepare(
        "SELECT entity_id AS entityId, username FROM audit_log WHERE action = 'job.cancel' ORDER BY id",
      )
      .all() as { entityId: string; username: string }[]
    expect(cancels.map((e) => [e.entityId, e.username])).toEqual([
      [importJob, 'nurse'],
      [evalJob, 'researcher'],
      [fitJob, 'researcher'],
    ])
  })

  it('evaluation jobs and their reports are not readable by nurses through getJob or listJobs', async () => {
    const nurse = s.session('nurse')
    const researcher = s.session('researcher')
    const evalJob = runningJob('eval', 'researcher')
    await s.call(researcher, 'cancelJob', { jobId: evalJob })
    await s.core.ctx.jobs.idle()
    expect(await s.call(nurse, 'getJob', { jobId: evalJob })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    })
    const list = (await s.call(nurse, 'listJobs', {})) as { ok: true; result: { id: string; kind: string }[] }
    expect(list.result.some((j) => j.kind === 'eval')).toBe(false)
    expect(await s.call(researcher, 'getJob', { jobId: evalJob })).toMatchObject({ ok: true })
  })

  it('absolute paths never reach a client: job errors, per-file reasons, systemInfo', async () => {
    const researcher = s.session('researcher')
    const where = `${s.dataDir}/datasets/x/manifest.csv`
    const failed = runningJob('eval', 'researcher', `ENOENT: no such file or directory, open '${where}'`)
    await s.core.ctx.jobs.idle()
    const r = await s.call(researcher, 'getJob', { jobId: failed })
    expect(JSON.stringify(r)).toContain('ENOENT')
    expect(JSON.stringify(r)).not.toContain(s.dir)
    const runs = await s.call(researcher, 'listEvaluations', {})
    expect(JSON.stringify(runs)).not.toContain(s.dir)
    for (const role of ['nurse', 'clinician', 'researcher', null] as const) {
      const info = await s.call(s.session(role), 'systemInfo', {})
      expect(JSON.stringify(info), `systemInfo as ${role}`).not.toContain(s.dir)
    }
    expect(await s.call(s.session('admin'), 'systemInfo', {})).toMatchObject({
      ok: true,
      result: { dataDir: s.dataDir },
    })
  })
})
