// The evaluation protocols of docs/evaluation.md (A segmentation, B gate, C verification, D anomaly, E drift) run
// from the UI as jobs, by the same code `iclas eval <protocol>` runs, on datasets the workstation knows: the ones
// in ../shared/datasets beside the checkout, folders an administrator registered (`iclas datasets add`), and
// the simulated ward. Datasets are named by id, never by path.
import { z } from 'zod'
import { IsoTime, method, RESEARCH } from './define'
import { JobState } from './imports'

export const EvalProtocolName = z.enum(['segmentation', 'gate', 'verification', 'anomaly', 'drift'])
export type EvalProtocolName = z.infer<typeof EvalProtocolName>

/** `shared:<folder>`, `registered:<name>`, or `builtin:simulated-ward`. */
export const EvalDatasetId = z
  .string()
  .regex(/^(shared|registered|builtin):[a-z0-9][a-z0-9._-]{0,63}$/, 'not a dataset id')
export const SIMULATED_WARD = 'builtin:simulated-ward'

export const EvalDataset = z.object({
  id: EvalDatasetId,
  name: z.string(),
  origin: z.enum(['shared', 'registered', 'builtin']),
  /** donateacry: infants, platforms, curation; clips: labelled clips (negatives, esc-cries); simulated: the synthesizer. */
  schema: z.enum(['donateacry', 'clips', 'simulated']),
  clips: z.number().int().nonnegative(),
  /** Clips with hand-marked cries (TextGrids), for protocol A. */
  withSegments: z.number().int().nonnegative(),
  labels: z.array(z.string()),
  /** Why the folder cannot be used now (moved, unreadable manifest), or null. */
  problem: z.string().nullable(),
})
export type EvalDataset = z.infer<typeof EvalDataset>

/** A backbone or model name as the registry lists it (`models/<name>.card.json`, `acoustic`, …). */
const BackboneName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'not a backbone name')
const ModelKind = z.enum(['ae', 'ocsvm', 'gmm'])
const Seed = z.number().int().min(0).max(1_000_000)

export const EvalOptions = z.discriminatedUnion('protocol', [
  z
    .object({
      protocol: z.literal('segmentation'),
      method: z.enum(['cry', 'rules', 'energy']).default('cry'),
      /** Also report false detections on labelled clips without TextGrids (negatives, esc-cries). */
      negatives: z.boolean().default(true),
    })
    .strict(),
  z
    .object({ protocol: z.literal('gate'), method: z.enum(['classifier', 'autocorr']).default('classifier') })
    .strict(),
  z
    .object({
      protocol: z.literal('verification'),
      backbones: z.array(BackboneName).max(8).default([]),
      segments: z.enum(['project', 'textgrid']).default('project'),
      splitSeed: Seed.optional(),
      /** Trial scoring: cosine, or AS-norm against infants outside the evaluation. */
      scoreNorm: z.enum(['none', 'as-norm']).default('none'),
      /** Infant-grouped folds of the evaluated infants (their mean ± sd EER), or none. */
      cv: z.number().int().min(2).max(20).optional(),
    })
    .strict(),
  z
    .object({
      protocol: z.literal('anomaly'),
      models: z.array(ModelKind).min(1).max(3).default(['gmm']),
      backbones: z.array(BackboneName).max(8).default([]),
      percentile: z.number().gt(0).lt(100).default(95),
      seed: Seed.default(1),
    })
    .strict(),
  z
    .object({
      protocol: z.literal('drift'),
      model: ModelKind.default('gmm'),
      backbone: BackboneName.default('default'),
      seed: Seed.default(1),
    })
    .strict(),
])
export type EvalOptions = z.infer<typeof EvalOptions>

export const EvaluationRun = z.object({
  jobId: z.string(),
  protocol: EvalProtocolName,
  datasetIds: z.array(EvalDatasetId),
  options: z.record(z.string(), z.unknown()),
  state: JobState,
  startedAt: IsoTime,
  finishedAt: IsoTime.nullable(),
  progress: z.number().min(0).max(1),
  message: z.string().nullable(),
  error: z.string().nullable(),
  by: z.string(),
  /** The protocol's JSON, exactly as `iclas eval <protocol> --json` writes it (with `roc` points where it has them). */
  report: z.unknown().nullable(),
  /** The tables the command prints. */
  text: z.string().nullable(),
})
export type EvaluationRun = z.infer<typeof EvaluationRun>

export const evaluationMethods = {
  evaluationChoices: method({
    summary: 'Datasets and backbones the evaluation protocols can run on',
    access: RESEARCH,
    request: z.object({}).strict(),
    response: z.object({
      datasets: z.array(EvalDataset),
      backbones: z.array(z.object({ name: z.string(), kind: z.string(), problem: z.string().nullable() })),
      /** The datasets each protocol uses when none is chosen (as the command does without --data). */
      defaults: z.record(EvalProtocolName, z.array(EvalDatasetId)),
    }),
  }),
  runEvaluation: method({
    summary: 'Run an evaluation protocol on chosen datasets (a job)',
    access: RESEARCH,
    request: z.object({ datasetIds: z.array(EvalDatasetId).min(1).max(16), options: EvalOptions }).strict(),
    response: z.object({ jobId: z.string() }),
  }),
  listEvaluations: method({
    summary: 'Recent evaluation runs with their reports',
    access: RESEARCH,
    request: z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict(),
    response: z.array(EvaluationRun),
  }),
}
