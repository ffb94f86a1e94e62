// The shipped cry / non-cry classifier (stage 3, part a), stored as JSON in models/gate/ with what it was trained
// on, so `iclas eval gate` can evaluate it as shipped on the sources it never saw. Two levels:
//  - per sound: logistic regression on the concatenated embeddings of one or more backbones → P(cry). This is
//    what the workstation's gate uses for every cry it stores.
//  - per clip (protocol B): a second logistic regression over a few clip statistics of the per-sound
//    probabilities and of the segmenter's findings (stacking). It is trained on out-of-fold per-sound
//    predictions, so it learns how far to trust them, not how they fit their own training clips.
import fs from 'node:fs/promises'
import { z } from 'zod'
import { predictLogistic, type LogisticModel } from './logistic'

const Logistic = z.object({
  kind: z.literal('logistic'),
  version: z.literal(1),
  mean: z.array(z.number()),
  scale: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.number(),
  l2: z.number(),
})

/** The clip statistics the clip model reads, in order. */
export const CLIP_FEATURES = [
  'max P(cry) over every sounding stretch',
  'max P(cry) over the cries the segmenter accepted',
  'mean P(cry) over the accepted cries',
  'number of accepted cries',
  'number of sounding stretches',
  'share of the clip inside accepted cries',
  'share of sounding stretches with P(cry) > 0.5',
] as const

export const CryClassifierFile = z.object({
  format_version: z.literal(2),
  kind: z.literal('cry-classifier'),
  /** Backbones whose embeddings are concatenated, in this order. */
  backbones: z.array(z.string()).min(1),
  dims: z.array(z.number().int().positive()).min(1),
  cry_model: Logistic,
  clip_model: z.object({ features: z.array(z.string()), model: Logistic }),
  training: z.object({
    /** Source ids (dataset:source) used for training: never evaluated on. */
    sources: z.array(z.string()),
    positives: z.number().int(),
    negatives: z.number().int(),
    l2: z.number(),
    l2_chosen_by: z.string(),
    created_at: z.string(),
    command: z.string(),
  }),
  metrics: z.record(z.string(), z.unknown()).optional(),
})
export type CryClassifierFile = z.infer<typeof CryClassifierFile>

export interface CryClassifier {
  backbones: string[]
  file: CryClassifierFile
  /** P(cry) for n sounds, given each backbone's n × dim embeddings (same order as `backbones`). */
  predict(byBackbone: Float32Array[], n: number): Float64Array
}

/** Concatenates per-backbone row-major blocks into one n × Σdim block. */
export function concatEmbeddings(
  byBackbone: Float32Array[],
  dims: readonly number[],
  n: number,
): Float32Array {
  const total = dims.reduce((a, b) => a + b, 0)
  const out = new Float32Array(n * total)
  for (let i = 0; i < n; i++) {
    let o = i * total
    byBackbone.forEach((block, b) => {
      out.set(block.subarray(i * dims[b]!, (i + 1) * dims[b]!), o)
      o += dims[b]!
    })
  }
  return out
}

export function cryClassifierFrom(file: CryClassifierFile): CryClassifier {
  const total = file.dims.reduce((a, b) => a + b, 0)
  if (file.cry_model.weights.length !== total)
    throw new Error(`cry classifier: ${file.cry_model.weights.length} weights for ${total} features`)
  if (file.backbones.length !== file.dims.length) throw new Error('cry classifier: one dim per backbone')
  return {
    backbones: file.backbones,
    file,
    predict: (byBackbone, n) =>
      predictLogistic(file.cry_model as LogisticModel, concatEmbeddings(byBackbone, file.dims, n), n),
  }
}

export async function loadCryClassifier(file: string): Promise<CryClassifier> {
  const parsed = CryClassifierFile.safeParse(JSON.parse(await fs.readFile(file, 'utf8')))
  if (!parsed.success)
    throw new Error(`${file} is not a valid cry classifier: ${parsed.error.issues[0]?.message}`)
  return cryClassifierFrom(parsed.data)
}

export interface ClipSound {
  startS: number
  endS: number
  /** The segmenter accepted it as a cry. */
  accepted: boolean
  pCry: number
}

export function clipFeatures(sounds: readonly ClipSound[], durationS: number): number[] {
  const acc = sounds.filter((s) => s.accepted)
  const max = (v: number[]) => (v.length ? Math.max(...v) : 0)
  return [
    max(sounds.map((s) => s.pCry)),
    max(acc.map((s) => s.pCry)),
    acc.length ? acc.reduce((a, s) => a + s.pCry, 0) / acc.length : 0,
    acc.length,
    sounds.length,
    durationS > 0 ? acc.reduce((a, s) => a + s.endS - s.startS, 0) / durationS : 0,
    sounds.length ? sounds.filter((s) => s.pCry > 0.5).length / sounds.length : 0,
  ]
}

/** A clip's cry confidence (protocol B): the clip model over the clip statistics. */
export function clipScore(
  classifier: CryClassifier,
  sounds: readonly ClipSound[],
  durationS: number,
): number {
  const f = Float64Array.from(clipFeatures(sounds, durationS))
  return predictLogistic(classifier.file.clip_model.model as LogisticModel, f, 1)[0]!
}
