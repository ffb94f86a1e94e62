// Timeline reports (PNG or PDF made in the page): the core names the file and writes the audit entry, since
// the report leaves the machine as a file at the user's request.
import { IclasError } from '../../../shared/rpc'
import { appendAudit } from '../../store/audit'
import { getInfant } from '../../store/infants'
import { type Service, service, type ServiceContext } from '../context'
import { actor } from './actor'
import { slug } from './cries'

export function reportService(ctx: ServiceContext): Service<'exportTimelineReport'> {
  const { db } = ctx
  return service({
    exportTimelineReport: ({ infantId, format, from, to }, { user }) => {
      const infant = getInfant(db, infantId)
      if (!infant) throw new IclasError('not_found', `No infant with id ${infantId}`)
      const exportedAt = new Date().toISOString()
      const fileName = `iclas-timeline-${slug(infant.label) || `infant-${infantId}`}-${exportedAt.slice(0, 10)}.${format}`
      appendAudit(db, actor(user), 'export.timeline_report', 'infant', infantId, null, {
        format,
        from: from ?? null,
        to: to ?? null,
        fileName,
      })
      return { fileName, exportedAt, exportedBy: user.displayName }
    },
  })
}
