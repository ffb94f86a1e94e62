// The shipped default ONNX backbone through the whole TypeScript path (fbank + onnxruntime-node): parity with
// the PyTorch model on the fixture cries of training/make_embed_fixtures.py, batching that does not change a
// result, refusal of cards that do not match their model, and the worker task the app uses.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosine, type Backbone } from '../../src/main/engine/embed/backbone'
import { ModelCardError, readModelCard } from '../../src/main/engine/embed/card'
import { OnnxBackbone } from '../../src/main/engine/embed/onnx'
import { defaultBackboneName, getBackbone, listBackbones } from '../../src/main/engine/embed/registry'
import { WorkerPool } from '../../src/main/workers/pool'

const MODELS = process.env.ICLAS_MODELS_DIR ?? path.resolve(__dirname, '../../models')
const FIXTURES = path.resolve(__dirname, '../fixtures/embed')

/**
 * The ONNX backbone under test: the default when it is one, else the model the parity fixtures were made for
 * (the default may be hand-made or fused; the ward still runs this model for the cry classifier).
 */
async function onnxCard(): Promise<string | null> {
  const entries = await listBackbones(MODELS)
  const def = await defaultBackboneName(MODELS)
  const index = path.join(FIXTURES, 'index.json')
  const fixtureModel = fs.existsSync(index)
    ? (JSON.parse(fs.readFileSync(index, 'utf8')) as { model: string }).model
    : null
  const entry =
    entries.find((e) => e.name === def && e.kind === 'onnx') ??
    entries.find((e) => e.name === fixtureModel && e.kind === 'onnx')
  return entry?.cardPath ?? null
}
const cardPath = await onnxCard()
const onnxName = cardPath ? path.basename(cardPath, '.card.json') : 'default'
if (!cardPath)
  console.warn(`embed-onnx: skipped, no ONNX backbone in ${MODELS} (the default's or the fixtures')`)

interface FixtureCase {
  name: string
  wave: string
  samples: number
  embedding_normalized: number[]
}
interface FixtureIndex {
  model: string
  sha256: string
  cases: FixtureCase[]
}
const fixtureIndex: FixtureIndex | null = fs.existsSync(path.join(FIXTURES, 'index.json'))
  ? (JSON.parse(fs.readFileSync(path.join(FIXTURES, 'index.json'), 'utf8')) as FixtureIndex)
  : null
if (cardPath && !fixtureIndex)
  console.warn(
    `embed-onnx: PyTorch parity skipped, ${FIXTURES}/index.json is absent (training/make_embed_fixtures.py)`,
  )

function readWave(file: string): Float32Array {
  const b = fs.readFileSync(path.join(FIXTURES, file))
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

function cry(seconds: number, f0: number, seed: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * 16000))
  let s = seed
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648
    const t = i / 16000
    x[i] =
      0.5 * Math.sin(2 * Math.PI * f0 * t * (1 + 0.2 * t)) +
      0.2 * Math.sin(4 * Math.PI * f0 * t) +
      0.01 * (s / 2147483648 - 0.5)
  }
  return x
}

