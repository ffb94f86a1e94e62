// The import job on the fixture corpus (scripts/make-audio-fixtures.mjs), through the real Core, worker pool,
// ffmpeg and SQLite: every malformed file is refused with its plain reason, every valid file in every format
// imports with its cries, nothing crashes or hangs, and the database stays consistent.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coreClient } from '../../src/main/core/client'
import { Core } from '../../src/main/core/core'
import type { Job } from '../../src/shared/contract'
import { scaled } from '../helpers/time-scale'

const FIXTURES = path.resolve(__dirname, '../fixtures/audio')
const expected = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, 'malformed/expected.json'), 'utf8'),
) as Record<string, { kind: string; words: string }>
const validFiles = fs.readdirSync(path.join(FIXTURES, 'valid')).sort()

let dir: string
let core: Core
let sid: string

async function importAll(files: string[]): Promise<Job> {
  const grants = core.grantFiles(
    sid,
    files.map((p) => ({ path: p })),
  )
  const { jobId } = await coreClient(core, sid).startImport({
    items: grants.map((g) => ({ grantId: g.id, newInfantLabel: 'Fixture infant' })),
  })
  await core.ctx.jobs.idle()
  return await coreClient(core, sid).getJob({ jobId })
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-import-fixtures-'))
  core = new Core({ dataDir: path.join(dir, 'data'), mode: 'test', workers: 1, log: () => undefined })
  core.recover()
  sid = core.openSession()
  core.signInDirect(sid, 'nurse')
})

