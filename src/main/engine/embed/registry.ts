// The backbone registry: every ONNX model with a card in the models folder (bring your own: drop
// <name>.onnx + <name>.card.json there), plus the model-free acoustic backbones. The models folder is passed
// in (the app, the CLI and tests each know where theirs is); models/default.json names the default.
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { ACOUSTIC_BACKBONES, AcousticBackbone, type AcousticBackboneName } from './acoustic'
import type { Backbone, BackboneKind } from './backbone'
import { cardInfants, readModelCard } from './card'
import { OnnxBackbone, type OnnxBackboneOptions } from './onnx'

export interface BackboneEntry {
  name: string
  kind: BackboneKind
  description: string
  dim: number
  /** What evaluation feeds it: single cries, or whole recordings (the for-scale baselines). */
  scope: 'cry' | 'recording'
  cardPath?: string
  trainedOn: { train: string[]; validation: string[] }
  isDefault: boolean
  /** Set when the card is present but cannot be used; the entry is listed so the problem is visible. */
  problem?: string
}

export interface RegistryOptions extends OnnxBackboneOptions {
  modelsDir: string
}

/**
 * The checkout's models/ folder (ICLAS_MODELS_DIR overrides), for the CLI, tests and benchmarks run from the
 * sources. The packaged app passes its resources folder instead.
 */
export function checkoutModelsDir(): string {
  if (process.env.ICLAS_MODELS_DIR) return path.resolve(process.env.ICLAS_MODELS_DIR)
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../models')
}

/** The backbone used when no model is shipped or the default cannot be loaded. */
export const FALLBACK_BACKBONE: AcousticBackboneName = 'acoustic'

const DefaultFile = z.object({ backbone: z.string().min(1) }).loose()

export async function listBackbones(modelsDir: string): Promise<BackboneEntry[]> {
  const def = await defaultBackboneName(modelsDir)
  const files = await fs.readdir(modelsDir).catch(() => [] as string[])
  const out: BackboneEntry[] = []
  for (const f of files.filter((x) => x.endsWith('.card.json')).sort()) {
    const cardPath = path.join(modelsDir, f)
    const name = f.slice(0, -'.card.json'.length)
    try {
      // Listing must stay cheap: the sha256 is checked when the backbone is loaded.
      const { card } = await readModelCard(cardPath, { verifyHash: false })
      out.push({
        name: card.name,
        kind: 'onnx',
        description: card.description,
        dim: card.output.dim,
        scope: 'cry',
        cardPath,
        trainedOn: cardInfants(card),
        isDefault: card.name === def,
      })
    } catch (err) {
      out.push({
        name,
        kind: 'onnx',
        description: '',
        dim: 0,
        scope: 'cry',
        cardPath,
        trainedOn: { train: [], validation: [] },
        isDefault: name === def,
        problem: (err as Error).message,
      })
    }
  }
  for (const [name, info] of Object.entries(ACOUSTIC_BACKBONES)) {
    out.push({
      name,
      kind: 'acoustic',
      description: info.description,
      dim: info.dim,
      scope: name === 'acoustic' ? 'cry' : 'recording',
      trainedOn: { train: [], validation: [] },
      isDefault: name === def,
    })
  }
  return out
}

/** models/default.json's backbone, or the acoustic fallback when there is none. */
export async function defaultBackboneName(modelsDir: string): Promise<string> {
  const text = await fs.readFile(path.join(modelsDir, 'default.json'), 'utf8').catch(() => null)
  if (text === null) return FALLBACK_BACKBONE
  const parsed = DefaultFile.safeParse(JSON.parse(text))
  if (!parsed.success)
    throw new Error(`${path.join(modelsDir, 'default.json')}: expected {"backbone": "<name>"}`)
  return parsed.data.backbone
}

/** Loads a backbone by name ('default' for the default). ONNX backbones are checked against their card. */
export async function getBackbone(name: string, opts: RegistryOptions): Promise<Backbone> {
  const wanted = name === 'default' ? await defaultBackboneName(opts.modelsDir) : name
  if (wanted in ACOUSTIC_BACKBONES) return new AcousticBackbone(wanted as AcousticBackboneName)
  const entry = (await listBackbones(opts.modelsDir)).find((e) => e.name === wanted && e.kind === 'onnx')
  if (!entry) {
    const known = (await listBackbones(opts.modelsDir)).map((e) => e.name).join(', ')
    throw new Error(`unknown backbone "${wanted}" (known: ${known})`)
  }
  if (entry.problem) throw new Error(entry.problem)
  return OnnxBackbone.load(await readModelCard(entry.cardPath!), opts)
}
