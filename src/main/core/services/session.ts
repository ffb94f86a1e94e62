import type { SystemInfo } from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { appendAudit } from '../../store/audit'
import { findUser, findUserById, listUsers, verifyPinAsync } from '../../store/users'
import { SignInLimiter } from '../sign-in-limit'
import { service, type Service, type ServiceContext } from '../context'

export interface SessionDeps {
  /** What the system information says of the analysis and the demo ward (the core's). */
  info: () => Pick<SystemInfo, 'computeProvider' | 'backbone' | 'demo'>
  /** Clock of the sign-in rate limit (tests). */
  now?: () => number
}

export function sessionService(
  ctx: ServiceContext,
  { info, now = Date.now }: SessionDeps,
): Service<'listUsers' | 'signIn' | 'signOut' | 'whoAmI' | 'systemInfo' | 'sessionTicket' | 'resumeSession'> {
  const limiter = new SignInLimiter(now)
  return service({
    listUsers: () => listUsers(ctx.db),
    signIn: async ({ username, pin }, { session }) => {
      const u = findUser(ctx.db, username)
      // Rate limit per account (unknown names share one) and per session, before any PIN is hashed.
      const account = u ? `user:${u.id}` : 'unknown'
      const wait = limiter.waitMs(account, session.id)
      if (wait > 0)
        throw new IclasError(
          'refused',
          `Too many wrong sign-ins: wait ${Math.ceil(wait / 1000)} s before trying again`,
        )
      // Counted as a failure before the PIN is checked (cleared on success), so attempts sent together on
      // many sockets cannot all pass the limit while their PINs are being hashed.
      limiter.failed(account, session.id)
      // scrypt runs on libuv's thread pool, never on the core's thread.
      const ok = u && (u.pinHash === null || (pin !== undefined && (await verifyPinAsync(pin, u.pinHash))))
      // Outside demo mode an account without a PIN cannot be used: an admin may sign in only to set the PINs
      // (the first start), anyone else waits for an admin to set theirs.
      const blocked = u && ok && u.pinHash === null && u.role !== 'admin' && ctx.pins.required()
      if (!u || !ok || blocked) {
        // Written as the account it aimed at (by id) when that exists; never with the text a caller typed (an
        // attacker could otherwise write anything, without limit, into the append-only log).
        appendAudit(
          ctx.db,
          { userId: null, username: '(not signed in)', role: 'unknown' },
          'session.sign_in_failed',
          'user',
          u?.id ?? null,
          null,
          null,
        )
        if (blocked)
          throw new IclasError(
            'pin_required',
            `${u.displayName} has no PIN yet, and PINs are mandatory on this workstation: an administrator sets it (Admin → Users and PINs) before this account can sign in`,
          )
        throw new IclasError('unauthenticated', 'Unknown user or wrong PIN')
      }
      limiter.succeeded(account, session.id)
      const user = { id: u.id, username: u.username, displayName: u.displayName, role: u.role }
      session.user = user
      session.vouched = false
      ctx.tickets.revoke(session.ticket)
      session.ticket = undefined
      const setup = ctx.pins.setupPending(u.id)
      appendAudit(
        ctx.db,
        { userId: u.id, username: u.username, role: u.role },
        'session.sign_in',
        'user',
        u.id,
        null,
        setup ? { pinSetup: true } : null,
      )
      return user
    },
    signOut: (_p, { session }) => {
      session.user = null
      ctx.tickets.revoke(session.ticket)
      session.ticket = undefined
      return { ok: true }
    },
    sessionTicket: (_p, { session, user }) => {
      session.ticket = ctx.tickets.issue(user.id, session.ticket)
      return { ticket: session.ticket }
    },
    // A reloaded tab signs back in as the user of its earlier session, without the PIN again; the ticket is
    // used up and the next one comes back. Held to the same rule as a sign-in without a PIN.
    resumeSession: ({ ticket }, { session }) => {
      const userId = ctx.tickets.redeem(ticket)
      const u = userId === null ? undefined : findUserById(ctx.db, userId)
      if (!u) throw new IclasError('unauthenticated', 'This tab was signed out: sign in again')
      if (u.pinHash === null && u.role !== 'admin' && ctx.pins.required())
        throw new IclasError('pin_required', `${u.displayName} has no PIN yet: an administrator sets it`)
      const user = { id: u.id, username: u.username, displayName: u.displayName, role: u.role }
      session.user = user
      session.vouched = false
      session.ticket = ctx.tickets.issue(u.id)
      appendAudit(
        ctx.db,
        { userId: u.id, username: u.username, role: u.role },
        'session.sign_in',
        'user',
        u.id,
        null,
        { resumed: true },
      )
      return { user, ticket: session.ticket }
    },
    whoAmI: (_p, { session }) => session.user,
    // A public method: the data folder's location only for a signed-in admin past the PIN setup (paths never
    // cross the contract otherwise).
    systemInfo: (_p, { session }) => {
      const setup = !!session.user && !session.vouched && ctx.pins.setupPending(session.user.id)
      return {
        version: ctx.version,
        mode: ctx.mode,
        dataDir: session.user?.role === 'admin' && !setup ? ctx.dataDir : '',
        demoMode: ctx.pins.demoMode(),
        pinSetupRequired: setup,
        ...info(),
      }
    },
  })
}
