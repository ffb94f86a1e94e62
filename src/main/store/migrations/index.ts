// Numbered migrations, applied in order, each in its own transaction. Never edit a landed migration:
// add the next number. Each has a test in test/integration/migrations.test.ts (migrate to n-1, insert,
// migrate to n, assert).
import { m0001 } from './0001-infants-recordings'
import { m0002 } from './0002-users-audit-settings-jobs'
import { m0003 } from './0003-cries'
import { m0004 } from './0004-embeddings-models-scores'
import { m0005 } from './0005-reviews-alerts-replay'
import { m0006 } from './0006-never-reused-ids'
import { m0007 } from './0007-infant-birth'
import { m0008 } from './0008-high-rate-copy'
import type { Migration } from './types'

export const migrations: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008]
export type { Migration }
