// Fused backbones: a learned embedding joined with the hand-made ones, described by a card in the models folder
// (<name>.fused.json: the parts, each part's standardisation, the block weights, and how they were chosen).
// Each part's cry embedding is standardised with the card's per-dimension mean and standard deviation (over the
// cries of the infants it was fitted on) and scaled to unit length; the fused vector is those blocks scaled by
// √(w_k / Σw) and concatenated, so it is unit length too and its cosine is Σ (w_k / Σw)·cos_k. Standardising
// matters: the raw acoustic embeddings of all cries point almost the same way (cosines near 1) while the learned
// ones spread widely, so without it the learned block's share of a recording's mean embedding depends on how
// alike its cries are. A fused backbone has seen every infant any of its parts was trained or validated on, and
// every infant its standardisation was fitted on.
import fs from 'node:fs/promises'
import { z } from 'zod'
import type { Backbone, ProviderReport } from './backbone'
import { throwIfAborted } from './backbone'

export const FUSED_SUFFIX = '.fused.json'

const Part = z
  .object({
    backbone: z.string().min(1),
    weight: z.number().min(0),
    /** Per-dimension mean and standard deviation of the part's cry embeddings (absent: used as they are). */
    mean: z.array(z.number()).optional(),
    sd: z.array(z.number().positive()).optional(),
  })
  .strict()
  .refine((p) => (p.mean === undefined) === (p.sd === undefined), 'mean and sd go together')
  .refine((p) => !p.mean || p.mean.length === p.sd!.length, 'mean and sd differ in length')

export const FusedCard = z
  .object({
    format_version: z.literal(1),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    description: z.string(),
    parts: z
      .array(Part)
      .min(2)
      .refine((ps) => ps.some((p) => p.weight > 0), 'at least one part needs a positive weight')
      .refine((ps) => new Set(ps.map((p) => p.backbone)).size === ps.length, 'a part is listed twice'),
    /** Infants whose cries the standardisation was fitted on. */
    fitted_on: z.array(z.string()).default([]),
    /** How the weights were chosen (the cross-validation's figures), for whoever reads the card. */
    selection: z.record(z.string(), z.unknown()).optional(),
  })
  .loose()
export type FusedCard = z.infer<typeof FusedCard>

export async function readFusedCard(file: string): Promise<FusedCard> {
  const text = await fs.readFile(file, 'utf8')
  const parsed = FusedCard.safeParse(JSON.parse(text))
  if (!parsed.success)
    throw new Error(`${file}: not a fused backbone card (${parsed.error.issues[0]?.message ?? 'invalid'})`)
  return parsed.data
}

export interface FusedPart {
  backbone: Backbone
  weight: number
  mean?: ArrayLike<number>
  sd?: ArrayLike<number>
}

export class FusedBackbone implements Backbone {
  readonly kind = 'fused' as const
  readonly dim: number
  readonly scope = 'cry' as const
  readonly trainedOn: { train: string[]; validation: string[] }
  readonly provider: ProviderReport
  private readonly scales: number[]

  constructor(
    readonly name: string,
    private readonly parts: FusedPart[],
    fittedOn: readonly string[] = [],
  ) {
    for (const { backbone: b, mean, sd } of parts) {
      if (b.scope !== 'cry')
        throw new Error(`${name}: part ${b.name} embeds whole recordings; a fused backbone embeds cries`)
      if (mean && (mean.length !== b.dim || sd?.length !== b.dim))
        throw new Error(`${name}: part ${b.name}'s standardisation is not ${b.dim}-dimensional`)
    }
    const total = parts.reduce((a, p) => a + p.weight, 0)
    if (!(total > 0)) throw new Error(`${name}: no part has a positive weight`)
    this.scales = parts.map((p) => Math.sqrt(p.weight / total))
    // A part weighted 0 is not run and has no block (the cross-validation may well choose 0 for one).
    this.dim = parts.reduce((a, p) => a + (p.weight > 0 ? p.backbone.dim : 0), 0)
    const union = (key: 'train' | 'validation', extra: readonly string[]) =>
      [...new Set([...parts.flatMap((p) => p.backbone.trainedOn[key]), ...extra])].sort()
    this.trainedOn = { train: union('train', fittedOn), validation: union('validation', []) }
    // The running part on an accelerator (if any) says where the fused backbone runs.
    const running = parts.filter((p) => p.weight > 0)
    this.provider = (running.find((p) => p.backbone.kind === 'onnx') ?? running[0]!).backbone.provider
  }

  async embedCries(cries16k: Float32Array[], opts: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const blocks: (Float32Array[] | null)[] = []
    for (const [k, p] of this.parts.entries()) {
      throwIfAborted(opts.signal)
      blocks.push(this.scales[k] ? await p.backbone.embedCries(cries16k, opts) : null)
    }
    return cries16k.map((_, i) => {
      const v = new Float32Array(this.dim)
      let off = 0
      for (const [k, block] of blocks.entries()) {
        if (!block) continue
        const { mean, sd } = this.parts[k]!
        const e = block[i]!
        let norm = 0
        for (let j = 0; j < e.length; j++) {
          const x = mean ? (e[j]! - mean[j]!) / sd![j]! : e[j]!
          v[off + j] = x
          norm += x * x
        }
        const scale = norm > 0 ? this.scales[k]! / Math.sqrt(norm) : 0
        for (let j = 0; j < e.length; j++) v[off + j] = v[off + j]! * scale
        off += e.length
      }
      return v
    })
  }

  async dispose(): Promise<void> {
    for (const p of this.parts) await p.backbone.dispose()
  }
}
