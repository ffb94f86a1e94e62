// One synthesized recording put straight into a workstation's store (its working copy, the recording row and its
// cries measured as the import measures them), for tests of stages 1–4 that do not need stage 0.
import fs from 'node:fs'
import path from 'node:path'
import type { Core } from '../../src/main/core/core'
import { measureCry } from '../../src/main/engine/audio/measures'
import { makeVoice, Rng, synthesizeCry } from '../../src/main/engine/sim'
import { insertCries } from '../../src/main/store/cries'
import { writeSamplesWav } from './wav'

const HOUR = 3600e3

/** Four bouts of three expirations of one voice at `severity`, recorded at t0 + index × 8 h; its recording id. */
export function addSynthRecording(
  core: Core,
  opts: { dataDir: string; infantId: number; voice: string; index: number; severity: number; t0: number },
): number {
  const voice = makeVoice(opts.voice)
  const rng = new Rng(`${opts.voice}-rec-${opts.index}`)
  const parts: Float32Array[] = []
  const cries: { startS: number; endS: number }[] = []
  let offset = 0
  for (let b = 0; b < 4; b++) {
    const gap = new Float32Array(16000)
    for (let i = 0; i < gap.length; i++) gap[i] = (rng.next() - 0.5) * 0.002
    parts.push(gap)
    offset += gap.length / 16000
    const cry = synthesizeCry(voice, { severity: opts.severity, expirations: 3 }, rng)
    for (const e of cry.expirations) cries.push({ startS: offset + e.startS, endS: offset + e.endS })
    parts.push(cry.samples)
    offset += cry.samples.length / 16000
  }
  const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0))
  let o = 0
  for (const p of parts) {
    all.set(p, o)
    o += p.length
  }
  const name = `${opts.voice}-rec-${opts.index}.wav`
  const rel = path.join('audio', 'test', name)
  fs.mkdirSync(path.join(opts.dataDir, 'audio', 'test'), { recursive: true })
  writeSamplesWav(path.join(opts.dataDir, rel), all, 16000)
  const at = new Date(opts.t0 + opts.index * 8 * HOUR).toISOString()
  const db = core.db
  const recId = Number(
    db
      .prepare(
        `INSERT INTO recordings (infant_id, file_name, content_hash, format, native_sample_rate, channels, duration_s,
          recorded_at, time_source, imported_at, audio_path) VALUES (?, ?, ?, 'wav/pcm_s16le', 16000, 1, ?, ?, 'simulator', ?, ?)`,
      )
      .run(opts.infantId, name, `hash-${name}`, all.length / 16000, at, at, rel).lastInsertRowid,
  )
  insertCries(
    db,
    recId,
    opts.infantId,
    at,
    cries.map((c) => ({
      ...c,
      clipped: false,
      measures: measureCry(all.subarray(Math.round(c.startS * 16000), Math.round(c.endS * 16000)), 16000),
    })),
  )
  return recId
}
