// `iclas accounts`: with PINs mandatory outside demo mode, the command line is the way to prepare a ward's
// accounts before its first start and the way back in when no admin remembers a PIN. PINs come from standard
// input (never arguments), are hashed like the workstation's, and the change is audited as the command line's.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { coreWire } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { unwrap } from '../../src/shared/rpc'
import { scaled } from '../helpers/time-scale'

const root = path.resolve(__dirname, '../..')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-cli-accounts-'))
const dataDir = path.join(dir, 'data')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function iclas(input: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/iclas.mjs'), 'accounts', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: scaled(60_000),
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

describe('iclas accounts', () => {
  it('sets PINs read from standard input, audited; the workstation then signs in with them only', async () => {
    const set = iclas('2580\n1470\n', 'set-pin', 'admin', 'nurse', '--data-dir', dataDir)
    expect(set.code, set.err).toBe(0)
    expect(set.out).toMatch(/^admin\s+admin\s+PIN set$/m)
    expect(set.out).toMatch(/^nurse\s+nurse\s+PIN set$/m)
    expect(set.out).toMatch(/^clinician\s+clinician\s+no PIN$/m)
    expect(set.out).toContain('PINs are mandatory')
    expect(set.out + set.err).not.toMatch(/2580|1470/)

    // Refused plainly: too few lines, a PIN that is not 4–12 digits, an unknown account; nothing changes.
    expect(iclas('2580\n', 'set-pin', 'admin', 'nurse', '--data-dir', dataDir)).toMatchObject({ code: 2 })
    expect(iclas('12\n', 'set-pin', 'clinician', '--data-dir', dataDir).err).toContain('4 to 12 digits')
    expect(iclas('1234\n', 'set-pin', 'nobody', '--data-dir', dataDir).err).toContain('no account "nobody"')

    const core = new Core({ dataDir, mode: 'test', workers: 1, log: () => undefined })
    try {
      const wire = (sid: string) => coreWire(core, sid)
      const s = core.openSession()
      expect(await wire(s).signIn({ username: 'admin' })).toMatchObject({ ok: false })
      expect(await wire(s).signIn({ username: 'admin', pin: '2580' })).toMatchObject({ ok: true })
      expect(unwrap(await wire(s).systemInfo({}))).toMatchObject({ pinSetupRequired: false })
      expect(await wire(core.openSession()).signIn({ username: 'nurse', pin: '1470' })).toMatchObject({
        ok: true,
      })
      expect(await wire(core.openSession()).signIn({ username: 'clinician' })).toMatchObject({
        ok: false,
        error: { code: 'pin_required' },
      })
      const audit = core.db
        .prepare("SELECT username, after_json FROM audit_log WHERE action = 'user.set_pin'")
        .all() as { username: string; after_json: string }[]
      expect(audit).toHaveLength(2)
      expect(audit.every((e) => e.username.startsWith('command line'))).toBe(true)
      expect(JSON.stringify(audit)).not.toMatch(/2580|1470/)
    } finally {
      await core.close()
    }
  })
})
