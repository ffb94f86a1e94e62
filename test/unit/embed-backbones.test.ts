// Model-free backbones, embedding pieces, batching plan, provider order and model-card checks: everything
// of the embedding stage that needs no model file.
import { describe, expect, it } from 'vitest'
import { AcousticBackbone } from '../../src/main/engine/embed/acoustic'
import { cardMismatches, ModelCard } from '../../src/main/engine/embed/card'
import { CryFeatures, repeatToMinFrames } from '../../src/main/engine/embed/features'
import { KaldiFbank } from '../../src/main/engine/embed/fbank'
import { planBatches } from '../../src/main/engine/embed/onnx'
import { embeddingPieces } from '../../src/main/engine/embed/pieces'
import {
  platformProviders,
  providerCandidates,
  softwareVulkanEnv,
  softwareVulkanMissing,
} from '../../src/main/engine/embed/providers'

const SR = 16000
function harmonicCry(seconds: number, f0: number, noise = 0, seed = 1): Float32Array {
  let s = seed
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1
  const x = new Float32Array(Math.round(seconds * SR))
  for (let i = 0; i < x.length; i++) {
    const t = i / SR
    let v = 0
    for (let h = 1; h <= 5; h++) v += 0.6 ** h * Math.sin(2 * Math.PI * h * f0 * t)
    x[i] = 0.5 * v + noise * rand()
  }
  return x
}

describe('acoustic backbones', () => {
  it.each(['acoustic', 'logmel-stats', 'mfcc-stats'] as const)(
    '%s: fixed dim, unit length, deterministic',
    async (name) => {
      const b = new AcousticBackbone(name)
      const cries = [harmonicCry(0.8, 420, 0.01), harmonicCry(1.3, 520, 0.05, 3)]
      const e = await b.embedCries(cries)
      expect(e).toHaveLength(2)
      for (const v of e) {
        expect(v.length).toBe(b.dim)
        expect(Math.hypot(...v)).toBeCloseTo(1, 5)
      }
      const again = await b.embedCries([cries[0]!])
      expect(Array.from(again[0]!)).toEqual(Array.from(e[0]!))
    },
  )

  it('acoustic: cries of different pitch are further apart than two takes of one pitch', async () => {
    const b = new AcousticBackbone('acoustic')
    const [a1, a2, c] = await b.embedCries([
      harmonicCry(1, 400, 0.01, 1),
      harmonicCry(1, 400, 0.01, 2),
      harmonicCry(1, 700, 0.01, 1),
    ])
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i]!, 0)
    expect(dot(a1!, a2!)).toBeGreaterThan(dot(a1!, c!))
  })

  it('refuses a cry shorter than one frame', async () => {
    await expect(new AcousticBackbone('acoustic').embedCries([new Float32Array(300)])).rejects.toThrow(
      RangeError,
    )
  })
})

describe('embedding pieces', () => {
  it('drops short expirations, cuts long ones into ≤ 3 s pieces, clamps to the recording', () => {
    const p = embeddingPieces(
      [
        { startS: 0, endS: 0.2 },
        { startS: 1, endS: 8 },
        { startS: 9, endS: 12 },
      ],
      10,
    )
    expect(p.map((s) => +(s.endS - s.startS).toFixed(6))).toEqual([2.333333, 2.333333, 2.333333, 1])
  })

  it('falls back to the longest segment, then to the start', () => {
    const [p] = embeddingPieces([{ startS: 1, endS: 1.2 }], 5)
    expect(p!.startS).toBeCloseTo(0.95, 9)
    expect(p!.endS).toBeCloseTo(1.25, 9)
    expect(embeddingPieces([], 10)).toEqual([{ startS: 0, endS: 3 }])
  })
})

