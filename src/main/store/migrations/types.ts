import type Database from 'better-sqlite3'

export interface Migration {
  version: number
  name: string
  up(db: Database.Database): void
  /**
   * Rebuilds tables that others reference: foreign keys are turned off around the migration's transaction
   * (the pragma cannot change inside one) and `foreign_key_check` must pass before it commits.
   */
  foreignKeysOff?: boolean
}
