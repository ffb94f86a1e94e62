// Fused backbones (src/main/engine/embed/fused.ts): the arithmetic (unit vectors whose cosine is the parts'
// standardised cosines, weighted), and the registry's handling of <name>.fused.json cards (listing, loading the
// parts, the infants it has seen, and cards it must refuse), with the shipped ONNX model and the acoustic one.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosine, type Backbone } from '../../src/main/engine/embed/backbone'
import { FusedBackbone } from '../../src/main/engine/embed/fused'
import { getBackbone, listBackbones } from '../../src/main/engine/embed/registry'

const MODELS = path.resolve(__dirname, '../../models')
const LEARNED = 'ecapa-c256-aam'
const hasLearned = fs.existsSync(path.join(MODELS, `${LEARNED}.onnx`))
if (!hasLearned) console.warn(`embed-fused: registry tests skipped, ${LEARNED}.onnx is not in ${MODELS}`)

/** A backbone whose cry embeddings are given: cry i of a call gets vectors[i]. */
function given(name: string, vectors: number[][]): Backbone {
  return {
    name,
    kind: 'acoustic',
    scope: 'cry',
    dim: vectors[0]!.length,
    trainedOn: { train: [`${name}-infant`], validation: [] },
    provider: { requested: 'cpu', active: 'cpu', attempts: [] },
    embedCries: async (cries) => cries.map((_, i) => Float32Array.from(vectors[i]!)),
    dispose: async () => {},
  }
}

const unit = (v: number[]) => {
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}
const cos = (a: number[], b: number[]) =>
  a.reduce((s, x, i) => s + x * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b)

describe('fused backbone arithmetic', () => {
  const a = [unit([1, 2, 0]), unit([0, 1, 1])]
  const b = [unit([3, -1]), unit([1, 1])]
  const cries = [new Float32Array(800), new Float32Array(800)]

  it('is unit length, and its cosine is the parts’ cosines weighted by w / Σw', async () => {
    const f = new FusedBackbone('f', [
      { backbone: given('a', a), weight: 3 },
      { backbone: given('b', b), weight: 1 },
    ])
    const [x, y] = await f.embedCries(cries)
    expect(f.dim).toBe(5)
    expect(Math.hypot(...x!)).toBeCloseTo(1, 6)
    expect(cosine(x!, y!)).toBeCloseTo(0.75 * cos(a[0]!, a[1]!) + 0.25 * cos(b[0]!, b[1]!), 6)
    expect(f.trainedOn.train).toEqual(['a-infant', 'b-infant'])
  })

  it('standardises each block before weighting it', async () => {
    const mean = [0.1, 0.2, 0.3]
    const sd = [0.5, 2, 1]
    const f = new FusedBackbone(
      'f',
      [
        { backbone: given('a', a), weight: 1, mean, sd },
        { backbone: given('b', b), weight: 1 },
      ],
      ['fitted-infant'],
    )
    const [x, y] = await f.embedCries(cries)
    const z = (v: number[]) => v.map((t, j) => (t - mean[j]!) / sd[j]!)
    expect(cosine(x!, y!)).toBeCloseTo(0.5 * cos(z(a[0]!), z(a[1]!)) + 0.5 * cos(b[0]!, b[1]!), 6)
    expect(f.trainedOn.train).toContain('fitted-infant')
  })

  it('leaves out a part weighted 0: no block, not run', async () => {
    let calls = 0
    const counted = {
      ...given('a', a),
      embedCries: async (c: Float32Array[]) => (calls++, c.map(() => new Float32Array(3))),
    }
    const f = new FusedBackbone('f', [
      { backbone: counted, weight: 0 },
      { backbone: given('b', b), weight: 1 },
    ])
    const [x, y] = await f.embedCries(cries)
    expect(f.dim).toBe(2)
    expect(calls).toBe(0)
    expect(cosine(x!, y!)).toBeCloseTo(cos(b[0]!, b[1]!), 6)
    expect(f.trainedOn.train).toContain('a-infant')
  })

  it('refuses parts that embed whole recordings, wrong-sized standardisation, and no positive weight', () => {
    const rec = { ...given('r', a), scope: 'recording' as const }
    expect(
      () =>
        new FusedBackbone('f', [
          { backbone: rec, weight: 1 },
          { backbone: given('b', b), weight: 1 },
        ]),
    ).toThrow(/whole recordings/)
    expect(
      () =>
        new FusedBackbone('f', [
          { backbone: given('a', a), weight: 1, mean: [0], sd: [1] },
          { backbone: given('b', b), weight: 1 },
        ]),
    ).toThrow(/3-dimensional/)
    expect(
      () =>
        new FusedBackbone('f', [
          { backbone: given('a', a), weight: 0 },
          { backbone: given('b', b), weight: 0 },
        ]),
    ).toThrow(/positive weight/)
  })
})

