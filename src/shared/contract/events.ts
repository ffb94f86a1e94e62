// Events pushed from the core to every connected client.
import { z } from 'zod'
import { Alert } from './analysis'
import { Job } from './imports'

/** What a `changed` event names: the lists that re-fetch. */
export const ChangedEntity = z.enum([
  'infants',
  'recordings',
  'cries',
  'models',
  'alerts',
  'settings',
  'reviews',
  'users',
])
export type ChangedEntity = z.infer<typeof ChangedEntity>

export const eventSchemas = {
  /** A job changed (progress, state, per-file outcome). */
  job: Job,
  /** Something the UI shows changed; lists re-fetch. */
  changed: z.object({ entity: ChangedEntity }),
  /** A drift alert was raised or changed state: the whole alert, with what changed, so that a notification
   * needs no second call. */
  alert: Alert,
  /** (Desktop app, from Electron main) the user clicked a drift alert's desktop notification: show the infant's
   * timeline (null: the alerts concern several infants, show the ward). */
  alertNotificationClicked: z.object({ infantId: z.number().nullable() }),
}
export type EventName = keyof typeof eventSchemas
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>
