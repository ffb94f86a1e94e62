// The shipped cry / non-cry classifier (stage 3, part a): logistic regression on a backbone's cry embeddings,
// stored as JSON in models/gate/ with what it was trained on, so `iclas eval gate` can evaluate it as shipped
// on the sources it never saw.
import fs from 'node:fs/promises'
import { z } from 'zod'
import { predictLogistic, type LogisticModel } from './logistic'

export const CryClassifierFile = z.object({
  format_version: z.literal(1),
  kind: z.literal('cry-classifier'),
  /** The backbone whose embeddings it reads. */
  backbone: z.string(),
  dim: z.number().int().positive(),
  /** How a clip's score is made from its cries' P(cry) (protocol B). */
  clip_aggregation: z.enum(['mean', 'max', 'top3-mean']),
  model: z.object({
    kind: z.literal('logistic'),
    version: z.literal(1),
    mean: z.array(z.number()),
    scale: z.array(z.number()),
    weights: z.array(z.number()),
    bias: z.number(),
    l2: z.number(),
  }),
  training: z.object({
    /** Source ids (dataset:source) used for training: never evaluated on. */
    sources: z.array(z.string()),
    positives: z.number().int(),
    negatives: z.number().int(),
    created_at: z.string(),
    command: z.string(),
  }),
  metrics: z.record(z.string(), z.unknown()).optional(),
})
export type CryClassifierFile = z.infer<typeof CryClassifierFile>

export interface CryClassifier {
  backbone: string
  file: CryClassifierFile
  /** P(cry) for each row of x (n × dim). */
  predict(x: Float32Array, n: number): Float64Array
}

export function cryClassifierFrom(file: CryClassifierFile): CryClassifier {
  const model = file.model as LogisticModel
  if (model.weights.length !== file.dim)
    throw new Error(`cry classifier: ${model.weights.length} weights for dim ${file.dim}`)
  return { backbone: file.backbone, file, predict: (x, n) => predictLogistic(model, x, n) }
}

export async function loadCryClassifier(file: string): Promise<CryClassifier> {
  const parsed = CryClassifierFile.safeParse(JSON.parse(await fs.readFile(file, 'utf8')))
  if (!parsed.success)
    throw new Error(`${file} is not a valid cry classifier: ${parsed.error.issues[0]?.message}`)
  return cryClassifierFrom(parsed.data)
}

/** A clip's cry confidence from its cries' P(cry); a clip with no cries found scores 0. */
export function clipScore(pCry: ArrayLike<number>, how: CryClassifierFile['clip_aggregation']): number {
  if (!pCry.length) return 0
  const v = Array.from(pCry).sort((a, b) => b - a)
  if (how === 'max') return v[0]!
  if (how === 'top3-mean') return v.slice(0, 3).reduce((a, b) => a + b, 0) / Math.min(3, v.length)
  return v.reduce((a, b) => a + b, 0) / v.length
}
