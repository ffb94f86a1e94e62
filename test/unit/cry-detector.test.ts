import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CryDetector,
  DETECTOR_CONTEXT,
  DETECTOR_INPUTS,
  DETECTOR_LOOKAHEAD,
  DETECTOR_STRIDE,
  DetectorContext,
  FEATURES_PER_FRAME,
  frameFeatures,
} from '../../src/main/engine/audio/cry-detector'
import { BINS } from '../../src/main/engine/audio/spectrum'

const fixture = path.join(__dirname, '..', 'fixtures', 'cry-detector', 'parity.json')

describe('learned cry detector', () => {
  it('gives the probabilities PyTorch gave for the shipped weights (training/cry_detector.py fixtures)', () => {
    const { inputs, probabilities } = JSON.parse(fs.readFileSync(fixture, 'utf8')) as {
      inputs: number[][]
      probabilities: number[]
    }
    expect(inputs.length).toBeGreaterThan(10)
    const d = new CryDetector()
    inputs.forEach((x, i) => {
      expect(x).toHaveLength(DETECTOR_INPUTS)
      expect(d.probability(Float32Array.from(x))).toBeCloseTo(probabilities[i]!, 4)
    })
    // Not a constant: the fixtures span both answers.
    expect(Math.max(...probabilities)).toBeGreaterThan(0.5)
    expect(Math.min(...probabilities)).toBeLessThan(0.5)
  })

  it('reads a recording relative to its own floor: the same sound 30 dB quieter gives the same features', () => {
    const power = Float64Array.from(
      { length: BINS },
      (_, k) => 1e-6 * (1 + ((k * 7919) % 13)) * (k % 16 === 0 ? 50 : 1),
    )
    const floor = Float64Array.from({ length: BINS }, (_, k) => 1e-7 * (1 + (k % 5)))
    const a = new Float32Array(FEATURES_PER_FRAME)
    const b = new Float32Array(FEATURES_PER_FRAME)
    frameFeatures(power, floor, 20, 0.8, 450, a)
    const g = 1e-3
    frameFeatures(
      power.map((p) => p * g),
      floor.map((p) => p * g),
      20,
      0.8,
      450,
      b,
    )
    for (let i = 0; i < FEATURES_PER_FRAME; i++) expect(b[i]).toBeCloseTo(a[i]!, 5)
    expect(a.some((v) => v > 0.5)).toBe(true)
  })

  it('windows spectra in time order, every DETECTOR_STRIDE-th, with zeros before the start and after the end', () => {
    const ctx = new DetectorContext()
    const frame = (v: number) => new Float32Array(FEATURES_PER_FRAME).fill(v)
    const windows = new Map<number, number[]>()
    const take = () =>
      windows.set(
        ctx.centre,
        Array.from({ length: 2 * DETECTOR_CONTEXT + 1 }, (_, k) => ctx.input[k * FEATURES_PER_FRAME]!),
      )
    // Spectrum j carries the value j + 1 (0 is padding).
    const n = 30
    for (let j = 0; j < n; j++) if (ctx.push(frame(j + 1))) take()
    for (let k = 0; k < DETECTOR_LOOKAHEAD; k++) if (ctx.flushOne()) take()
    expect([...windows.keys()]).toEqual(Array.from({ length: n }, (_, j) => j))
    for (const [centre, values] of windows) {
      const expected = Array.from({ length: 2 * DETECTOR_CONTEXT + 1 }, (_, k) => {
        const j = centre + (k - DETECTOR_CONTEXT) * DETECTOR_STRIDE
        return j >= 0 && j < n ? j + 1 : 0
      })
      expect(values, `window of spectrum ${centre}`).toEqual(expected)
    }
    expect(DETECTOR_LOOKAHEAD).toBe(DETECTOR_CONTEXT * DETECTOR_STRIDE)
  })
})
