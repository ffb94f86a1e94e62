// Why a recording yielded no cry (no-cry.ts), from the segmenter's summary of what it heard.
import { describe, expect, it } from 'vitest'
import { noCryReason } from '../../src/main/engine/audio/no-cry'
import { CrySegmenter } from '../../src/main/engine/audio/segment'
import { cryBout, noise } from './audio-signals'

function summarise(x: Float32Array) {
  const seg = new CrySegmenter()
  const found = [...seg.push(x), ...seg.finish()]
  return { found, summary: seg.summary() }
}

describe('noCryReason', () => {
  it('calls a recording of stationary noise too quiet: nothing stands out from its background', () => {
    const { found, summary } = summarise(noise(8 * 16000, 0.01, 3))
    expect(found).toHaveLength(0)
    const r = noCryReason({ durationS: 8, clippedFraction: 0, summary })
    expect(r.kind).toBe('too-quiet')
    expect(r.message).toMatch(/too quiet/)
  })

  it('calls digital silence too quiet, a short file too short, a clipped one clipped', () => {
    const { summary } = summarise(new Float32Array(5 * 16000))
    expect(noCryReason({ durationS: 5, clippedFraction: 0, summary }).message).toMatch(/too quiet.*silent/)
    expect(noCryReason({ durationS: 0.4, clippedFraction: 0, summary }).kind).toBe('too-short')
    expect(noCryReason({ durationS: 5, clippedFraction: 0.3, summary }).kind).toBe('clipped')
  })

  it('names the sounds heard when none was a cry', () => {
    // Steady 1 kHz beeps over faint noise: sounds, but monitor-like.
    const x = noise(10 * 16000, 0.003, 5)
    for (let i = 0; i < x.length; i++)
      if ((i / 16000) % 0.6 < 0.3) x[i]! += 0.3 * Math.sin((2 * Math.PI * 1000 * i) / 16000)
    const { found, summary } = summarise(x)
    expect(found).toHaveLength(0)
    expect(summary.candidates).toBeGreaterThan(0)
    const r = noCryReason({ durationS: 10, clippedFraction: 0, summary })
    expect(r.kind).toBe('no-cry-sound')
    expect(r.message).toMatch(/steady tone/)
  })

  it('counts what a recording with cries held', () => {
    const { found, summary } = summarise(cryBout(16000, 12).samples)
    expect(summary.accepted).toBe(found.length)
    expect(summary.candidates).toBeGreaterThanOrEqual(found.length)
    expect(summary.maxSnrDb).toBeGreaterThan(20)
  })
})
