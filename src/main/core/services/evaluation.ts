// Evaluations from the UI: a protocol of docs/evaluation.md on chosen datasets, as a job (kind 'eval') whose
// worker runs the protocol `iclas eval <protocol>` runs (src/main/evaluation, through src/main/workers/evaluate.ts).
// The service turns dataset ids into folders and checked options into the protocol's typed options, so nothing
// the renderer sends becomes a path or an option of its choosing. Evaluations run one at a time in a worker of their
// own: a long protocol never holds up imports or spectrogram tiles.
import path from 'node:path'
import {
  SIMULATED_WARD,
  type EvalOptions,
  type EvalProtocolName,
  type EvaluationRun,
} from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { DEFAULT_ANALYSIS } from '../../engine/settings'
import type { ProtocolRequest } from '../../evaluation'
import { listBackbones, checkoutModelsDir } from '../../engine/embed/registry'
import { appendAudit } from '../../store/audit'
import { recentJobsOfKind } from '../../store/jobs'
import { WorkerPool } from '../../workers/pool'
import type { Service, ServiceContext } from '../context'
import { redactPaths } from '../log-redact'
import { actor } from './actor'
import { knownDatasets, type KnownDataset } from './evaluation-datasets'

const LETTER: Record<EvalProtocolName, string> = {
  segmentation: 'A',
  gate: 'B',
  verification: 'C',
  anomaly: 'D',
  drift: 'E',
}

/** The datasets a protocol's command uses without --data, as ids. */
function defaults(datasets: KnownDataset[]): Record<EvalProtocolName, string[]> {
  const shared = (names: string[]) =>
    names.map((n) => `shared:${n}`).filter((id) => datasets.some((d) => d.id === id && !d.problem))
  const allShared = datasets.filter((d) => d.origin === 'shared' && !d.problem).map((d) => d.id)
  return {
    segmentation: allShared,
    gate: shared(['donateacry', 'esc-cries', 'negatives']),
    verification: shared(['donateacry']),
    anomaly: shared(['donateacry']),
    drift: [SIMULATED_WARD, ...shared(['donateacry'])],
  }
}

/**
 * The protocol's options for checked options and dataset folders: what `iclas eval <protocol>` would run with
 * the same choices (its defaults for what the screen does not set).
 */
export function evalRequest(options: EvalOptions, chosen: KnownDataset[]): ProtocolRequest {
  const data = chosen.filter((d) => d.dir !== null).map((d) => path.resolve(d.dir!))
  const refuse = (message: string): never => {
    throw new IclasError('invalid_request', message)
  }
  if (options.protocol !== 'drift' && chosen.some((d) => d.schema === 'simulated'))
    refuse('The simulated ward is a dataset of protocol E only')
  const donateACryOnly = () => {
    if (chosen.some((d) => d.dir !== null && d.schema !== 'donateacry'))
      refuse(
        `Protocol ${LETTER[options.protocol]} needs Donate-a-Cry-like datasets (infant_id, platform, curation)`,
      )
  }
  switch (options.protocol) {
    case 'segmentation':
      return {
        protocol: 'segmentation',
        options: { data, method: options.method, negatives: options.negatives, gainDb: 0 },
      }
    case 'gate':
      return { protocol: 'gate', options: { data, method: options.method } }
    case 'verification':
      donateACryOnly()
      return {
        protocol: 'verification',
        options: {
          data,
          backbones: options.backbones,
          segments: options.segments,
          splitSeed: options.splitSeed,
          scoreNorm: options.scoreNorm,
          cv: options.cv,
          provider: 'cpu',
        },
      }
    case 'anomaly':
      donateACryOnly()
      return {
        protocol: 'anomaly',
        options: {
          data,
          models: [...new Set(options.models)],
          backbones: options.backbones,
          percentile: options.percentile,
          threshold: 'calibrated',
          cryScore: 'percentile',
          seed: options.seed,
          pool: 'same-platform',
          provider: 'cpu',
        },
      }
    case 'drift': {
      const sim = chosen.some((d) => d.id === SIMULATED_WARD)
      if (data.length > 1) refuse('Protocol E takes one Donate-a-Cry-like dataset for its real-cry scenario')
      if (chosen.some((d) => d.dir !== null && d.schema !== 'donateacry'))
        refuse('Protocol E’s real-cry scenario needs a Donate-a-Cry-like dataset')
      return {
        protocol: 'drift',
        options: {
          scenarios: sim && data.length ? ['sim', 'real'] : sim ? ['sim'] : ['real'],
          data: data[0],
          backbone: options.backbone,
          model: options.model,
          features: DEFAULT_ANALYSIS.featureSet,
          seed: options.seed,
        },
      }
    }
  }
}

