// The backbone registry: every ONNX model with a card in the models folder (bring your own: drop
// <name>.onnx + <name>.card.json there), every fused backbone (<name>.fused.json: parts and block weights),
// plus the model-free acoustic backbones. The models folder is passed
// in (the app, the CLI and tests each know where theirs is); models/default.json names the default.
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { ACOUSTIC_BACKBONES, AcousticBackbone, type AcousticBackboneName } from './acoustic'
import type { Backbone, BackboneKind } from './backbone'
import { cardInfants, readModelCard } from './card'
import { FUSED_SUFFIX, FusedBackbone, readFusedCard, type FusedPart } from './fused'
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
  // A card that cannot be used is still listed, with its problem, so the problem is visible.
  const unusable = (name: string, kind: BackboneKind, cardPath: string, err: unknown): BackboneEntry => ({
    name,
    kind,
    description: '',
    dim: 0,
    scope: 'cry',
    cardPath,
    trainedOn: { train: [], validation: [] },
    isDefault: name === def,
    problem: (err as Error).message,
  })
  const onnx: BackboneEntry[] = []
  for (const f of files.filter((x) => x.endsWith('.card.json')).sort()) {
    const cardPath = path.join(modelsDir, f)
    const name = f.slice(0, -'.card.json'.length)
    try {
      // Listing must stay cheap: the sha256 is checked when the backbone is loaded.
      const { card } = await readModelCard(cardPath, { verifyHash: false })
      onnx.push({
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
      onnx.push(unusable(name, 'onnx', cardPath, err))
    }
  }
  const acoustic = Object.entries(ACOUSTIC_BACKBONES).map(([name, info]): BackboneEntry => ({
    name,
    kind: 'acoustic',
    description: info.description,
    dim: info.dim,
    scope: name === 'acoustic' ? 'cry' : 'recording',
    trainedOn: { train: [], validation: [] },
    isDefault: name === def,
  }))
  // Fused backbones are made of the others (never of another fused one).
  const plain = [...onnx, ...acoustic]
  const fused: BackboneEntry[] = []
  for (const f of files.filter((x) => x.endsWith(FUSED_SUFFIX)).sort()) {
    const cardPath = path.join(modelsDir, f)
    const name = f.slice(0, -FUSED_SUFFIX.length)
    try {
      const card = await readFusedCard(cardPath)
      if (card.name !== name)
        throw new Error(`${cardPath}: its name is "${card.name}", its file says "${name}"`)
      const parts = card.parts.map((p) => {
        const e = plain.find((x) => x.name === p.backbone)
        if (!e) throw new Error(`${cardPath}: part "${p.backbone}" is not a backbone here`)
        if (e.problem) throw new Error(`${cardPath}: part ${p.backbone}: ${e.problem}`)
        if (e.scope !== 'cry') throw new Error(`${cardPath}: part ${p.backbone} embeds whole recordings`)
        return e
      })
      const union = (k: 'train' | 'validation') =>
        [
          ...new Set([...parts.flatMap((e) => e.trainedOn[k]), ...(k === 'train' ? card.fitted_on : [])]),
        ].sort()
      fused.push({
        name,
        kind: 'fused',
        description: card.description,
        dim: parts.reduce((a, e, i) => a + (card.parts[i]!.weight > 0 ? e.dim : 0), 0),
        scope: 'cry',
        cardPath,
        trainedOn: { train: union('train'), validation: union('validation') },
        isDefault: name === def,
      })
    } catch (err) {
      fused.push(unusable(name, 'fused', cardPath, err))
    }
  }
  const out = [...onnx, ...fused, ...acoustic]
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
  const entries = await listBackbones(opts.modelsDir)
  const entry = entries.find((e) => e.name === wanted && e.kind !== 'acoustic')
  if (!entry) {
    const known = entries.map((e) => e.name).join(', ')
    throw new Error(`unknown backbone "${wanted}" (known: ${known})`)
  }
  if (entry.problem) throw new Error(entry.problem)
  if (entry.kind === 'fused') {
    const card = await readFusedCard(entry.cardPath!)
    const parts: FusedPart[] = []
    try {
      // Parts are plain backbones (the listing refused anything else); a fused part would not be found.
      for (const p of card.parts)
        parts.push({
          backbone: await getBackbone(p.backbone, opts),
          weight: p.weight,
          mean: p.mean,
          sd: p.sd,
        })
      return new FusedBackbone(card.name, parts, card.fitted_on)
    } catch (err) {
      for (const p of parts) await p.backbone.dispose()
      throw err
    }
  }
  return OnnxBackbone.load(await readModelCard(entry.cardPath!), opts)
}
