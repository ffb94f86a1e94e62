// The shipped default backbone on the WebGPU execution provider — the default GPU path (D3D12 / Vulkan / Metal
// through Dawn) — run on SwiftShader, the software Vulkan driver in Debian's chromium package, so the real GPU
// code path is checked on machines without a GPU. Slow (seconds per run), hence few, short cries.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosine } from '../../src/main/engine/embed/backbone'
import { OnnxBackbone } from '../../src/main/engine/embed/onnx'
import { softwareVulkanEnv, softwareVulkanMissing } from '../../src/main/engine/embed/providers'
import { defaultBackboneName, getBackbone, listBackbones } from '../../src/main/engine/embed/registry'
import { scaled } from '../helpers/time-scale'

const MODELS = process.env.ICLAS_MODELS_DIR ?? path.resolve(__dirname, '../../models')
// The default when it is an ONNX model, else the first ONNX model (the default may be hand-made or fused).
const entries = (await listBackbones(MODELS)).filter((e) => e.kind === 'onnx' && !e.problem)
const def = await defaultBackboneName(MODELS)
const name =
  (entries.find((e) => e.name === def) ?? entries.find((e) => e.name === 'ecapa-c256-aam') ?? entries[0])
    ?.name ?? def
const hasModel = entries.some((e) => e.name === name)
const missing = softwareVulkanMissing()
const hasIcd = missing === null
if (!hasIcd) console.warn(`embed-webgpu: skipped, ${missing}`)
else if (!hasModel) console.warn(`embed-webgpu: skipped, no ONNX backbone in ${MODELS}`)

function cry(seconds: number, f0: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * 16000))
  for (let i = 0; i < x.length; i++) {
    const t = i / 16000
    x[i] = 0.6 * Math.sin(2 * Math.PI * f0 * t * (1 + 0.25 * t)) + 0.2 * Math.sin(4 * Math.PI * f0 * t + 1)
  }
  return x
}

describe.skipIf(!hasIcd || !hasModel)('WebGPU provider on software Vulkan', () => {
  let runtimeDir: string
  let gpu: OnnxBackbone
  let cpu: OnnxBackbone
  beforeAll(async () => {
    // Must reach the C environment before onnxruntime initialises Dawn: set here, on this process's main thread.
    runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-xdg-'))
    Object.assign(process.env, softwareVulkanEnv(runtimeDir))
    // verifyGpu off: this test is the check, and a silent fallback to CPU must not pass it.
    gpu = (await getBackbone(name, {
      modelsDir: MODELS,
      provider: 'webgpu',
      verifyGpu: false,
    })) as OnnxBackbone
    cpu = (await getBackbone(name, { modelsDir: MODELS, provider: 'cpu' })) as OnnxBackbone
  }, scaled(300_000))
  afterAll(async () => {
    await gpu?.dispose()
    await cpu?.dispose()
    fs.rmSync(runtimeDir, { recursive: true, force: true })
  })

  it('runs on WebGPU and reports it', () => {
    expect(gpu.provider.active).toBe('webgpu')
    expect(gpu.provider.attempts.at(-1)).toMatchObject({ provider: 'webgpu', ok: true })
  })

  it(
    'gives the CPU provider’s embeddings to ≤ 1e-4 cosine distance',
    async () => {
      const cries = [cry(0.6, 420), cry(0.6, 510), cry(1.0, 380)]
      const g = await gpu.embedCries(cries)
      const c = await cpu.embedCries(cries)
      for (let i = 0; i < cries.length; i++) expect(1 - cosine(g[i]!, c[i]!)).toBeLessThanOrEqual(1e-4)
    },
    scaled(300_000),
  )

  it(
    'the parity probe accepts it when asked to verify',
    async () => {
      const checked = (await getBackbone(name, {
        modelsDir: MODELS,
        provider: 'webgpu',
      })) as OnnxBackbone
      try {
        expect(checked.provider.active).toBe('webgpu')
      } finally {
        await checked.dispose()
      }
    },
    scaled(300_000),
  )
})
