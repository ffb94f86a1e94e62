// Building blocks for the one IPC contract: a method is a zod request schema, a zod response schema and the
// roles that may call it. Everything else (preload, WebSocket bridge, renderer client, core dispatch) is
// derived from the method table in ./index.ts.
import { z } from 'zod'

export const Role = z.enum(['nurse', 'clinician', 'researcher', 'admin'])
export type Role = z.infer<typeof Role>

/** 'public' methods work before sign-in (e.g. listing users on the sign-in screen). */
export type Access = 'public' | 'any' | readonly Role[]

export interface MethodSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  request: Req
  response: Res
  access: Access
  /** Short description, shown in errors and docs. */
  summary: string
  /**
   * Callable by a signed-in account that must set PINs first (an admin without a PIN on a ward that is not
   * the demo): the first-start setup. Every other non-public method answers 'pin_required' to such a session.
   */
  beforePins?: boolean
}

export function method<Req extends z.ZodType, Res extends z.ZodType>(spec: MethodSpec<Req, Res>) {
  return spec
}

export const Empty = z.object({}).strict()
export const Ok = z.object({ ok: z.literal(true) })

export const Id = z.number().int().positive()
export const IsoTime = z.string().datetime({ offset: true })

export const STAFF: readonly Role[] = ['nurse', 'clinician', 'researcher', 'admin']
export const CLINICAL: readonly Role[] = ['clinician', 'admin']
export const RESEARCH: readonly Role[] = ['researcher', 'admin']
export const IMPORTERS: readonly Role[] = ['nurse', 'clinician', 'researcher', 'admin']
