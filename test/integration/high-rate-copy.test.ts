// The high-rate copy (issue 16 item 8): a recording made above 16 kHz keeps, beside its 16 kHz working copy, a
// mono copy at its own rate (at most 48 kHz), so the spectrogram's top frequency reaches the original recording's
// Nyquist. One made at 16 kHz, or imported before ICLAS kept such a copy, stops at 8 kHz. The copy is
// referenced by its recording, so start-up recovery keeps it and removing the recording's infant removes it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { SpectrogramTile } from '../../src/shared/contract'
import { importCommand } from '../../src/main/cli/commands/import'
import { recoverAudio } from '../../src/main/core/audio-recovery'
import { coreClient } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import { readWavInfo } from '../../src/main/engine/audio/wav'
import { openDb } from '../../src/main/store/db'
import { removeInfantsWithData } from '../../src/main/store/infant-removal'
import { dataFile, dbFile, highRateAudioRelPath, quarantineDir } from '../../src/main/store/layout'
import { allAudioPaths } from '../../src/main/store/recordings'
import { writeSamplesWav } from '../helpers/wav'
import { scaled } from '../helpers/time-scale'

let dir: string
let dataDir: string

/** Two tones, 1 kHz and 12 kHz (above the working copy's 8 kHz), `seconds` long at `rate`. */
function tones(rate: number, seconds: number): Float32Array {
  return Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) =>
      0.2 * Math.sin((2 * Math.PI * 1000 * i) / rate) + 0.2 * Math.sin((2 * Math.PI * 12000 * i) / rate),
  )
}

/** A stereo 16-bit WAV: the same samples in both channels. */
function writeStereoWav(file: string, x: Float32Array, rate: number): string {
  const mono = writeSamplesWav(`${file}.mono`, x, rate)
  const src = fs.readFileSync(mono)
  fs.rmSync(mono)
  const data = Buffer.alloc(x.length * 4)
  for (let i = 0; i < x.length; i++) {
    const v = src.readInt16LE(44 + i * 2)
    data.writeInt16LE(v, i * 4)
    data.writeInt16LE(v, i * 4 + 2)
  }
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'latin1')
  h.writeUInt32LE(36 + data.length, 4)
  h.write('WAVEfmt ', 8, 'latin1')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20)
  h.writeUInt16LE(2, 22)
  h.writeUInt32LE(rate, 24)
  h.writeUInt32LE(rate * 4, 28)
  h.writeUInt16LE(4, 32)
  h.writeUInt16LE(16, 34)
  h.write('data', 36, 'latin1')
  h.writeUInt32LE(data.length, 40)
  fs.writeFileSync(file, Buffer.concat([h, data]))
  return file
}

