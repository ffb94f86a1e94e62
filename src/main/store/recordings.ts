// Repository for the recordings table.
import type { Db } from './db'
import type { Recording, TimeSource } from '../../shared/contract'

interface RecordingRow {
  id: number
  infant_id: number
  file_name: string
  content_hash: string
  format: string
  native_sample_rate: number
  channels: number
  duration_s: number
  recorded_at: string
  time_source: string
  imported_at: string
  audio_path: string
  clipped_fraction: number | null
  high_rate_hz: number | null
  cry_count: number
}

const SELECT = `SELECT r.id, r.infant_id, r.file_name, r.content_hash, r.format, r.native_sample_rate, r.channels,
  r.duration_s, r.recorded_at, r.time_source, r.imported_at, r.audio_path, r.clipped_fraction,
  r.high_rate_hz, (SELECT COUNT(*) FROM cries c WHERE c.recording_id = r.id) AS cry_count FROM recordings r`

function toRecording(r: RecordingRow): Recording {
  return {
    id: r.id,
    infantId: r.infant_id,
    fileName: r.file_name,
    contentHash: r.content_hash,
    format: r.format,
    nativeSampleRate: r.native_sample_rate,
    channels: r.channels,
    durationS: r.duration_s,
    recordedAt: r.recorded_at,
    timeSource: r.time_source as TimeSource,
    importedAt: r.imported_at,
    cryCount: r.cry_count,
    clippedFraction: r.clipped_fraction,
    highRateHz: r.high_rate_hz,
  }
}

export interface NewRecording {
  infantId: number
  fileName: string
  contentHash: string
  format: string
  nativeSampleRate: number
  channels: number
  durationS: number
  recordedAt: string
  timeSource: TimeSource
  audioPath: string
  peaks: Buffer | null
  clippedFraction: number | null
  /** The high-rate copy (layout.highRateAudioRelPath) and its rate, for a recording made above 16 kHz. */
  highRate?: { path: string; hz: number } | null
}

export function insertRecording(db: Db, v: NewRecording, now = new Date().toISOString()): number {
  const info = db
    .prepare(
      `INSERT INTO recordings (infant_id, file_name, content_hash, format, native_sample_rate, channels, duration_s,
        recorded_at, time_source, imported_at, audio_path, peaks, clipped_fraction, high_rate_path, high_rate_hz)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      v.infantId,
      v.fileName,
      v.contentHash,
      v.format,
      v.nativeSampleRate,
      v.channels,
      v.durationS,
      v.recordedAt,
      v.timeSource,
      now,
      v.audioPath,
      v.peaks,
      v.clippedFraction,
      v.highRate?.path ?? null,
      v.highRate?.hz ?? null,
    )
  return Number(info.lastInsertRowid)
}

export function listRecordings(db: Db, infantId?: number): Recording[] {
  const rows =
    infantId === undefined
      ? db.prepare(`${SELECT} ORDER BY r.recorded_at DESC, r.id DESC`).all()
      : db.prepare(`${SELECT} WHERE r.infant_id = ? ORDER BY r.recorded_at DESC, r.id DESC`).all(infantId)
  return (rows as RecordingRow[]).map(toRecording)
}

export function getRecording(db: Db, id: number): Recording | undefined {
  const row = db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as RecordingRow | undefined
  return row && toRecording(row)
}

export function findRecordingByHash(db: Db, hash: string): Recording | undefined {
  const row = db.prepare(`${SELECT} WHERE r.content_hash = ?`).get(hash) as RecordingRow | undefined
  return row && toRecording(row)
}

export function getRecordingAudioPath(db: Db, id: number): string | undefined {
  const row = db.prepare('SELECT audio_path FROM recordings WHERE id = ?').get(id) as
    { audio_path: string } | undefined
  return row?.audio_path
}

/** The high-rate copy of a recording (relative path and rate), or null: made at ≤ 16 kHz, or imported before
 * the workstation kept one. */
export function getRecordingHighRate(db: Db, id: number): { path: string; hz: number } | null {
  const row = db
    .prepare('SELECT high_rate_path AS path, high_rate_hz AS hz FROM recordings WHERE id = ?')
    .get(id) as { path: string | null; hz: number | null } | undefined
  return row?.path && row.hz ? { path: row.path, hz: row.hz } : null
}

export function getRecordingPeaks(db: Db, id: number): Buffer | null | undefined {
  const row = db.prepare('SELECT peaks FROM recordings WHERE id = ?').get(id) as
    { peaks: Buffer | null } | undefined
  return row ? row.peaks : undefined
}

export function setRecordingTime(db: Db, id: number, recordedAt: string): void {
  const cur = getRecording(db, id)
  if (!cur) return
  const shiftMs = Date.parse(recordedAt) - Date.parse(cur.recordedAt)
  db.transaction(() => {
    db.prepare("UPDATE recordings SET recorded_at = ?, time_source = 'user' WHERE id = ?").run(recordedAt, id)
    // Cry times are recording time + offset: move them with the recording.
    const cries = db.prepare('SELECT id, at FROM cries WHERE recording_id = ?').all(id) as {
      id: number
      at: string
    }[]
    const upd = db.prepare('UPDATE cries SET at = ? WHERE id = ?')
    for (const c of cries) upd.run(new Date(Date.parse(c.at) + shiftMs).toISOString(), c.id)
  })()
}

/** Every audio file the recordings reference: working copies and high-rate copies. */
export function allAudioPaths(db: Db): Set<string> {
  return new Set(
    (
      db
        .prepare(
          'SELECT audio_path AS p FROM recordings UNION ALL SELECT high_rate_path FROM recordings WHERE high_rate_path IS NOT NULL',
        )
        .all() as { p: string }[]
    ).map((r) => r.p),
  )
}

/** How many recordings the ward holds. */
export function countRecordings(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM recordings').get() as { n: number }).n
}
