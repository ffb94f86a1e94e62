// The shift handover: a printable summary of the ward over the last hours (12 by default): per infant, the
// cries recorded and flagged, the drift alerts still open or raised in the shift with what changed, and the
// verdicts given, by whom. Read by the nurses and clinicians who hand over (and administrators).
import { z } from 'zod'
import { Alert } from './analysis'
import { Verdict } from './cries'
import { Id, IsoTime, method, type Role } from './define'
import { Infant } from './infants'

export const HANDOVER_READERS: readonly Role[] = ['nurse', 'clinician', 'admin']

export const HandoverVerdict = z.object({
  reviewId: Id,
  cryId: Id,
  /** When the cry was recorded. */
  cryAt: IsoTime,
  verdict: Verdict,
  note: z.string().nullable(),
  /** Who gave it: the user's display name (their username if the account is gone), and role. */
  by: z.string(),
  username: z.string(),
  role: z.string(),
  at: IsoTime,
  /** A later verdict on the same cry replaced this one. */
  superseded: z.boolean(),
})
export type HandoverVerdict = z.infer<typeof HandoverVerdict>

export const HandoverInfant = z.object({
  infant: Infant,
  /** Recordings and cries recorded in the shift (by the time they were recorded). */
  recordings: z.number().int().nonnegative(),
  cries: z.number().int().nonnegative(),
  /** Of those cries: flagged, and flagged without a verdict yet. */
  flagged: z.number().int().nonnegative(),
  awaitingReview: z.number().int().nonnegative(),
  /** Drift alerts open now, and those raised or handled in the shift (resolved ones too), newest first. */
  alerts: z.array(Alert),
  /** Verdicts given in the shift on this infant's cries, newest first. */
  verdicts: z.array(HandoverVerdict),
})
export type HandoverInfant = z.infer<typeof HandoverInfant>

export const ShiftHandover = z.object({
  from: IsoTime,
  to: IsoTime,
  /** Every infant on the ward, by bed. */
  infants: z.array(HandoverInfant),
  generatedAt: IsoTime,
  generatedBy: z.string(),
})
export type ShiftHandover = z.infer<typeof ShiftHandover>

export const handoverMethods = {
  shiftHandover: method({
    summary:
      'The shift handover: per infant, cries, flags, alerts and verdicts of the last hours (each view of a window audited)',
    access: HANDOVER_READERS,
    request: z
      .object({
        hours: z.number().int().min(1).max(72).default(12),
        /** The end of the shift (default: now). */
        to: IsoTime.optional(),
      })
      .strict(),
    response: ShiftHandover,
  }),
  printShiftHandover: method({
    summary:
      'Record that the shift handover of a window is printed or saved as PDF (audited); the page prints it',
    access: HANDOVER_READERS,
    request: z
      .object({
        /** The window printed, as shiftHandover answered it. */
        from: IsoTime,
        to: IsoTime,
      })
      .strict()
      .refine(
        (v) =>
          Date.parse(v.to) > Date.parse(v.from) && Date.parse(v.to) - Date.parse(v.from) <= 72 * 3_600_000,
        {
          message: 'to must be after from, at most 72 hours later',
        },
      ),
    response: z.object({ printedAt: IsoTime, printedBy: z.string() }),
  }),
}
