import { z } from 'zod'
import { Empty, Id, IMPORTERS, IsoTime, method, STAFF } from './define'

export const Infant = z.object({
  id: Id,
  label: z.string(), // bed / name as the ward knows the infant
  bed: z.string().nullable(),
  externalId: z.string().nullable(), // e.g. hospital number or DAC-… id
  notes: z.string().nullable(),
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
