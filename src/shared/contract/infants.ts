import { z } from 'zod'
import { Empty, Id, IMPORTERS, IsoTime, method, STAFF } from './define'

export const Infant = z.object({
  id: Id,
  label: z.string(), // bed / name as the ward knows the infant
  bed: z.string().nullable(),
  externalId: z.string().nullable(), // e.g. hospital number or DAC-… id
  notes: z.string().nullable(),
  /** Date of birth, a calendar date (YYYY-MM-DD) as the ward writes it. */
  birthDate: z.string().nullable(),
  /** Gestational age at birth in days (28+3 weeks = 199); postmenstrual age is computed from it. */
  gestationalAgeDays: z.number().int().nullable(),
  birthWeightG: z.number().int().nullable(),
  createdAt: IsoTime,
  recordingCount: z.number().int().nonnegative(),
  cryCount: z.number().int().nonnegative(),
  lastCryAt: IsoTime.nullable(),
})
export type Infant = z.infer<typeof Infant>

const InfantFields = {
  label: z.string().trim().min(1).max(120),
  bed: z.string().trim().max(40).nullable().optional(),
  externalId: z.string().trim().max(120).nullable().optional(),
  notes: z.string().max(4000).nullable().optional(),
  birthDate: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date as YYYY-MM-DD')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'a real calendar date')
    .nullable()
    .optional(),
  // 20+0 to 45+0 weeks; a birth weight from 200 g to 7 kg.
  gestationalAgeDays: z.number().int().min(140).max(315).nullable().optional(),
  birthWeightG: z.number().int().min(200).max(7000).nullable().optional(),
}

export const infantMethods = {
  listInfants: method({ summary: 'All infants', access: STAFF, request: Empty, response: z.array(Infant) }),
  getInfant: method({
    summary: 'One infant',
    access: STAFF,
    request: z.object({ id: Id }).strict(),
    response: Infant,
  }),
  createInfant: method({
    summary: 'Add an infant',
    access: IMPORTERS,
    request: z.object(InfantFields).strict(),
    response: Infant,
  }),
  updateInfant: method({
    summary: 'Edit an infant',
    access: IMPORTERS,
    request: z.object({ id: Id, ...InfantFields, label: InfantFields.label.optional() }).strict(),
    response: Infant,
  }),
}
