// The ward simulator end to end: files the importer reads, ground truth that matches the audio, deviations
// only where and when declared, and byte-identical output for the same seed.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFileName } from '../../src/main/engine/audio/recording-time'
import { readWavInfo } from '../../src/main/engine/audio/wav'
import {
  GROUND_TRUTH_FILE,
  directorySink,
  memorySink,
  planWard,
  simulateRecording,
  simulateWard,
  wardGroundTruth,
  type RecordingWriter,
  type WardConfig,
  type WardGroundTruth,
} from '../../src/main/engine/sim'
import { simulateCommand } from '../../src/main/cli/commands/simulate'
import { rmsDb } from '../unit/sim-measure'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-sim-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

// 3 infants × 3 days × 6 minutes: small enough for a test, long enough for cries and ward events.
const SMALL: Partial<WardConfig> = {
  seed: 11,
  infants: 3,
  days: 3,
  hoursPerDay: 0.1,
  cryRate: 3,
  wardActivity: 4,
}

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out[path.relative(dir, p)] = createHash('sha256').update(fs.readFileSync(p)).digest('hex')
    }
  }
  walk(dir)
  return out
}

describe('simulateWard', () => {
  it('writes byte-identical files for the same seed, and different ones for another seed', async () => {
    const config = { ...SMALL, infants: 2, days: 2, hoursPerDay: 0.05, deviating: 1 }
    for (const [name, seed] of [
      ['a', 5],
      ['b', 5],
      ['c', 6],
    ] as const) {
      await simulateWard({ ...config, seed }, directorySink(path.join(tmp, `det-${name}`)))
    }
    const a = hashes(path.join(tmp, 'det-a'))
    expect(Object.keys(a)).toContain(GROUND_TRUTH_FILE)
    expect(Object.keys(a).filter((f) => f.endsWith('.wav'))).toHaveLength(4)
    expect(hashes(path.join(tmp, 'det-b'))).toEqual(a)
    const c = hashes(path.join(tmp, 'det-c'))
    expect(c[GROUND_TRUTH_FILE]).not.toBe(a[GROUND_TRUTH_FILE])
    const wavHashes = (h: Record<string, string>) =>
      Object.entries(h)
        .filter(([f]) => f.endsWith('.wav'))
        .map(([, x]) => x)
    const shared = wavHashes(c).filter((x) => wavHashes(a).includes(x))
    expect(shared).toEqual([])
  })

  describe('a small ward on disk', () => {
    const dir = path.join(tmp, 'ward')
    let truth: WardGroundTruth
    beforeAll(async () => {
      const config: Partial<WardConfig> = {
        ...SMALL,
        deviations: [{ infant: 1, startHour: 36, rampHours: 6 }],
      }
      truth = await simulateWard(config, directorySink(dir))
    })

    it('names files so the importer reads the infant folder and the start time', async () => {
      expect(truth.recordings).toHaveLength(9)
      for (const r of truth.recordings) {
        const file = path.join(dir, r.file)
        expect(path.basename(path.dirname(file))).toBe(r.infant)
        const when = parseFileName(path.basename(file)).recordedAt
        const [y, mo, d, h, mi, s] = r.start.split(/[-T:]/).map(Number) as number[]
        expect(when?.getTime()).toBe(new Date(y!, mo! - 1, d, h, mi, s).getTime())
        const info = await readWavInfo(file)
        expect(info.sampleRate).toBe(16000)
        expect(info.channels).toBe(1)
        expect(info.durationS).toBeCloseTo(r.durationS, 3)
      }
      expect(fs.readdirSync(dir).sort()).toEqual([GROUND_TRUTH_FILE, 'infant-01', 'infant-02', 'infant-03'])
      expect(JSON.parse(fs.readFileSync(path.join(dir, GROUND_TRUTH_FILE), 'utf8'))).toEqual(truth)
    })

    it('lists cries in order inside their file, where the audio is loud', () => {
      let cries = 0
      for (const r of truth.recordings) {
        const pcm = fs.readFileSync(path.join(dir, r.file))
        const ints = new Int16Array(pcm.buffer, pcm.byteOffset + 44, (pcm.length - 44) / 2)
        const samples = new Float32Array(ints.length)
        for (let i = 0; i < ints.length; i++) samples[i] = ints[i]! / 32768
        const sorted = [...samples.subarray(0, 16000 * 60)].map(Math.abs).sort((a, b) => a - b)
        const floorDb = 20 * Math.log10(sorted[Math.floor(sorted.length / 2)]! * 1.25)
        let last = 0
        for (const c of r.cries) {
          expect(c.startS).toBeGreaterThanOrEqual(last)
          expect(c.endS).toBeGreaterThan(c.startS)
          expect(c.endS).toBeLessThanOrEqual(r.durationS)
          last = c.endS
          expect(c.wardS).toBeCloseTo(r.startS + c.startS, 2)
          const level = rmsDb(samples, Math.round(c.startS * 16000), Math.round(c.endS * 16000))
          expect(level).toBeGreaterThan(floorDb + 10)
          cries++
        }
        for (const b of r.background) expect(b.endS).toBeLessThanOrEqual(r.durationS)
      }
      expect(cries).toBeGreaterThan(30)
      const kinds = new Set(truth.recordings.flatMap((r) => r.background.map((b) => b.kind)))
      expect(kinds).toContain('alarm')
      expect(kinds).toContain('speech')
      expect(kinds).toContain('door')
    })

    it('changes only the deviating infant, and only after its start', () => {
      expect(truth.infants.map((i) => i.deviationStart)).toEqual([null, '2025-01-07T12:00:00', null])
      for (const r of truth.recordings) {
        for (const c of r.cries) {
          if (r.infant !== 'infant-02' || c.wardS < 36 * 3600) expect(c.severity).toBe(0)
          else expect(c.severity).toBeCloseTo(Math.min(1, (c.wardS - 36 * 3600) / (6 * 3600)), 3)
        }
      }
      const late = truth.recordings.filter((r) => r.infant === 'infant-02' && r.startS > 48 * 3600)
      expect(late.flatMap((r) => r.cries).every((c) => c.severity === 1)).toBe(true)
    })
  })

  it('gives the same audio to a memory sink as to files, and writes 48 kHz when asked', async () => {
    const config = { ...SMALL, infants: 1, days: 1, hoursPerDay: 0.02, sampleRate: 48000 }
    const memory = memorySink()
    const truth = await simulateWard(config, memory)
    await simulateWard(config, directorySink(path.join(tmp, 'mem')))
    expect(memory.truth).toEqual(truth)
    const [rec] = memory.recordings
    expect(rec!.samples.length).toBe(Math.round(rec!.info.durationS * 48000))
    const info = await readWavInfo(path.join(tmp, 'mem', rec!.info.file))
    expect(info.sampleRate).toBe(48000)
    const pcm = fs.readFileSync(path.join(tmp, 'mem', rec!.info.file)).subarray(44)
    for (const i of [0, 1000, 48000 * 30, rec!.samples.length - 1]) {
      expect(pcm.readInt16LE(2 * i)).toBe(Math.round(Math.max(-1, Math.min(1, rec!.samples[i]!)) * 32767))
    }
  })

  it('simulates recordings one by one, in any order, to the same audio and ground truth', async () => {
    const config = { ...SMALL, infants: 2, days: 2, hoursPerDay: 0.02 }
    const whole = memorySink()
    const truth = await simulateWard(config, whole)
    const plan = planWard(config)
    const parts = memorySink()
    const truths = []
    for (const recording of [...plan.recordings].reverse()) {
      truths.push(await simulateRecording(plan, recording, parts.openRecording(recording) as RecordingWriter))
    }
    expect(wardGroundTruth(plan, truths)).toEqual(truth)
    for (const r of whole.recordings) {
      const same = parts.recordings.find((p) => p.info.file === r.info.file)!
      expect(Buffer.from(same.samples.buffer).equals(Buffer.from(r.samples.buffer))).toBe(true)
    }
  })

  it('gives the same audio whatever day the ward starts on (the demo ward ends at the last midnight)', async () => {
    const config = { ...SMALL, infants: 2, days: 2, hoursPerDay: 0.02, deviating: 1 }
    const usual = memorySink()
    await simulateWard(config, usual)
    const later = memorySink()
    await simulateWard({ ...config, start: '2026-11-26T00:00:00' }, later)
    expect(later.recordings.map((r) => r.info.file)).not.toEqual(usual.recordings.map((r) => r.info.file))
    expect(later.recordings.map((r) => r.info.startS)).toEqual(usual.recordings.map((r) => r.info.startS))
    for (const [i, r] of usual.recordings.entries()) {
      const same = later.recordings[i]!.samples
      expect(Buffer.from(same.buffer).equals(Buffer.from(r.samples.buffer))).toBe(true)
    }
  })

  it('plans deviations between 35 % and 60 % of the ward, on the hour, for the requested number of infants', () => {
    for (let seed = 0; seed < 20; seed++) {
      const plan = planWard({ seed, infants: 6, days: 7, deviating: 2 })
      const starts = plan.infants.flatMap((i) => (i.deviation ? [i.deviation.startS] : []))
      expect(starts).toHaveLength(2)
      for (const s of starts) {
        expect(s % 3600).toBe(0)
        expect(s).toBeGreaterThanOrEqual(0.35 * 7 * 86400 - 3600)
        expect(s).toBeLessThanOrEqual(0.6 * 7 * 86400 + 3600)
      }
      expect(plan.recordings).toHaveLength(42)
      expect(new Set(plan.recordings.map((r) => r.file)).size).toBe(42)
    }
    expect(() => planWard({ infants: 2, deviating: 3 })).toThrow(/deviating/)
    expect(() => planWard({ hoursPerDay: 25 })).toThrow(/hoursPerDay/)
  })
})

describe('iclas simulate', () => {
  it('writes the same ward with parallel jobs, and refuses a folder that is not empty', async () => {
    const out = path.join(tmp, 'cli')
    const log = console.log
    const lines: string[] = []
    console.log = (...a: unknown[]) => void lines.push(a.join(' '))
    const args = ['--infants', '2', '--days', '2', '--hours-per-day', '0.02', '--seed', '9']
    try {
      expect(await simulateCommand.run(['--out', out, ...args, '--jobs', '2'])).toBe(0)
    } finally {
      console.log = log
    }
    expect(lines[0]).toMatch(/4 recordings, .* cries, in .* realtime, 2 jobs/)
    await simulateWard(
      { seed: 9, infants: 2, days: 2, hoursPerDay: 0.02 },
      directorySink(path.join(tmp, 'cli-serial')),
    )
    expect(hashes(out)).toEqual(hashes(path.join(tmp, 'cli-serial')))
    await expect(simulateCommand.run(['--out', out])).rejects.toThrow(/not empty/)
    await expect(simulateCommand.run(['--out', out, '--force', '--days', 'x'])).rejects.toThrow(/number/)
    await expect(simulateCommand.run(['--out', out, '--force', '--infants', '0'])).rejects.toThrow(/infants/)
  })
})
