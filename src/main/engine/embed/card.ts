// Model cards (models/<name>.card.json, written by training/export.py or by whoever brings their own model):
// validated with zod, then checked against the ONNX graph's real inputs and outputs, so a card that lies about
// its model is refused with a message that says what does not match.
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { FbankOptions, FbankWindow } from './fbank'

const InputSpec = z
  .object({
    name: z.string().min(1),
    layout: z.literal('BTF', { message: 'only [batch, frames, mel bins] ("BTF") inputs are supported' }),
    num_mel_bins: z.number().int().min(1).max(512),
    frame_length_ms: z.number().positive(),
    frame_shift_ms: z.number().positive(),
    window: z.enum(['hamming', 'hanning', 'povey', 'rectangular', 'blackman']),
    sample_rate: z.literal(16000, { message: 'cries are embedded at 16 kHz' }),
    waveform_scale: z.number().positive(),
    dither: z.literal(0, { message: 'dither must be 0 (embeddings must be deterministic)' }),
    preemphasis: z.number().min(0).max(1),
    remove_dc_offset: z.boolean(),
    low_freq: z.number().min(0),
    high_freq: z.number(),
    snip_edges: z.literal(true, { message: 'only snip_edges = true framing is implemented' }),
    mean_subtraction: z.enum(['utterance', 'none']),
    use_energy: z.literal(false).optional(),
    use_log_fbank: z.literal(true).optional(),
    use_power: z.literal(true).optional(),
    min_frames: z.number().int().min(1).default(1),
  })
  .loose()

const TrainingSpec = z
  .object({
    train_infants: z.array(z.string()).default([]),
    validation_infants: z.array(z.string()).default([]),
  })
  .loose()

export const ModelCard = z
  .object({
    format_version: z.literal(1),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'a card name is letters, digits, ".", "_" or "-"'),
    kind: z.literal('onnx-embedding'),
    file: z.string().min(1),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    description: z.string().default(''),
    input: InputSpec,
    output: z
      .object({ name: z.string().min(1), dim: z.number().int().min(1), l2_normalized: z.boolean() })
      .loose(),
    loss: z.string().optional(),
    // A card without training infants (bring-your-own model) claims it saw none of the corpus.
    training: TrainingSpec.nullable().default(null),
  })
  .loose()
export type ModelCard = z.infer<typeof ModelCard>

export class ModelCardError extends Error {
  constructor(
    readonly cardPath: string,
    message: string,
  ) {
    super(`${path.basename(cardPath)}: ${message}`)
    this.name = 'ModelCardError'
  }
}

export interface LoadedCard {
  card: ModelCard
  cardPath: string
  modelPath: string
}

/** Reads and validates a card; checks the model file exists and matches the card's sha256. */
export async function readModelCard(
  cardPath: string,
  opts: { verifyHash?: boolean } = {},
): Promise<LoadedCard> {
  let raw: unknown
  try {
    raw = JSON.parse(await fs.readFile(cardPath, 'utf8'))
  } catch (err) {
    throw new ModelCardError(cardPath, `not readable JSON (${(err as Error).message})`)
  }
  const parsed = ModelCard.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(card)'}: ${i.message}`)
    throw new ModelCardError(cardPath, `invalid model card — ${issues.join('; ')}`)
  }
  const card = parsed.data
  const modelPath = path.resolve(path.dirname(cardPath), card.file)
  if (path.dirname(modelPath) !== path.dirname(path.resolve(cardPath)))
    throw new ModelCardError(cardPath, `"file" must name a model beside the card, not ${card.file}`)
  const bytes = await fs.readFile(modelPath).catch(() => null)
  if (!bytes) throw new ModelCardError(cardPath, `model file ${card.file} is missing`)
  if (card.sha256 && opts.verifyHash !== false) {
    const got = createHash('sha256').update(bytes).digest('hex')
    if (got !== card.sha256)
      throw new ModelCardError(
        cardPath,
        `${card.file} does not match the card's sha256 (card ${card.sha256.slice(0, 12)}…, file ${got.slice(0, 12)}…): the model was replaced without its card`,
      )
  }
  return { card, cardPath, modelPath }
}

/** Infants a backbone must never be evaluated on: those it was trained or validated on. */
export function cardInfants(card: ModelCard): { train: string[]; validation: string[] } {
  return { train: card.training?.train_infants ?? [], validation: card.training?.validation_infants ?? [] }
}

/** The fbank a card's input spec asks for. */
export function fbankOptionsOf(i: ModelCard['input']): FbankOptions {
  return {
    sampleRate: i.sample_rate,
    numMelBins: i.num_mel_bins,
    frameLengthMs: i.frame_length_ms,
    frameShiftMs: i.frame_shift_ms,
    window: i.window as FbankWindow,
    preemphasis: i.preemphasis,
    removeDcOffset: i.remove_dc_offset,
    lowFreq: i.low_freq,
    highFreq: i.high_freq,
    waveformScale: i.waveform_scale,
    blackmanCoeff: 0.42,
  }
}

/** What the ONNX session says about one input or output (subset of onnxruntime's ValueMetadata). */
export interface GraphValue {
  name: string
  isTensor: boolean
  type?: string
  shape?: readonly (number | string)[]
}

/** Compares the card with the graph; returns the reasons it does not match (empty when it does). */
export function cardMismatches(card: ModelCard, inputs: GraphValue[], outputs: GraphValue[]): string[] {
  const problems: string[] = []
  const names = (vs: GraphValue[]) => vs.map((v) => `"${v.name}"`).join(', ') || 'none'
  const input = inputs.find((v) => v.name === card.input.name)
  if (!input) problems.push(`input "${card.input.name}" is not in the model (its inputs: ${names(inputs)})`)
  else {
    if (inputs.length !== 1)
      problems.push(`the model takes ${inputs.length} inputs (${names(inputs)}); expected one`)
    checkTensor(input, 'input', 3, card.input.num_mel_bins, 'mel bins', problems)
  }
  const output = outputs.find((v) => v.name === card.output.name)
  if (!output)
    problems.push(`output "${card.output.name}" is not in the model (its outputs: ${names(outputs)})`)
  else checkTensor(output, 'output', 2, card.output.dim, 'embedding dimensions', problems)
  return problems
}

function checkTensor(
  v: GraphValue,
  role: string,
  rank: number,
  last: number,
  what: string,
  problems: string[],
): void {
  if (!v.isTensor) {
    problems.push(`${role} "${v.name}" is not a tensor`)
    return
  }
  if (v.type && v.type !== 'float32') problems.push(`${role} "${v.name}" is ${v.type}, expected float32`)
  if (!v.shape) return
  if (v.shape.length !== rank)
    problems.push(`${role} "${v.name}" has rank ${v.shape.length} [${v.shape.join(', ')}], expected ${rank}`)
  else {
    const d = v.shape[rank - 1]
    if (typeof d === 'number' && d !== last)
      problems.push(`${role} "${v.name}" has ${d} ${what}, the card says ${last}`)
    const batch = v.shape[0]
    if (typeof batch === 'number' && batch !== 1 && role === 'input')
      problems.push(`${role} "${v.name}" has a fixed batch of ${batch}; expected a dynamic batch axis`)
    if (role === 'input' && typeof v.shape[1] === 'number')
      problems.push(
        `${role} "${v.name}" has a fixed ${v.shape[1]} frames; cries of any length need a dynamic axis`,
      )
  }
}