describe.skipIf(!hasLearned)('fused cards in the models folder', () => {
  let dir = ''
  const card = (name: string, parts: unknown[], extra: object = {}) =>
    fs.writeFileSync(
      path.join(dir, `${name}.fused.json`),
      JSON.stringify({ format_version: 1, name, description: 'test', parts, ...extra }),
    )
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-fused-'))
    for (const f of [`${LEARNED}.onnx`, `${LEARNED}.card.json`])
      fs.copyFileSync(path.join(MODELS, f), path.join(dir, f))
    card(
      'good',
      [
        { backbone: LEARNED, weight: 0.4 },
        { backbone: 'acoustic', weight: 0.6, mean: new Array(166).fill(0), sd: new Array(166).fill(1) },
      ],
      { fitted_on: ['DAC-fitted'] },
    )
    card('missing-part', [
      { backbone: LEARNED, weight: 1 },
      { backbone: 'no-such-model', weight: 1 },
    ])
    card('whole-recording-part', [
      { backbone: LEARNED, weight: 1 },
      { backbone: 'logmel-stats', weight: 1 },
    ])
    card(
      'misnamed',
      [
        { backbone: LEARNED, weight: 1 },
        { backbone: 'acoustic', weight: 1 },
      ],
      { name: 'other' },
    )
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('lists a good card with its parts’ infants, and the others with their problem', async () => {
    const entries = await listBackbones(dir)
    const good = entries.find((e) => e.name === 'good')!
    const learned = entries.find((e) => e.name === LEARNED)!
    expect(good).toMatchObject({ kind: 'fused', scope: 'cry', dim: learned.dim + 166 })
    expect(good.problem).toBeUndefined()
    expect(good.trainedOn.train).toEqual([...new Set([...learned.trainedOn.train, 'DAC-fitted'])].sort())
    expect(good.trainedOn.validation).toEqual([...learned.trainedOn.validation].sort())
    expect(entries.find((e) => e.name === 'missing-part')!.problem).toMatch(/no-such-model/)
    expect(entries.find((e) => e.name === 'whole-recording-part')!.problem).toMatch(/whole recordings/)
    expect(entries.find((e) => e.name === 'misnamed')!.problem).toMatch(/name/)
    await expect(getBackbone('missing-part', { modelsDir: dir })).rejects.toThrow(/no-such-model/)
  })

  it('loads a good card: its cries are the parts’ cosines, weighted', async () => {
    const fused = await getBackbone('good', { modelsDir: dir })
    const learned = await getBackbone(LEARNED, { modelsDir: dir })
    const acoustic = await getBackbone('acoustic', { modelsDir: dir })
    try {
      // Two synthetic "cries": harmonic tones at different pitches with a little noise.
      let seed = 3
      const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296 - 0.5) * 0.02
      const tone = (f0: number) =>
        Float32Array.from(
          { length: 8000 },
          (_, i) =>
            [1, 2, 3].reduce((s, h) => s + Math.sin((2 * Math.PI * f0 * h * i) / 16000) / h, 0) * 0.3 +
            noise(),
        )
      const cries = [tone(420), tone(610)]
      const [fx, fy] = await fused.embedCries(cries)
      const [lx, ly] = await learned.embedCries(cries)
      const [ax, ay] = await acoustic.embedCries(cries)
      expect(fused.kind).toBe('fused')
      expect(Math.hypot(...fx!)).toBeCloseTo(1, 5)
      expect(cosine(fx!, fy!)).toBeCloseTo(0.4 * cosine(lx!, ly!) + 0.6 * cosine(ax!, ay!), 5)
    } finally {
      for (const b of [fused, learned, acoustic]) await b.dispose()
    }
  })
})
