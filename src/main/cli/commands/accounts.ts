// `iclas accounts [list] | set-pin USER…`: the workstation's accounts from the command line. PINs are mandatory
// outside demo mode (src/main/core/pin-policy.ts); this is the way back in when the admins' PINs are forgotten,
// and a way to prepare a ward's accounts before its first start. Whoever can run it holds the data folder
// anyway. PINs are read from standard input (never arguments: they would stay in the shell's history and the
// process list), hashed as the workstation hashes them, and audited as set from the command line.
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { Pin } from '../../../shared/contract'
import { Core } from '../../core/core'
import { demoModeSetting } from '../../core/pin-policy'
import { appendAudit, type Actor } from '../../store/audit'
import { findUser, getAccount, hashPinAsync, listAccounts, setUserPinHash } from '../../store/users'
import type { CliCommand } from '../command'
import { UsageError } from '../command'
import { resolveDataDir } from '../data-dir'

const USAGE = `usage: iclas accounts [list] [--data-dir DIR]
       iclas accounts set-pin USER [USER…] [--data-dir DIR]  < one PIN per line, in the order named

  list      the accounts, whether each has a PIN, and whether the workstation is in demo mode (accounts
            without PINs may sign in only there: while it holds nothing but the demo ward)
  set-pin   set the PIN (4 to 12 digits) of each named account, read from standard input, one line each:
            e.g. printf '4821\\n' | iclas accounts set-pin admin. Audited as the command line's. The way back in
            when no admin remembers a PIN; the workstation must be closed (its data folder is locked).`

/** Who the audit log names for changes made here. */
const CLI: Actor = { userId: null, username: 'command line (iclas accounts)', role: 'system' }

export const accountsCommand: CliCommand = {
  name: 'accounts',
  summary: "List the workstation's accounts, or set their PINs (read from standard input)",
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'data-dir': { type: 'string' } },
    })
    const [action = 'list', ...users] = positionals
    if (action !== 'list' && action !== 'set-pin') throw new UsageError(`unknown action "${action}"`)
    if (action === 'list' && users.length) throw new UsageError('list takes no user names')
    if (action === 'set-pin' && !users.length) throw new UsageError('name the accounts whose PINs to set')
    if (new Set(users).size !== users.length) throw new UsageError('name each account once')

    let pins: string[] = []
    if (action === 'set-pin') {
      if (process.stdin.isTTY)
        process.stderr.write(`Type the PINs of ${users.join(', ')}, one per line, then Ctrl-D:\n`)
      pins = fs
        .readFileSync(0, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '')
      if (pins.length !== users.length)
        throw new UsageError(`expected ${users.length} PIN line(s) on standard input, got ${pins.length}`)
      pins.forEach((p, i) => {
        if (!Pin.safeParse(p).success) throw new UsageError(`the PIN for ${users[i]} must be 4 to 12 digits`)
      })
    }

    const dataDir = resolveDataDir(values['data-dir'])
    const core = new Core({ dataDir, mode: 'cli', log: () => undefined })
    try {
      const { db } = core
      if (action === 'set-pin') {
        const ids = users.map((u) => {
          const found = findUser(db, u)
          if (!found) throw new UsageError(`no account "${u}" (iclas accounts list shows them)`)
          return found.id
        })
        const hashes = await Promise.all(pins.map((p) => hashPinAsync(p)))
        db.transaction(() => {
          ids.forEach((id, i) => {
            const before = getAccount(db, id)!
            setUserPinHash(db, id, hashes[i]!)
            appendAudit(db, CLI, 'user.set_pin', 'user', id, { hasPin: before.hasPin }, { hasPin: true })
          })
        })()
        console.log(`PIN set for ${users.join(', ')}`)
      }
      const accounts = listAccounts(db)
      const w = Math.max(...accounts.map((a) => a.username.length))
      for (const a of accounts)
        console.log(`${a.username.padEnd(w)}  ${a.role.padEnd(10)}  ${a.hasPin ? 'PIN set' : 'no PIN'}`)
      const demo = core.ctx.pins.demoMode()
      console.log(
        demo
          ? 'demo mode: accounts without PINs may sign in (the workstation holds only the demo ward)'
          : demoModeSetting(db)
            ? 'PINs are mandatory: demo mode is set, but the workstation holds patients'
            : 'PINs are mandatory: an account without one is refused until an admin (or set-pin) gives it one',
      )
      return 0
    } finally {
      await core.close()
    }
  },
}
