// Kaldi fbank parity: the TypeScript extractor against torchaudio.compliance.kaldi.fbank on the golden
// fixtures of training/make_fbank_fixtures.py (project-made signals, committed outputs).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { KaldiFbank, subtractMean, type FbankWindow } from '../../src/main/engine/embed/fbank'

const DIR = path.resolve(__dirname, '../fixtures/fbank')

interface FixtureCase {
  name: string
  wave: string
  fbank: string | null
  frames: number
  num_mel_bins: number
  params_override: { window_type?: FbankWindow }
}
const index = JSON.parse(fs.readFileSync(path.join(DIR, 'index.json'), 'utf8')) as {
  params: Record<string, number | boolean | string>
  cases: FixtureCase[]
}

function readF32(file: string): Float32Array {
  const b = fs.readFileSync(path.join(DIR, file))
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

describe('Kaldi fbank (torchaudio parity)', () => {
  it('uses the parameters the fixtures were made with', () => {
    const p = index.params
    const fb = new KaldiFbank()
    expect([p.num_mel_bins, p.frame_length, p.frame_shift, p.sample_frequency]).toEqual([80, 25, 10, 16000])
    expect([p.preemphasis_coefficient, p.low_freq, p.high_freq, p.dither]).toEqual([0.97, 20, 0, 0])
    expect([p.remove_dc_offset, p.snip_edges, p.use_energy, p.window_type]).toEqual([
      true,
      true,
      false,
      'hamming',
    ])
    expect([fb.windowSize, fb.windowShift, fb.fftSize]).toEqual([400, 160, 512])
  })

  let overall = 0
  afterAll(() =>
    console.log(`fbank vs torchaudio golden fixtures: max |Δ| ${overall.toExponential(2)} (goal ≤ 1e-3)`),
  )
  for (const c of index.cases) {
    it(`${c.name}: frames and max |Δ| ≤ 1e-3`, () => {
      const fb = new KaldiFbank({ window: c.params_override.window_type ?? 'hamming' })
      const got = fb.compute(readF32(c.wave))
      expect(got.frames).toBe(c.frames)
      expect(got.bins).toBe(c.num_mel_bins)
      if (!c.fbank) return
      const ref = readF32(c.fbank)
      expect(got.data.length).toBe(ref.length)
      let worst = 0
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - got.data[i]!))
      overall = Math.max(overall, worst)
      expect(worst).toBeLessThanOrEqual(1e-3)
    })
  }

  it('reuses a caller buffer and gives the same values', () => {
    const c = index.cases.find((x) => x.fbank)!
    const fb = new KaldiFbank()
    const wave = readF32(c.wave)
    const fresh = fb.compute(wave)
    const buf = new Float32Array(fresh.data.length + 1000).fill(Number.NaN)
    const again = fb.compute(wave, buf)
    expect(again.data.buffer).toBe(buf.buffer)
    expect(Array.from(again.data)).toEqual(Array.from(fresh.data))
  })

  it('mean subtraction leaves every bin with zero mean over time', () => {
    const c = index.cases.find((x) => x.name.startsWith('chirp_harmonic'))!
    const m = subtractMean(new KaldiFbank().compute(readF32(c.wave)))
    for (let b = 0; b < m.bins; b++) {
      let s = 0
      for (let t = 0; t < m.frames; t++) s += m.data[t * m.bins + b]!
      expect(Math.abs(s / m.frames)).toBeLessThan(1e-4)
    }
  })
})
