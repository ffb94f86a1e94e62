// The timeline's rows and control-chart blocks per infant, kept between requests while they are unchanged.
// Zooming re-requests a range many times in a row: reading 100 000 cries and re-running the control charts for
// each request would cost ~1 s; slicing the kept rows costs milliseconds. "Unchanged": first SQLite's own change
// counter for this connection (the core is the only writer) and data_version (another connection, such as a
// backup restore) — nothing at all was written — else a fingerprint of the infant's cries and verdicts (one
// aggregate query), since writes elsewhere (a sign-in's audit entry, another infant's import) leave the rows as
// they were; and the infant's effective settings.
import type { AnalysisSettings } from '../../../shared/contract'
import type { TimelineBlock } from '../../engine/timeline/blocks'
import { timelineCries, timelineFingerprint, type TimelineCryRow } from '../../store/cry-analysis'
import { writeCounters, type Db } from '../../store/db'

export interface TimelineRows {
  rows: TimelineCryRow[]
  /** Epoch ms of each row (rows are in time order). */
  t: Float64Array
  blocks: TimelineBlock[]
  /** Values derived from the whole timeline's rows, kept as long as the rows. */
  whole?: unknown
}

/** Infants kept: the one on screen and the one before (switching back and forth stays fast). */
const KEEP = 2

interface Entry {
  changes: number
  version: number
  settings: string
  fingerprint: string
  value: TimelineRows
}

export class TimelineCache {
  private readonly entries = new Map<number, Entry>()

  constructor(
    private readonly db: Db,
    private readonly blocksOf: (
      infantId: number,
      s: AnalysisSettings,
      rows: TimelineCryRow[],
    ) => TimelineBlock[],
  ) {}

  get(infantId: number, s: AnalysisSettings): TimelineRows {
    const { changes, version } = writeCounters(this.db)
    const settings = JSON.stringify(s)
    const hit = this.entries.get(infantId)
    this.entries.delete(infantId) // most recently used last
    if (hit && hit.settings === settings) {
      if (hit.changes === changes && hit.version === version) {
        this.entries.set(infantId, hit)
        return hit.value
      }
      const fingerprint = timelineFingerprint(this.db, infantId)
      if (fingerprint === hit.fingerprint) {
        this.entries.set(infantId, { ...hit, changes, version })
        return hit.value
      }
    }
    const fingerprint = timelineFingerprint(this.db, infantId)
    const rows = timelineCries(this.db, infantId)
    const value = {
      rows,
      t: Float64Array.from(rows, (r) => Date.parse(r.at)),
      blocks: this.blocksOf(infantId, s, rows),
    }
    this.entries.set(infantId, { changes, version, settings, fingerprint, value })
    while (this.entries.size > KEEP) this.entries.delete(this.entries.keys().next().value!)
    return value
  }

  /** `derive` of the rows in [from, to]; for the whole timeline, computed once per kept rows. */
  derive<T>(
    k: TimelineRows,
    from: string | undefined,
    to: string | undefined,
    derive: (rows: TimelineCryRow[]) => T,
  ): T {
    if (from !== undefined || to !== undefined) return derive(rowsInRange(k, from, to))
    k.whole ??= derive(k.rows)
    return k.whole as T
  }

  clear(): void {
    this.entries.clear()
  }
}

/** Index of the first time ≥ v in sorted times (binary search). */
export function lowerBound(t: Float64Array, v: number): number {
  let lo = 0
  let hi = t.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (t[mid]! < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The rows of [from, to] (ISO, inclusive), as the SQL range would select them. */
export function rowsInRange(k: TimelineRows, from?: string, to?: string): TimelineCryRow[] {
  const a = from ? lowerBound(k.t, Date.parse(from)) : 0
  const b = to ? lowerBound(k.t, Date.parse(to) + 1) : k.rows.length
  return k.rows.slice(a, b)
}
