// Events pushed from the core to every connected client.
import { z } from 'zod'
import { Job } from './imports'

export const eventSchemas = {
  /** A job changed (progress, state, per-file outcome). */
  job: Job,
  /** Something the UI shows changed; lists re-fetch. */
  changed: z.object({
    entity: z.enum(['infants', 'recordings', 'cries', 'models', 'alerts', 'settings', 'reviews', 'users']),
  }),
  /** A drift alert was raised or changed state. */
  alert: z.object({ alertId: z.number(), infantId: z.number(), state: z.string(), message: z.string() }),
}
export type EventName = keyof typeof eventSchemas
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>
