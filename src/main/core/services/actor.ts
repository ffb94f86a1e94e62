import type { User } from '../../../shared/contract'
import type { Actor } from '../../store/audit'

export const actor = (u: User): Actor => ({ userId: u.id, username: u.username, role: u.role })
export const SYSTEM: Actor = { userId: null, username: 'system', role: 'system' }
