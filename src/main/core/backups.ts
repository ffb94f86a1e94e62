// Backups while the core runs: on demand (admins, CLI) and on a schedule (every few hours, and soon after a
// start when the newest backup is older than that). One at a time; a failed scheduled backup is logged and
// retried at the next tick, it never stops the workstation.
import type { Db } from '../store/db'
import { countRecordings } from '../store/recordings'
import { errorForLog } from './log-redact'
import {
  backupFile,
  createBackup,
  listBackups,
  verifyBackupFile,
  type BackupInfo,
  type BackupReason,
} from '../store/backup'

export const DEFAULT_BACKUP_EVERY_MS = 6 * 3600_000
const FIRST_BACKUP_DELAY_MS = 60_000

export class BackupScheduler {
  private timer: NodeJS.Timeout | null = null
  private soon: NodeJS.Timeout | null = null
  private chain: Promise<unknown> = Promise.resolve()
  private scheduling = false
  /** The newest scheduled or manual backup holds no recordings (a new ward, or none yet). */
  private newestEmpty = true

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
    /** Delay of a backup that is due "soon": after start, or once a new ward has its first recordings. */
    private readonly soonMs = FIRST_BACKUP_DELAY_MS,
  ) {}

  /** Runs one backup after any in progress. */
  run(reason: BackupReason): Promise<BackupInfo> {
    return this.exclusive(async () => {
      const recordings = this.recordingCount()
      const b = await createBackup(this.db, this.dataDir, reason)
      if (reason === 'scheduled' || reason === 'manual') this.newestEmpty = recordings === 0
      return b
    })
  }

  /**
   * Recordings were imported (an import or the demo ward finished). A ward whose newest backup holds none
   * — a new one, whose first backup a minute after start caught it empty — is backed up soon, not 6 h later.
   */
  recordingsAdded(): void {
    if (!this.scheduling || !this.newestEmpty || this.soon || this.recordingCount() === 0) return
    this.soon = setTimeout(() => {
      this.soon = null
      this.run('scheduled').then(
        (b) => this.log(`first backup of this ward's recordings: ${b.id}`),
        (err: Error) => this.log(`scheduled backup failed: ${errorForLog(err)}`),
      )
    }, this.soonMs)
    this.soon.unref()
  }

  private recordingCount(): number {
    try {
      return countRecordings(this.db)
    } catch {
      return 0
    }
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
    this.scheduling = true
    const newest = listBackups(this.dataDir).find((b) => b.reason === 'scheduled' || b.reason === 'manual')
    this.newestEmpty =
      !newest || verifyBackupFile(backupFile(this.dataDir, newest.id)).counts.recordings === 0
    const age = newest ? Date.now() - Date.parse(newest.createdAt) : Infinity
    const tick = () => {
      this.run('scheduled').then(
        (b) => this.log(`scheduled backup ${b.id} (${(b.sizeBytes / 1e6).toFixed(1)} MB)`),
        (err: Error) => this.log(`scheduled backup failed: ${errorForLog(err)}`),
      )
      this.timer = setTimeout(tick, everyMs)
      this.timer.unref()
    }
    this.timer = setTimeout(tick, age >= everyMs ? this.soonMs : everyMs - age)
    this.timer.unref()
  }

  stop(): void {
    this.scheduling = false
    if (this.timer) clearTimeout(this.timer)
    if (this.soon) clearTimeout(this.soon)
    this.timer = null
    this.soon = null
  }
}
