// What must hold after any crash: the file passes SQLite's full integrity check, foreign keys hold, no cry
// lacks its recording, every recording has its complete audio working copy and exactly the cries a clean
// import gives it; and once recovery ran, no audio file lacks its recording.
import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'

export interface AudioFolderState {
  unreferenced: string[]
  partial: string[]
  quarantined: string[]
  missing: string[]
}

export function audioFolderState(dataDir: string, referenced: Set<string>): AudioFolderState {
  const wanted = new Set([...referenced].map((r) => r.split(path.sep).join('/')))
  const list = (root: string) => {
    const out: string[] = []
    const walk = (d: string, rel: string) => {
      if (!fs.existsSync(d)) return
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name), `${rel}${e.name}/`)
        else out.push(`${rel}${e.name}`)
      }
    }
    walk(path.join(dataDir, root), `${root}/`)
    return out
  }
  const audio = list('audio')
  return {
    unreferenced: audio.filter((f) => !path.basename(f).startsWith('.tmp-') && !wanted.has(f)),
    partial: audio.filter((f) => path.basename(f).startsWith('.tmp-')),
    quarantined: list('audio-quarantine'),
    missing: [...wanted].filter((f) => !fs.existsSync(path.join(dataDir, f))),
  }
}

/** Per content hash: what a clean import gives (from a run nobody killed). */
export type Reference = Map<string, { cries: number; durationS: number; peaksBytes: number }>

export function referenceOf(db: Database.Database): Reference {
  const rows = db
    .prepare(
      `SELECT content_hash AS h, duration_s AS d, length(peaks) AS p,
        (SELECT COUNT(*) FROM cries c WHERE c.recording_id = r.id) AS n FROM recordings r`,
    )
    .all() as { h: string; d: number; p: number | null; n: number }[]
  return new Map(rows.map((r) => [r.h, { cries: r.n, durationS: r.d, peaksBytes: r.p ?? 0 }]))
}

/** Problems in a store right after a crash (before any recovery). Empty when all invariants hold. */
export function storeProblems(dataDir: string, reference: Reference): string[] {
  const db = new Database(path.join(dataDir, 'iclas.db'))
  try {
    const problems: string[] = []
    const ic = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check)
    if (ic.join() !== 'ok') problems.push(`integrity_check: ${ic.slice(0, 3).join('; ')}`)
    const hasTable = (t: string) => !!db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(t)
    if (!hasTable('recordings')) return problems // killed before the first migration committed
    const fk = db.pragma('foreign_key_check') as unknown[]
    if (fk.length) problems.push(`${fk.length} foreign key violation(s)`)
    const orphanCries = (
      db
        .prepare('SELECT COUNT(*) AS n FROM cries WHERE recording_id NOT IN (SELECT id FROM recordings)')
        .get() as {
        n: number
      }
    ).n
    if (orphanCries) problems.push(`${orphanCries} cries without their recording`)
    const recs = db
      .prepare(
        `SELECT id, content_hash AS h, audio_path AS a, duration_s AS d, length(peaks) AS p,
          (SELECT COUNT(*) FROM cries c WHERE c.recording_id = r.id) AS n FROM recordings r`,
      )
      .all() as { id: number; h: string; a: string; d: number; p: number | null; n: number }[]
    for (const r of recs) {
      const ref = reference.get(r.h)
      if (!ref) {
        problems.push(`recording ${r.id} is not one of the inputs`)
        continue
      }
      const file = path.join(dataDir, r.a)
      const size = fs.statSync(file, { throwIfNoEntry: false })?.size
      // 16-bit mono 16 kHz working copy: a 44-byte header and every sample of the recording.
      const expected = 44 + Math.round(r.d * 16000) * 2
      if (size === undefined) problems.push(`recording ${r.id} has no audio file`)
      else if (size !== expected)
        problems.push(`recording ${r.id}: audio has ${size} bytes, expected ${expected}`)
      if (r.n !== ref.cries)
        problems.push(`recording ${r.id}: ${r.n} cries, a clean import gives ${ref.cries}`)
      if ((r.p ?? 0) !== ref.peaksBytes) problems.push(`recording ${r.id}: peaks incomplete`)
      if (Math.abs(r.d - ref.durationS) > 1e-9) problems.push(`recording ${r.id}: duration differs`)
    }
    return problems
  } finally {
    db.close()
  }
}
