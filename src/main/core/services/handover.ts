// The shift handover: every infant on the ward with what the last hours brought (cries, flags, drift alerts
// with what changed, verdicts and who gave them), for the nurse or clinician handing over; the screen prints it
// (src/renderer/src/screens/Handover.tsx). It names patients, so reading it is audited: `handover.view` with who,
// when and the window (once per session and window asked for in 10 minutes: the screen reads it again at every
// change on the ward), and `handover.print` when it is printed or saved as PDF.
import type { Alert, HandoverInfant } from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { listAlerts } from '../../store/alerts'
import { appendAudit } from '../../store/audit'
import { shiftActivity, shiftVerdicts } from '../../store/handover'
import { listInfants } from '../../store/infants'
import { type Service, service, type ServiceContext } from '../context'
import { actor } from './actor'

const HOUR_MS = 3_600_000
/** A session reading the same window again within this long (the screen re-reads it at every change) is not
 * audited again. */
export const HANDOVER_VIEW_AUDIT_MS = 10 * 60_000

/**
 * The alerts a handover names: every one still open (new or acknowledged, whenever it was raised), and those
 * raised or last changed in the shift (a resolved one says what happened). Newest first, as the store lists.
 */
export function shiftAlerts(alerts: readonly Alert[], from: string, to: string): Alert[] {
  const within = (t: string) => t >= from && t < to
  return alerts.filter((a) => a.state !== 'resolved' || within(a.createdAt) || within(a.updatedAt))
}

export function handoverService(ctx: ServiceContext): Service<'shiftHandover' | 'printShiftHandover'> {
  const { db } = ctx
  // Per session: the window it last read and when that read was audited.
  const viewed = new Map<string, { asked: string; at: number }>()
  return service({
    shiftHandover: ({ hours, to }, { user, session }) => {
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
      const generatedAt = new Date().toISOString()
      const asked = `${hours}|${to ?? 'now'}`
      const last = viewed.get(session.id)
      const now = Date.parse(generatedAt)
      if (!last || last.asked !== asked || now - last.at >= HANDOVER_VIEW_AUDIT_MS) {
        appendAudit(db, actor(user), 'handover.view', 'handover', null, null, {
          from: fromIso,
          to: toIso,
          hours,
          shiftEnd: to === undefined ? 'now' : 'chosen',
          infants: infants.length,
        })
        for (const [id, v] of viewed) if (now - v.at >= HANDOVER_VIEW_AUDIT_MS) viewed.delete(id)
        viewed.set(session.id, { asked, at: now })
      }
      return { from: fromIso, to: toIso, infants, generatedAt, generatedBy: user.displayName }
    },
    printShiftHandover: ({ from, to }, { user }) => {
      // One instant for the audit entry and the printed page, so the page's time is the audit log's.
      const printedAt = new Date().toISOString()
      appendAudit(
        db,
        actor(user),
        'handover.print',
        'handover',
        null,
        null,
        { from, to, hours: Math.round(((Date.parse(to) - Date.parse(from)) / HOUR_MS) * 100) / 100 },
        printedAt,
      )
      return { printedAt, printedBy: user.displayName }
    },
  })
}