export function evaluationService(
  ctx: ServiceContext,
  opts: { modelsDir?: string } = {},
): Service<'evaluationChoices' | 'runEvaluation' | 'listEvaluations'> {
  const { db } = ctx
  let pool: WorkerPool | null = null
  const modelsDir = opts.modelsDir ?? checkoutModelsDir()
  const toRun = (row: ReturnType<typeof recentJobsOfKind>[number]): EvaluationRun | null => {
    const params = row.params as { protocol?: EvalProtocolName; datasetIds?: string[]; options?: EvalOptions }
    if (!params?.protocol) return null
    const live = ctx.jobs.get(row.id)
    const result = (live?.result ?? (row.report as { result?: unknown } | null)?.result ?? null) as {
      report?: unknown
      text?: string
    } | null
    return {
      jobId: row.id,
      protocol: params.protocol,
      datasetIds: params.datasetIds ?? [],
      options: { ...(params.options ?? {}) },
      state: live?.state ?? (row.state as EvaluationRun['state']),
      startedAt: row.createdAt,
      finishedAt: live?.finishedAt ?? row.finishedAt,
      progress: live?.progress ?? (row.state === 'done' ? 1 : 0),
      message: live?.message ?? null,
      error: live?.error ?? (row.error === null ? null : redactPaths(row.error)),
      by: row.createdBy,
      report: result?.report ?? null,
      text: result?.text ?? null,
    }
  }
  return {
    handlers: {
      evaluationChoices: async () => {
        const datasets = knownDatasets(db)
        const backbones = (await listBackbones(modelsDir)).map((b) => ({
          name: b.name,
          kind: b.kind,
          problem: b.problem ?? null,
        }))
        return {
          datasets: datasets.map(({ dir: _dir, ...d }) => d),
          backbones,
          defaults: defaults(datasets),
        }
      },

      runEvaluation: ({ datasetIds, options }, { user }) => {
        const known = new Map(knownDatasets(db).map((d) => [d.id, d]))
        const chosen = [...new Set(datasetIds)].map((id) => {
          const d = known.get(id)
          if (!d) throw new IclasError('not_found', `No dataset ${id}`)
          if (d.problem) throw new IclasError('refused', `Dataset ${d.name}: ${d.problem}`)
          return d
        })
        const request = evalRequest(options, chosen)
        const protocol = options.protocol
        const title = `Protocol ${LETTER[protocol]} (${protocol}) on ${chosen.map((d) => d.name).join(', ')}`
        const params = { protocol, datasetIds: chosen.map((d) => d.id), options }
        appendAudit(db, actor(user), 'evaluation.run', 'evaluation', null, null, params)
        pool ??= new WorkerPool(1, 'engine', { interactiveWorkers: 0 })
        const evalPool = pool
        const jobId = ctx.jobs.start('eval', title, params, user.username, async (h) => {
          h.progress(0, 'waiting for the evaluation worker')
          return evalPool.run('evaluate', request, {
            signal: h.signal,
            onProgress: (f, m) => h.progress(f, m ?? null),
          })
        })
        return { jobId }
      },

      listEvaluations: ({ limit }) =>
        recentJobsOfKind(db, 'eval', limit)
          .map(toRun)
          .filter((r): r is EvaluationRun => r !== null),
    },
    async close() {
      await pool?.close()
    },
  }
}
