// Start-up recovery of the audio folder. Working copies are content-addressed (audio/<xx>/<hash>.wav) and
// renamed into place just before the transaction that references them, so after a crash a file can exist
// without its recording. Deleting such a file is right after a crash but wrong after an older backup was
// restored (it is then the only copy of a recording imported after that backup), and the two cases look
// alike. So: partial files (.tmp-*) are deleted; complete unreferenced files are moved to audio-quarantine/
// (never deleted); a quarantined file the database references again (a newer backup restored) moves back,
// and one whose recording was imported again meanwhile is removed as an exact duplicate.
import fs from 'node:fs'
import path from 'node:path'
import { audioDir, audioPathOf, dataFile, isPartialAudio, quarantineDir } from '../store/layout'

export interface AudioRecoveryReport {
  /** Partial working copies of an interrupted import, deleted. */
  partialRemoved: number
  /** Complete files no recording references, moved to audio-quarantine/. */
  quarantined: number
  /** Quarantined files referenced again, moved back into audio/. */
  restored: number
  /** Quarantined files whose recording has its file in audio/ again, deleted. */
  duplicatesRemoved: number
  /** Recordings whose audio is in neither folder. */
  missing: number
}

/** `referenced`: audio paths relative to the data folder, as stored in recordings.audio_path. */
export function recoverAudio(dataDir: string, referenced: Set<string>): AudioRecoveryReport {
  const report: AudioRecoveryReport = {
    partialRemoved: 0,
    quarantined: 0,
    restored: 0,
    duplicatesRemoved: 0,
    missing: 0,
  }
  const wanted = new Set([...referenced].map(normalise))
  const root = audioDir(dataDir)
  const quarantine = quarantineDir(dataDir)

  for (const rel of listAudio(root)) {
    const abs = path.join(root, rel)
    if (isPartialAudio(rel)) {
      fs.rmSync(abs, { force: true })
      report.partialRemoved++
    } else if (!wanted.has(audioPathOf(rel))) {
      const to = path.join(quarantine, rel)
      fs.mkdirSync(path.dirname(to), { recursive: true })
      fs.renameSync(abs, to)
      report.quarantined++
    }
  }
  for (const rel of listAudio(quarantine)) {
    if (!wanted.has(audioPathOf(rel))) continue
    const from = path.join(quarantine, rel)
    const to = path.join(root, rel)
    if (fs.existsSync(to)) {
      fs.rmSync(from, { force: true })
      report.duplicatesRemoved++
    } else {
      fs.mkdirSync(path.dirname(to), { recursive: true })
      fs.renameSync(from, to)
      report.restored++
    }
  }
  for (const rel of wanted) if (!fs.existsSync(dataFile(dataDir, rel))) report.missing++
  return report
}

/** Files under dir as forward-slash paths relative to it (one level of hash-prefix folders, plus loose files). */
function listAudio(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  const out: string[] = []
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile()) out.push(e.name)
    else if (e.isDirectory())
      for (const f of fs.readdirSync(path.join(dir, e.name), { withFileTypes: true }))
        if (f.isFile()) out.push(`${e.name}/${f.name}`)
  }
  return out
}

const normalise = (rel: string) => rel.split(path.sep).join('/')
