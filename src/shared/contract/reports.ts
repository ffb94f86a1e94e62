// Reports made in the page for a ward round (an infant's timeline as PNG, or printed / saved as PDF by the
// browser). The picture never passes through the core; the export is still an explicit, audited action.
import { z } from 'zod'
import { EXPORTERS } from './cries'
import { Id, IsoTime, method } from './define'

export const ReportFormat = z.enum(['png', 'pdf'])
export type ReportFormat = z.infer<typeof ReportFormat>

export const reportMethods = {
  exportTimelineReport: method({
    summary: "Export an infant's timeline report (PNG or PDF, made in the page; audited)",
    access: EXPORTERS,
    request: z
      .object({ infantId: Id, format: ReportFormat, from: IsoTime.optional(), to: IsoTime.optional() })
      .strict(),
    response: z.object({
      /** The name to save the file under. */
      fileName: z.string(),
      /** What the report's footer says: who made it and when. */
      exportedAt: IsoTime,
      exportedBy: z.string(),
    }),
  }),
}
