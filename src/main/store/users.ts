// Repository for the users table. PINs are stored as scrypt hashes.
import crypto from 'node:crypto'
import type { Db } from './db'
import type { Role, User } from '../../shared/contract'

interface UserRow {
  id: number
  username: string
  display_name: string
  role: Role
  pin_hash: string | null
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
})

export function hashPin(pin: string): string {
  const salt = crypto.randomBytes(16)
  return `${salt.toString('hex')}:${crypto.scryptSync(pin, salt, 32).toString('hex')}`
}

const scryptAsync = (pin: string, salt: Buffer, len: number) =>
  new Promise<Buffer>((resolve, reject) =>
    crypto.scrypt(pin, salt, len, (err, key) => (err ? reject(err) : resolve(key))),
  )

/** hashPin on libuv's thread pool: the core's thread stays free for other users' calls. */
export async function hashPinAsync(pin: string): Promise<string> {
  const salt = crypto.randomBytes(16)
  return `${salt.toString('hex')}:${(await scryptAsync(pin, salt, 32)).toString('hex')}`
}

/** verifyPin on libuv's thread pool. */
export async function verifyPinAsync(pin: string, stored: string): Promise<boolean> {
  const [saltHex, hashHex] = stored.split(':')
  if (!saltHex || !hashHex) return false
  const expected = Buffer.from(hashHex, 'hex')
  const actual = await scryptAsync(pin, Buffer.from(saltHex, 'hex'), expected.length)
  return crypto.timingSafeEqual(expected, actual)
}

export function verifyPin(pin: string, stored: string): boolean {
  const [saltHex, hashHex] = stored.split(':')
  if (!saltHex || !hashHex) return false
  const expected = Buffer.from(hashHex, 'hex')
  const actual = crypto.scryptSync(pin, Buffer.from(saltHex, 'hex'), expected.length)
  return crypto.timingSafeEqual(expected, actual)
}

export function listUsers(db: Db): User[] {
  return (db.prepare('SELECT * FROM users ORDER BY role, username').all() as UserRow[]).map(toUser)
}

export function findUser(db: Db, username: string): (User & { pinHash: string | null }) | undefined {
  const r = db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined
  return r && { ...toUser(r), pinHash: r.pin_hash }
}

export function findUserById(db: Db, id: number): (User & { pinHash: string | null }) | undefined {
  const r = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined
  return r && { ...toUser(r), pinHash: r.pin_hash }
}

export function insertUser(
  db: Db,
  v: { username: string; displayName: string; role: Role; pin?: string | null; pinHash?: string | null },
  now = new Date().toISOString(),
): User {
  const info = db
    .prepare('INSERT INTO users (username, display_name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(v.username, v.displayName, v.role, v.pinHash ?? (v.pin ? hashPin(v.pin) : null), now)
  return toUser(db.prepare('SELECT * FROM users WHERE id = ?').get(Number(info.lastInsertRowid)) as UserRow)
}

/** A new workstation gets one user per role without PINs; an admin sets PINs on a real ward. */
export function ensureDefaultUsers(db: Db): void {
  const n = (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n
  if (n > 0) return
  db.transaction(() => {
    insertUser(db, { username: 'nurse', displayName: 'Ward nurse', role: 'nurse' })
    insertUser(db, { username: 'clinician', displayName: 'Clinician', role: 'clinician' })
    insertUser(db, { username: 'researcher', displayName: 'Researcher', role: 'researcher' })
    insertUser(db, { username: 'admin', displayName: 'Administrator', role: 'admin' })
  })()
}

export interface AccountRow extends User {
  hasPin: boolean
  createdAt: string
}

const toAccount = (r: UserRow & { created_at: string }): AccountRow => ({
  ...toUser(r),
  hasPin: r.pin_hash !== null,
  createdAt: r.created_at,
})

export function listAccounts(db: Db): AccountRow[] {
  return (
    db.prepare('SELECT * FROM users ORDER BY role, username').all() as (UserRow & { created_at: string })[]
  ).map(toAccount)
}

export function getAccount(db: Db, id: number): AccountRow | undefined {
  const r = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as
    (UserRow & { created_at: string }) | undefined
  return r && toAccount(r)
}

export function setUserPin(db: Db, id: number, pin: string | null): void {
  db.prepare('UPDATE users SET pin_hash = ? WHERE id = ?').run(pin === null ? null : hashPin(pin), id)
}

/** Sets a PIN already hashed (hashPinAsync), or clears it. */
export function setUserPinHash(db: Db, id: number, pinHash: string | null): void {
  db.prepare('UPDATE users SET pin_hash = ? WHERE id = ?').run(pinHash, id)
}

/**
 * Reads whether an account has no PIN (undefined: no such account), its statement prepared once: the PIN policy
 * asks on every call of a session.
 */
export function pinlessReader(db: Db): (id: number) => boolean | undefined {
  const q = db.prepare('SELECT pin_hash IS NULL AS pinless FROM users WHERE id = ?')
  return (id) => {
    const row = q.get(id) as { pinless: number } | undefined
    return row && row.pinless === 1
  }
}