afterAll(async () => {
  await core.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('importing the fixture corpus', () => {
  it(
    'refuses each malformed file with its plain reason, and imports each valid format',
    async () => {
      const malformed = Object.keys(expected).map((f) => path.join(FIXTURES, 'malformed', f))
      const valid = validFiles.map((f) => path.join(FIXTURES, 'valid', f))
      // Interleaved: a bad file must not stop or disturb the files after it.
      const files = malformed
        .flatMap((m, i) => (valid[i] ? [m, valid[i]!] : [m]))
        .concat(valid.slice(malformed.length))
      const job = await importAll(files)
      expect(job.state).toBe('done')
      expect(job.files).toHaveLength(files.length)
      for (const [i, f] of job.files.entries()) {
        const name = path.basename(files[i]!)
        const want = expected[name]
        if (want) {
          expect({ name, status: f.status }).toEqual({ name, status: 'refused' })
          expect(f.reason, name).toContain(want.words)
          expect(f.reason, name).not.toMatch(/Error:|at .*\.ts:|undefined|\[object/)
        } else {
          expect({ name, status: f.status, reason: f.reason }).toMatchObject({ name, status: 'imported' })
        }
      }
      const result = job.result as { imported: number; refused: number }
      expect(result).toMatchObject({ imported: validFiles.length, refused: Object.keys(expected).length })
    },
    scaled(300_000),
  )

  it('found the synthetic cry in each valid recording, with its measures and time', () => {
    const rows = core.db
      .prepare(
        `SELECT r.file_name, r.format, r.duration_s, r.time_source, r.recorded_at, COUNT(c.id) AS cries,
           MAX(c.f0_mean_hz) AS f0, MAX(c.duration_s) AS longest
         FROM recordings r LEFT JOIN cries c ON c.recording_id = r.id GROUP BY r.id ORDER BY r.file_name`,
      )
      .all() as {
      file_name: string
      format: string
      duration_s: number
      time_source: string
      recorded_at: string
      cries: number
      f0: number | null
      longest: number | null
    }[]
    expect(rows.map((r) => r.file_name)).toEqual(validFiles)
    for (const r of rows) {
      // Each fixture holds one cry (f0 350 → 500 → 330 Hz) in its middle.
      expect({ file: r.file_name, cries: r.cries }).toEqual({ file: r.file_name, cries: 1 })
      expect(r.f0!, r.file_name).toBeGreaterThan(330)
      expect(r.f0!, r.file_name).toBeLessThan(520)
    }
    const byName = Object.fromEntries(rows.map((r) => [r.file_name, r]))
    expect(byName['bext-dated-16k.wav']!.time_source).toBe('bext')
    expect(byName['info-dated-16k.wav']!.time_source).toBe('info')
    expect(byName['Ward3_2024-06-01_02-30-00.wav']!.time_source).toBe('filename')
    const dac = byName['0c8f14a9-6999-485b-97a2-913c1cbf099c-1431028888092-1.7-m-26-hu.3gp']!
    expect(dac).toMatchObject({
      time_source: 'filename',
      recorded_at: '2015-05-07T20:01:28.092Z',
      format: '3gp/amr_nb',
    })
    expect(byName['ima4-16k.caf']!.format).toBe('caf/adpcm_ima_qt')
    expect(byName['pcm16-16k.wav']!.duration_s).toBeCloseTo(0.6, 3)
    expect(byName['extensible-pcm24-22k-6ch.wav']!.duration_s).toBeCloseTo(0.4, 3)
  })

  it('leaves the database consistent: integrity, no recording without audio, no cry without recording', () => {
    expect(core.db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(core.db.pragma('foreign_key_check')).toEqual([])
    const recs = core.db.prepare('SELECT audio_path FROM recordings').all() as { audio_path: string }[]
    for (const r of recs) expect(fs.existsSync(path.join(dir, 'data', r.audio_path))).toBe(true)
    const orphans = core.db
      .prepare(
        'SELECT COUNT(*) AS n FROM cries c LEFT JOIN recordings r ON r.id = c.recording_id WHERE r.id IS NULL',
      )
      .get() as { n: number }
    expect(orphans.n).toBe(0)
    // No working copy of a refused file was left behind.
    // (A recording made above 16 kHz also has its high-rate copy.)
    const audio = fs.readdirSync(path.join(dir, 'data', 'audio'), { recursive: true }) as string[]
    const highRate = core.db
      .prepare('SELECT high_rate_path AS p FROM recordings WHERE high_rate_path IS NOT NULL')
      .all() as { p: string }[]
    for (const r of highRate) expect(fs.existsSync(path.join(dir, 'data', r.p))).toBe(true)
    expect(audio.filter((f) => f.endsWith('.wav'))).toHaveLength(recs.length + highRate.length)
  })

  it(
    'imports nothing twice: the same files again are duplicates',
    async () => {
      const job = await importAll(validFiles.slice(0, 3).map((f) => path.join(FIXTURES, 'valid', f)))
      expect(job.files.map((f) => f.status)).toEqual(['duplicate', 'duplicate', 'duplicate'])
    },
    scaled(120_000),
  )
})

describe('junk the decoders used to accept (issue 17, item 10)', () => {
  /** A float WAV (format 3) of these samples at this rate. */
  function floatWav(file: string, rate: number, samples: Float32Array): string {
    const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)
    const h = Buffer.alloc(44)
    h.write('RIFF', 0, 'latin1')
    h.writeUInt32LE(36 + data.length, 4)
    h.write('WAVEfmt ', 8, 'latin1')
    h.writeUInt32LE(16, 16)
    h.writeUInt16LE(3, 20)
    h.writeUInt16LE(1, 22)
    h.writeUInt32LE(rate, 24)
    h.writeUInt32LE(rate * 4, 28)
    h.writeUInt16LE(4, 32)
    h.writeUInt16LE(32, 34)
    h.write('data', 36, 'latin1')
    h.writeUInt32LE(data.length, 40)
    fs.writeFileSync(file, Buffer.concat([h, data]))
    return file
  }
  const tone = (rate: number, s: number) =>
    Float32Array.from({ length: rate * s }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate))

  it(
    'refuses AMR junk, non-finite float samples and cut-short Ogg; a sound file beside them imports',
    async () => {
      const junkDir = path.join(dir, 'junk')
      fs.mkdirSync(junkDir)
      // "#!AMR\n" and 6000 pseudo-random bytes: was imported as 3.6 s with 4 "cries".
      let x = 12345
      const random = Buffer.alloc(6000)
      for (let i = 0; i < random.length; i++) random[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24
      const amr = path.join(junkDir, 'junk.amr')
      fs.writeFileSync(amr, Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), random]))
      // All-NaN float WAV (was imported as 3 s of silence), at 16 kHz and through ffmpeg at 48 kHz.
      const nan16 = floatWav(path.join(junkDir, 'nan-16k.wav'), 16000, new Float32Array(48000).fill(NaN))
      const nan48 = floatWav(path.join(junkDir, 'nan-48k.wav'), 48000, new Float32Array(144000).fill(NaN))
      // A sound recording with a few ±Inf samples (were read as silence, not even counted as clipped).
      const withInf = tone(16000, 3)
      withInf[1000] = Infinity
      withInf[2000] = -Infinity
      const inf = floatWav(path.join(junkDir, 'inf-16k.wav'), 16000, withInf)
      // An Ogg Opus file cut short, inside a page and exactly at a page boundary (was imported as shorter).
      const opus = fs.readFileSync(path.join(FIXTURES, 'valid', 'opus-16k.opus'))
      const midPage = path.join(junkDir, 'cut-mid-page.opus')
      fs.writeFileSync(midPage, opus.subarray(0, Math.floor(opus.length * 0.6)))
      const atPage = path.join(junkDir, 'cut-at-page.opus')
      fs.writeFileSync(atPage, opus.subarray(0, opus.lastIndexOf('OggS')))
      const sound = floatWav(path.join(junkDir, 'sound-float.wav'), 16000, tone(16000, 2))
      const job = await importAll([amr, nan16, nan48, inf, midPage, atPage, sound])
      const byName = Object.fromEntries(job.files.map((f) => [f.name, f]))
      const refused = (name: string, words: RegExp) => {
        expect(byName[name], name).toMatchObject({ status: 'refused' })
        expect(byName[name]!.reason, name).toMatch(words)
      }
      refused('junk.amr', /AMR/)
      refused('nan-16k.wav', /not numbers/)
      refused('nan-48k.wav', /not numbers/)
      refused('inf-16k.wav', /not numbers/)
      refused('cut-mid-page.opus', /truncated/)
      refused('cut-at-page.opus', /truncated/)
      expect(byName['sound-float.wav']).toMatchObject({ status: 'imported' })
    },
    scaled(120_000),
  )
})
