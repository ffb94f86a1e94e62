import { z } from 'zod'
import { Empty, Id, method, Role } from './define'

export const User = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  role: Role,
})
export type User = z.infer<typeof User>

export const SystemInfo = z.object({
  version: z.string(),
  mode: z.enum(['desktop', 'browser', 'cli', 'test']),
  dataDir: z.string(),
  computeProvider: z.string(),
  backbone: z.string().nullable(),
  /** Demo mode: accounts may sign in without PINs (a workstation holding only the demo ward). */
  demoMode: z.boolean(),
  /** This session's account has no PIN and PINs are mandatory: only the first-start setup is open to it. */
  pinSetupRequired: z.boolean(),
  demo: z
    .object({ state: z.enum(['absent', 'building', 'ready', 'failed']), message: z.string().optional() })
    .optional(),
})
export type SystemInfo = z.infer<typeof SystemInfo>

export const sessionMethods = {
  listUsers: method({
    summary: 'Users who may sign in on this workstation',
    access: 'public',
    request: Empty,
    response: z.array(User),
  }),
  signIn: method({
    summary: 'Sign in as a user (PIN checked when the user has one; mandatory outside demo mode)',
    access: 'public',
    request: z.object({ username: z.string().min(1).max(64), pin: z.string().max(64).optional() }).strict(),
    response: User,
  }),
  signOut: method({
    summary: 'Sign out',
    access: 'public',
    request: Empty,
    response: z.object({ ok: z.boolean() }),
  }),
  sessionTicket: method({
    summary: 'A ticket that signs this tab back in after a reload (once, within 12 h, until sign-out)',
    access: 'any',
    request: Empty,
    response: z.object({ ticket: z.string() }),
  }),
  resumeSession: method({
    summary: "Sign back in with a ticket of this tab's earlier session (it is used up; the next comes back)",
    access: 'public',
    request: z.object({ ticket: z.string().min(1).max(128) }).strict(),
    response: z.object({ user: User, ticket: z.string() }),
  }),
  whoAmI: method({
    summary: 'The signed-in user, if any',
    access: 'public',
    request: Empty,
    response: User.nullable(),
  }),
  systemInfo: method({
    summary: 'Version, mode, data folder, compute device',
    access: 'public',
    request: Empty,
    response: SystemInfo,
  }),
}
