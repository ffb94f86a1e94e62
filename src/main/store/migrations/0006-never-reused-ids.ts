import type { Migration } from './types'
import { NEVER_REUSED } from '../id-floors'

/**
 * Every table the audit log names gets AUTOINCREMENT, so an id is never handed out twice (before, the id of
 * a deleted last row, or of a record made after a backup that was then restored, was given to the next
 * insert, and older audit entries pointed at it). SQLite cannot add AUTOINCREMENT to a table, so each is
 * rebuilt the documented way (https://sqlite.org/lang_altertable.html#otheralter): its current definition
 * with AUTOINCREMENT, rows copied with their ids, old table dropped, new one renamed, indexes and triggers
 * made again. Foreign keys are off meanwhile (foreignKeysOff) and checked before the transaction commits.
 */
export const m0006: Migration = {
  version: 6,
  name: 'never-reused-ids',
  foreignKeysOff: true,
  up(db) {
    for (const table of NEVER_REUSED) {
      const def = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as
        { sql: string } | undefined
      if (!def) continue
      const pk = /\bid\s+INTEGER\s+PRIMARY\s+KEY\b(?!\s+AUTOINCREMENT)/i
      if (!pk.test(def.sql)) continue
      const extras = db
        .prepare(
          "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
        )
        .all(table) as { sql: string }[]
      const tmp = `${table}__0006`
      const createTmp = def.sql
        .replace(/^CREATE TABLE\s+("?)[A-Za-z_]+\1/i, `CREATE TABLE "${tmp}"`)
        .replace(pk, 'id INTEGER PRIMARY KEY AUTOINCREMENT')
      db.exec(createTmp)
      db.exec(`INSERT INTO "${tmp}" SELECT * FROM "${table}"`)
      db.exec(`DROP TABLE "${table}"`)
      db.exec(`ALTER TABLE "${tmp}" RENAME TO "${table}"`)
      for (const e of extras) db.exec(e.sql)
    }
  },
}