/** The row holding the most energy in a column, as a frequency (row 0 is the top). */
function loudestHz(tile: SpectrogramTile, column: number, below = Infinity): number {
  const px = Buffer.from(tile.pixels, 'base64')
  let best = -1
  let bestHz = 0
  for (let r = 0; r < tile.height; r++) {
    const hz = (tile.maxHz * (tile.height - r - 0.5)) / tile.height
    if (hz >= below) continue
    if (px[r * tile.width + column]! > best) {
      best = px[r * tile.width + column]!
      bestHz = hz
    }
  }
  return bestHz
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-high-rate-'))
  dataDir = path.join(dir, 'data')
  const files = [
    writeSamplesWav(path.join(dir, 'a48k.wav'), tones(48000, 4), 48000),
    writeStereoWav(path.join(dir, 'b96k.wav'), tones(96000, 3), 96000),
    writeSamplesWav(path.join(dir, 'c16k.wav'), tones(16000, 4), 16000),
  ]
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
  try {
    expect(await importCommand.run([...files, '--infant', 'High rate', '--data-dir', dataDir])).toBe(0)
  } finally {
    log.mockRestore()
  }
}, scaled(120_000))

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('the high-rate copy', () => {
  it(
    'is kept at the original rate (at most 48 kHz, mono) and lets the spectrogram reach its Nyquist',
    async () => {
      const core = new Core({ dataDir, mode: 'test', workers: 1, log: () => undefined })
      try {
        core.recover()
        const sid = core.openSession()
        core.signInDirect(sid, 'researcher')
        const api = coreClient(core, sid)
        const recs = await api.listRecordings({})
        const by = (name: string) => recs.find((r) => r.fileName === name)!
        expect(by('a48k.wav')).toMatchObject({ nativeSampleRate: 48000, highRateHz: 48000 })
        expect(by('b96k.wav')).toMatchObject({ nativeSampleRate: 96000, channels: 2, highRateHz: 48000 })
        expect(by('c16k.wav')).toMatchObject({ nativeSampleRate: 16000, highRateHz: null })

        // On disk beside the working copy, as the layout names it, as long as the working copy.
        for (const [name, seconds] of [
          ['a48k.wav', 4],
          ['b96k.wav', 3],
        ] as const) {
          const file = dataFile(dataDir, highRateAudioRelPath(by(name).contentHash))
          const info = await readWavInfo(file)
          expect(info).toMatchObject({ sampleRate: 48000, channels: 1 })
          expect(info.frames).toBe(seconds * 48000)
        }
        expect(fs.existsSync(dataFile(dataDir, highRateAudioRelPath(by('c16k.wav').contentHash)))).toBe(false)

        const tile = (id: number, maxHz?: number) =>
          api.getSpectrogramTile({ recordingId: id, startS: 1, endS: 2, width: 16, height: 96, maxHz })
        // By default (8 kHz) the working copy: the 1 kHz tone, and nothing of the 12 kHz one.
        for (const name of ['a48k.wav', 'b96k.wav']) {
          const low = await tile(by(name).id)
          expect(low.maxHz).toBe(8000)
          expect(Math.abs(loudestHz(low, 8) - 1000)).toBeLessThan(200)
          // Asked for 24 kHz: the high-rate copy, where the 12 kHz tone is.
          const high = await tile(by(name).id, 24000)
          expect(high.maxHz).toBe(24000)
          expect(Math.abs(loudestHz(high, 8, 4000) - 1000)).toBeLessThan(400)
          expect(Math.abs(loudestHz(high, 8, 23000) - 12000)).toBeLessThan(400) // as loud as the 1 kHz tone
          const px = Buffer.from(high.pixels, 'base64')
          const rowOf = (hz: number) => high.height - 1 - Math.floor((hz / high.maxHz) * high.height)
          expect(px[rowOf(12000) * high.width + 8]!).toBeGreaterThan(150)
          expect(px[rowOf(18000) * high.width + 8]!).toBeLessThan(80)
        }
        // A 16 kHz recording has nothing above 8 kHz.
        expect((await tile(by('c16k.wav').id, 24000)).maxHz).toBe(8000)
      } finally {
        await core.close()
      }
    },
    scaled(60_000),
  )

  it(
    'stops at 8 kHz for a recording imported before ICLAS kept the copy',
    async () => {
      const db = openDb(dbFile(dataDir))
      const hash = (
        db.prepare("SELECT content_hash AS h FROM recordings WHERE file_name = 'a48k.wav'").get() as {
          h: string
        }
      ).h
      db.prepare(
        "UPDATE recordings SET high_rate_path = NULL, high_rate_hz = NULL WHERE file_name = 'a48k.wav'",
      ).run()
      db.close()
      const core = new Core({ dataDir, mode: 'test', workers: 1, log: () => undefined })
      try {
        core.recover() // the copy no recording references now is set aside, never deleted
        expect(fs.existsSync(dataFile(dataDir, highRateAudioRelPath(hash)))).toBe(false)
        expect(fs.existsSync(path.join(quarantineDir(dataDir), hash.slice(0, 2), `${hash}.hi.wav`))).toBe(
          true,
        )
        const sid = core.openSession()
        core.signInDirect(sid, 'researcher')
        const api = coreClient(core, sid)
        const rec = (await api.listRecordings({})).find((r) => r.fileName === 'a48k.wav')!
        expect(rec).toMatchObject({ nativeSampleRate: 48000, highRateHz: null })
        const t = await api.getSpectrogramTile({
          recordingId: rec.id,
          startS: 1,
          endS: 2,
          width: 8,
          height: 32,
          maxHz: 24000,
        })
        expect(t.maxHz).toBe(8000)
      } finally {
        await core.close()
      }
    },
    scaled(60_000),
  )

  it('is kept by start-up recovery while referenced, and goes with its recording when the infant is removed', () => {
    const db = openDb(dbFile(dataDir))
    try {
      const rel = (
        db.prepare("SELECT high_rate_path AS p FROM recordings WHERE file_name = 'b96k.wav'").get() as {
          p: string
        }
      ).p
      expect(rel).toBe(highRateAudioRelPath(rel.split(/[\\/]/).pop()!.replace('.hi.wav', '')))
      const report = recoverAudio(dataDir, allAudioPaths(db))
      expect(report).toMatchObject({ quarantined: 0, missing: 0 })
      expect(fs.existsSync(dataFile(dataDir, rel))).toBe(true)
      const removed = db.transaction(() =>
        removeInfantsWithData(
          db,
          (db.prepare('SELECT id FROM infants').all() as { id: number }[]).map((r) => r.id),
        ),
      )()
      expect(removed.recordings).toBe(3)
      expect(removed.audioPaths).toContain(rel)
      expect(removed.audioPaths).toHaveLength(4) // three working copies and one high-rate copy
    } finally {
      db.close()
    }
  })
})
