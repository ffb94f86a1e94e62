// Stage 0 decides relative to the recording's own noise floor and loudness: the same recording 20 or 30 dB
// quieter gives the same cries (protocol A's `--gain-db` measures it on real clips).
import { describe, expect, it } from 'vitest'
import { segmentCries } from '../../src/main/engine/audio/segment'
import { applyGainDb } from '../../src/main/evaluation/segmentation-run'
import { cryBout } from './audio-signals'

describe('segmentation and recording level', () => {
  it('finds the same cries in a recording 20 and 30 dB quieter', () => {
    const { samples, cries } = cryBout(16000, 20, { noiseAmplitude: 0.01 })
    const loud = segmentCries(samples)
    expect(loud.length).toBeGreaterThanOrEqual(cries.length - 1)
    for (const gainDb of [-20, -30]) {
      const quiet = segmentCries(applyGainDb(Float32Array.from(samples), gainDb))
      expect(quiet.length, `${gainDb} dB`).toBe(loud.length)
      for (const [i, c] of quiet.entries()) {
        expect(Math.abs(c.startS - loud[i]!.startS)).toBeLessThanOrEqual(0.02)
        expect(Math.abs(c.endS - loud[i]!.endS)).toBeLessThanOrEqual(0.02)
      }
    }
  })
})
