// The shift handover: every infant on the ward with what the last hours brought (cries, flags, drift alerts
// with what changed, verdicts and who gave them), for the nurse or clinician handing over. Read-only; the
// screen prints it (src/renderer/src/screens/Handover.tsx).
import type { Alert, HandoverInfant } from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { listAlerts } from '../../store/alerts'
import { shiftActivity, shiftVerdicts } from '../../store/handover'
import { listInfants } from '../../store/infants'
import { type Service, service, type ServiceContext } from '../context'

const HOUR_MS = 3_600_000

/**
 * The alerts a handover names: every one still open (new or acknowledged, whenever it was raised), and those
 * raised or last changed in the shift (a resolved one says what happened). Newest first, as the store lists.
 */
export function shiftAlerts(alerts: readonly Alert[], from: string, to: string): Alert[] {
  const within = (t: string) => t >= from && t < to
  return alerts.filter((a) => a.state !== 'resolved' || within(a.createdAt) || within(a.updatedAt))
}

export function handoverService(ctx: ServiceContext): Service<'shiftHandover'> {
  const { db } = ctx
  return service({
    shiftHandover: ({ hours, to }, { user }) => {
      const end = to === undefined ? Date.now() : Date.parse(to)
      if (!Number.isFinite(end)) throw new IclasError('invalid_request', `Not a time: ${to}`)
      const toIso = new Date(end).toISOString()
      const fromIso = new Date(end - hours * HOUR_MS).toISOString()
      const activity = new Map(shiftActivity(db, fromIso, toIso).map((a) => [a.infantId, a]))
      const alerts = shiftAlerts(listAlerts(db), fromIso, toIso)
      const verdicts = shiftVerdicts(db, fromIso, toIso)
      const infants: HandoverInfant[] = listInfants(db).map((infant) => {
        const a = activity.get(infant.id)
        return {
          infant,
          recordings: a?.recordings ?? 0,
          cries: a?.cries ?? 0,
          flagged: a?.flagged ?? 0,
          awaitingReview: a?.awaitingReview ?? 0,
          alerts: alerts.filter((x) => x.infantId === infant.id),
          verdicts: verdicts.filter((v) => v.infantId === infant.id).map(({ infantId: _infant, ...v }) => v),
        }
      })
      return {
        from: fromIso,
        to: toIso,
        infants,
        generatedAt: new Date().toISOString(),
        generatedBy: user.displayName,
      }
    },
  })
}
