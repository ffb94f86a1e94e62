import type { Infant } from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { appendAudit } from '../../store/audit'
import {
  findInfantByExternalId,
  getInfant,
  insertInfant,
  listInfants,
  updateInfant,
} from '../../store/infants'
import { type Service, service, type ServiceContext } from '../context'
import { actor } from './actor'

export function infantService(
  ctx: ServiceContext,
): Service<'listInfants' | 'getInfant' | 'createInfant' | 'updateInfant'> {
  const { db } = ctx
  return service({
    listInfants: () => listInfants(db),
    getInfant: ({ id }) => {
      const i = getInfant(db, id)
      if (!i) throw new IclasError('not_found', `No infant with id ${id}`)
      return i
    },
    createInfant: (p, { user }) => {
      if (p.externalId === '') p.externalId = null // an empty id is no id (and must not collide with another)
      const infant = db.transaction(() => {
        if (p.externalId && findInfantByExternalId(db, p.externalId)) {
          throw new IclasError('conflict', `An infant with id "${p.externalId}" already exists`)
        }
        const created = insertInfant(db, p)
        appendAudit(db, actor(user), 'infant.create', 'infant', created.id, null, p)
        return created
      })()
      ctx.emit('changed', { entity: 'infants' })
      return infant
    },
    updateInfant: ({ id, ...fields }, { user }) => {
      if (fields.externalId === '') fields.externalId = null
      const updated = db.transaction(() => {
        const before = getInfant(db, id)
        if (!before) throw new IclasError('not_found', `No infant with id ${id}`)
        const holder = fields.externalId ? findInfantByExternalId(db, fields.externalId) : undefined
        if (holder && holder.id !== id)
          throw new IclasError('conflict', `Another infant already has the id "${fields.externalId}"`)
        const after = updateInfant(db, id, fields)!
        appendAudit(db, actor(user), 'infant.update', 'infant', id, pick(before), pick(after))
        return after
      })()
      ctx.emit('changed', { entity: 'infants' })
      return updated
    },
  })
}

const pick = (i: Infant) => ({
  label: i.label,
  bed: i.bed,
  externalId: i.externalId,
  notes: i.notes,
  birthDate: i.birthDate,
  gestationalAgeDays: i.gestationalAgeDays,
  birthWeightG: i.birthWeightG,
})