describe.skipIf(!cardPath)('the ONNX backbone (CPU)', () => {
  let backbone: OnnxBackbone
  beforeAll(async () => {
    backbone = (await getBackbone(onnxName, { modelsDir: MODELS, provider: 'cpu' })) as OnnxBackbone
  })
  afterAll(() => backbone?.dispose())

  it.skipIf(!fixtureIndex)(
    'matches the PyTorch embeddings of the fixture cries (cosine distance ≤ 1e-4)',
    async () => {
      const { card } = await readModelCard(cardPath!)
      expect(fixtureIndex!.model, 'fixtures were made for another default model').toBe(card.name)
      expect(fixtureIndex!.sha256, 'the model changed since its fixtures were made').toBe(card.sha256)
      const waves = fixtureIndex!.cases.map((c) => readWave(c.wave))
      const embs = await backbone.embedCries(waves)
      fixtureIndex!.cases.forEach((c, i) => {
        const d = 1 - cosine(embs[i]!, Float32Array.from(c.embedding_normalized))
        expect(d, c.name).toBeLessThanOrEqual(1e-4)
      })
    },
  )

  it('returns unit vectors of the card dimension, in input order', async () => {
    const cries = [cry(0.9, 400, 1), cry(0.05, 500, 2), cry(2.2, 450, 3)]
    const embs = await backbone.embedCries(cries)
    expect(embs.map((e) => e.length)).toEqual([backbone.dim, backbone.dim, backbone.dim])
    for (const e of embs) expect(Math.hypot(...e)).toBeCloseTo(1, 5)
    const alone = await backbone.embedCries([cries[2]!])
    expect(1 - cosine(alone[0]!, embs[2]!)).toBeLessThan(1e-6)
  })

  it('a batch of equal-length cries gives what each gives alone', async () => {
    const cries = [1, 2, 3, 4, 5].map((s) => cry(1.2, 380 + 20 * s, s))
    const batched = await backbone.embedCries(cries)
    for (const [i, c] of cries.entries()) {
      const [alone] = await backbone.embedCries([c])
      expect(1 - cosine(alone!, batched[i]!)).toBeLessThan(1e-6)
    }
  })

  it('padding would change the embedding (why only equal lengths are batched)', async () => {
    const c = cry(1.0, 420, 9)
    const f = backbone.features(c)
    const padded = { data: new Float32Array((f.frames + 20) * f.bins), frames: f.frames + 20, bins: f.bins }
    padded.data.set(f.data)
    const [a] = await backbone.embedFeatures([f])
    const [b] = await backbone.embedFeatures([padded])
    expect(1 - cosine(a!, b!)).toBeGreaterThan(1e-4)
  })

  it('falls back to CPU and says why when the requested provider cannot run here', async () => {
    const wanted = process.platform === 'win32' ? 'coreml' : 'dml' // never available on this platform
    const b = await getBackbone(onnxName, { modelsDir: MODELS, provider: wanted })
    try {
      expect(b.provider.active).toBe('cpu')
      expect(b.provider.attempts[0]).toMatchObject({ provider: wanted, ok: false })
      expect(b.provider.attempts[0]!.error).toMatch(/not in onnxruntime-node's build/)
    } finally {
      await b.dispose()
    }
  })

  it('runs in the embedding worker with the same result', async () => {
    const pool = new WorkerPool(1, 'embed')
    try {
      const cries = [cry(0.7, 430, 4), cry(1.1, 470, 5)]
      const res = await pool.run('embedCries', { modelsDir: MODELS, backbone: onnxName, cries })
      expect(res.provider.active).toBe('cpu')
      const here = await backbone.embedCries(cries)
      res.embeddings.forEach((e, i) => expect(1 - cosine(e, here[i]!)).toBeLessThan(1e-6))
    } finally {
      await pool.close()
    }
  })
})

describe.skipIf(!cardPath)('model cards that do not match their model are refused', () => {
  let dir: string
  let card: Record<string, unknown>
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-card-'))
    card = JSON.parse(fs.readFileSync(cardPath!, 'utf8')) as Record<string, unknown>
    fs.symlinkSync(path.resolve(path.dirname(cardPath!), card.file as string), path.join(dir, 'm.onnx'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  async function load(patch: Record<string, unknown>): Promise<Backbone> {
    const p = path.join(dir, 'm.card.json')
    fs.writeFileSync(p, JSON.stringify({ ...card, name: 'm', file: 'm.onnx', ...patch }))
    return OnnxBackbone.load(await readModelCard(p), { provider: 'cpu' })
  }

  it('wrong embedding size', async () => {
    const out = card.output as Record<string, unknown>
    await expect(load({ output: { ...out, dim: 256 } })).rejects.toThrow(/the card says 256/)
  })

  it('wrong input name', async () => {
    const input = card.input as Record<string, unknown>
    await expect(load({ input: { ...input, name: 'fbank' } })).rejects.toThrow(ModelCardError)
  })

  it('a model that is not the one the card was written for', async () => {
    await expect(load({ sha256: '0'.repeat(64) })).rejects.toThrow(/does not match the card's sha256/)
  })
})