describe('ONNX batching plan', () => {
  it('batches only equal frame counts, at most maxBatch each, every index once', () => {
    const frames = [100, 250, 100, 100, 250, 37, 100]
    const plan = planBatches(frames, 2)
    for (const b of plan) expect(new Set(b.map((i) => frames[i])).size).toBe(1)
    expect(plan.every((b) => b.length <= 2)).toBe(true)
    expect(plan.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('tiles too-short inputs up to the minimum frame count', () => {
    const m = { data: Float32Array.of(1, 2, 3, 4), frames: 2, bins: 2 }
    expect(Array.from(repeatToMinFrames(m, 5).data)).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1, 2])
  })
})

describe('execution providers', () => {
  it('always ends with CPU, and tries only what the platform has', () => {
    expect(providerCandidates('cpu', ['webgpu', 'cpu'])).toEqual(['cpu'])
    expect(providerCandidates('webgpu', ['webgpu', 'cpu'])).toEqual(['webgpu', 'cpu'])
    expect(providerCandidates('dml', ['webgpu', 'cpu'])).toEqual(['cpu'])
    expect(providerCandidates('auto', platformProviders('win32', 'x64'))).toEqual(['dml', 'webgpu', 'cpu'])
    expect(providerCandidates('auto', platformProviders('darwin', 'arm64'))).toEqual([
      'coreml',
      'webgpu',
      'cpu',
    ])
    expect(providerCandidates('auto', platformProviders('linux', 'x64'))).toEqual(['cuda', 'webgpu', 'cpu'])
    expect(providerCandidates('auto', platformProviders('linux', 'arm64'))).toEqual(['cpu'])
  })

  it('names what the software-Vulkan path lacks, and gives no environment then', () => {
    const icd = '/nonexistent/vk_swiftshader_icd.json'
    expect(softwareVulkanMissing(icd)).toMatch(
      /vk_swiftshader_icd\.json is missing \(apt-get install chromium\)/,
    )
    expect(softwareVulkanEnv('/tmp', icd)).toBeNull()
    // An ICD that exists (this file): then only the loader can be missing, and the message says which package.
    const here = new URL(import.meta.url).pathname
    const missing = softwareVulkanMissing(here)
    expect(
      missing === null || /libvulkan\.so\.1 is missing \(apt-get install libvulkan1\)/.test(missing),
    ).toBe(true)
    expect(softwareVulkanEnv('/tmp', here) === null).toBe(missing !== null)
  })
})

describe('model cards', () => {
  const card = {
    format_version: 1,
    name: 'test-model',
    kind: 'onnx-embedding',
    file: 'test-model.onnx',
    input: {
      name: 'feats',
      layout: 'BTF',
      num_mel_bins: 80,
      frame_length_ms: 25,
      frame_shift_ms: 10,
      window: 'hamming',
      sample_rate: 16000,
      waveform_scale: 32768,
      dither: 0,
      preemphasis: 0.97,
      remove_dc_offset: true,
      low_freq: 20,
      high_freq: 0,
      snip_edges: true,
      mean_subtraction: 'utterance',
      min_frames: 5,
    },
    output: { name: 'embs', dim: 192, l2_normalized: false },
    training: { train_infants: ['DAC-1'], validation_infants: [] },
  }
  const inputs = [{ name: 'feats', isTensor: true, type: 'float32', shape: ['B', 'T', 80] }]
  const outputs = [{ name: 'embs', isTensor: true, type: 'float32', shape: ['B', 192] }]

  it('accepts a card that matches its graph', () => {
    const c = ModelCard.parse(card)
    expect(cardMismatches(c, inputs, outputs)).toEqual([])
  })

  it('mean_subtraction: "utterance" centres every bin over time, "none" keeps the absolute log-mel', () => {
    const cry = harmonicCry(0.6, 450, 0.02)
    const raw = new KaldiFbank().compute(cry)
    const centred = new CryFeatures(ModelCard.parse(card).input).compute(cry)
    const absolute = new CryFeatures(
      ModelCard.parse({ ...card, input: { ...card.input, mean_subtraction: 'none' } }).input,
    ).compute(cry)
    expect(Array.from(absolute.data)).toEqual(Array.from(raw.data))
    for (const b of [0, 40, 79]) {
      let s = 0
      for (let t = 0; t < centred.frames; t++) s += centred.data[t * centred.bins + b]!
      expect(Math.abs(s / centred.frames)).toBeLessThan(1e-3)
    }
    expect(ModelCard.safeParse({ ...card, input: { ...card.input, mean_subtraction: 'cmvn' } }).success).toBe(
      false,
    )
  })

  it('refuses dither and names the field', () => {
    const r = ModelCard.safeParse({ ...card, input: { ...card.input, dither: 1 } })
    expect(r.success).toBe(false)
    expect(r.error!.issues[0]!.path).toEqual(['input', 'dither'])
  })

  it('says what does not match: names, mel bins, embedding size, fixed frames', () => {
    const c = ModelCard.parse(card)
    const wrong = cardMismatches(
      c,
      [{ name: 'x', isTensor: true, type: 'float32', shape: ['B', 200, 64] }],
      [{ name: 'embs', isTensor: true, type: 'float32', shape: ['B', 256] }],
    )
    expect(wrong.join('\n')).toMatch(/input "feats" is not in the model \(its inputs: "x"\)/)
    expect(wrong.join('\n')).toMatch(/256 embedding dimensions, the card says 192/)
    const mel = cardMismatches(
      c,
      [{ name: 'feats', isTensor: true, type: 'float32', shape: ['B', 200, 64] }],
      outputs,
    )
    expect(mel.join('\n')).toMatch(/64 mel bins, the card says 80/)
    expect(mel.join('\n')).toMatch(/fixed 200 frames/)
  })
})
