// Backups while the core runs: on demand (admins, CLI) and on a schedule (every few hours, and soon after a
// start when the newest backup is older than that). One at a time; a failed scheduled backup is logged and
// retried at the next tick, it never stops the workstation.
import type { Db } from '../store/db'
import { errorForLog } from './log-redact'
import { createBackup, listBackups, type BackupInfo, type BackupReason } from '../store/backup'

export const DEFAULT_BACKUP_EVERY_MS = 6 * 3600_000
const FIRST_BACKUP_DELAY_MS = 60_000

export class BackupScheduler {
  private timer: NodeJS.Timeout | null = null
  private chain: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs one backup after any in progress. */
  run(reason: BackupReason): Promise<BackupInfo> {
    return this.exclusive(() => createBackup(this.db, this.dataDir, reason))
  }

  /** Runs work that must not overlap a backup (a restore). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work)
    this.chain = next.catch(() => undefined)
    return next
  }

  /** Waits for a backup in progress (shutdown). */
  idle(): Promise<unknown> {
    return this.chain
  }

  start(everyMs: number): void {
    const newest = listBackups(this.dataDir).find((b) => b.reason === 'scheduled' || b.reason === 'manual')
    const age = newest ? Date.now() - Date.parse(newest.createdAt) : Infinity
    const tick = () => {
      this.run('scheduled').then(
        (b) => this.log(`scheduled backup ${b.id} (${(b.sizeBytes / 1e6).toFixed(1)} MB)`),
        (err: Error) => this.log(`scheduled backup failed: ${errorForLog(err)}`),
      )
      this.timer = setTimeout(tick, everyMs)
      this.timer.unref()
    }
    this.timer = setTimeout(tick, age >= everyMs ? FIRST_BACKUP_DELAY_MS : everyMs - age)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
