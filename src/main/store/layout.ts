// The data folder's layout, in one place. Everything ICLAS keeps is under one folder (--data-dir,
// $ICLAS_DATA_DIR or the user's data folder, src/main/cli/data-dir.ts):
//
//   iclas.db (+ -wal, -shm)       the store                          (store/db.ts, store/backup.ts)
//   iclas.lock                    the one writer's lock              (store/lock.ts)
//   audio/<xx>/<hash>.wav         working copies, content-addressed  (core/services/imports.ts)
//   audio/<xx>/<hash>.hi.wav      the high-rate copy of a recording made above 16 kHz (its rate, at most 48 kHz,
//                                 mono), for spectrograms above 8 kHz; recordings.high_rate_path
//   audio/.tmp-<random>.wav       a working copy being written
//   audio-quarantine/<xx>/…       audio no recording references      (core/audio-recovery.ts)
//   backups/<stamp>-<reason>.db   backups of the store               (store/backup.ts)
//   replaced/, damaged/           database files set aside, never deleted
//   incoming/<random>-<name>      browser-mode uploads waiting to be imported (core.ts, for server/server.ts)
//   demo-source/                  the demo ward's simulated recordings and ground truth
//
// Callers build paths only through this module; recordings.audio_path stores a path relative to the folder
// (audio/<xx>/<hash>.wav), resolved with dataFile().
import crypto from 'node:crypto'
import path from 'node:path'

export const DB_FILE = 'iclas.db'
export const LOCK_FILE = 'iclas.lock'
export const AUDIO_DIR = 'audio'
export const QUARANTINE_DIR = 'audio-quarantine'
export const BACKUP_DIR = 'backups'
export const INCOMING_DIR = 'incoming'
export const DEMO_SOURCE_DIR = 'demo-source'
/** Where a database is kept when a restore replaces it, or when it is set aside as damaged. */
export const ASIDE_DIRS = { replaced: 'replaced', damaged: 'damaged' } as const
export type AsideKind = keyof typeof ASIDE_DIRS
const PARTIAL_PREFIX = '.tmp-'

/** A path stored relative to the data folder (recordings.audio_path), made absolute. */
export function dataFile(dataDir: string, rel: string): string {
  return path.join(dataDir, rel)
}

export function dbFile(dataDir: string): string {
  return path.join(dataDir, DB_FILE)
}

export function lockFile(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE)
}

export function audioDir(dataDir: string): string {
  return path.join(dataDir, AUDIO_DIR)
}

export function quarantineDir(dataDir: string): string {
  return path.join(dataDir, QUARANTINE_DIR)
}

export function backupsDir(dataDir: string): string {
  return path.join(dataDir, BACKUP_DIR)
}

export function incomingDir(dataDir: string): string {
  return path.join(dataDir, INCOMING_DIR)
}

/** A new upload's file: incoming/<random>-<name> (`name` already a safe file name). */
export function incomingFile(dataDir: string, name: string): string {
  return path.join(incomingDir(dataDir), `${crypto.randomBytes(8).toString('hex')}-${name}`)
}

export function demoSourceDir(dataDir: string): string {
  return path.join(dataDir, DEMO_SOURCE_DIR)
}

export function asideDir(dataDir: string, kind: AsideKind): string {
  return path.join(dataDir, ASIDE_DIRS[kind])
}

/** The folder of a working copy: `audio/<first two hex digits of its hash>`. */
export function audioShardDir(dataDir: string, hash: string): string {
  return path.join(audioDir(dataDir), hash.slice(0, 2))
}

/** A working copy's path relative to the data folder, as recordings.audio_path stores it. */
export function audioRelPath(hash: string): string {
  return path.join(AUDIO_DIR, hash.slice(0, 2), `${hash}.wav`)
}

/** The high-rate copy's path relative to the data folder (recordings.high_rate_path): beside the working copy. */
export function highRateAudioRelPath(hash: string): string {
  return path.join(AUDIO_DIR, hash.slice(0, 2), `${hash}.hi.wav`)
}

/** A fresh name for a working copy being written (renamed to audioRelPath once complete). */
export function partialAudioFile(dataDir: string): string {
  return path.join(audioDir(dataDir), `${PARTIAL_PREFIX}${crypto.randomBytes(6).toString('hex')}.wav`)
}

/** Whether a file name under audio/ is a working copy left half-written. */
export function isPartialAudio(name: string): boolean {
  return path.basename(name).startsWith(PARTIAL_PREFIX)
}

/** The audio_path of a file found at `rel` (forward slashes) under audio/ or audio-quarantine/. */
export function audioPathOf(rel: string): string {
  return `${AUDIO_DIR}/${rel}`
}
