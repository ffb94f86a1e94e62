// Protocol D of docs/evaluation.md: per infant (≥ 6 cry/unreviewed recordings), fit a calibrated personal model
// on the first half of its recordings, score its later recordings (normal) and as many recordings of other infants
// on the same platform (anomalous), and report the method's table (Infant, N_recs, AUC, AP, F1, Recall, FPR,
// mean ± sd). Several models and backbones side by side in one run: each recording's cries are embedded once per
// backbone (../anomaly-embeddings.ts) and reused by every model.
import path from 'node:path'
import { fitCalibratedModel, type AnomalyKind, type AnomalyParams } from '../../engine/anomaly'
import type { ProviderSetting } from '../../engine/embed/providers'
import {
  checkoutModelsDir,
  defaultBackboneName,
  getBackbone,
  listBackbones,
} from '../../engine/embed/registry'
import {
  aggregateMetrics,
  baselineThreshold,
  formatInfantTable,
  formatSummaryTable,
  infantMetrics,
  inUnit,
  planProtocolD,
  PROTOCOL_D_CURATIONS,
  recordingMeans,
  type AnomalyPool,
  type CryScoreUnit,
  type InfantMetrics,
  type InfantPlan,
  type InfantRow,
  type ThresholdMethod,
} from '../metrics/anomaly'
import { readDataset } from '../datasets'
import { embedRecordings } from '../anomaly-embeddings'
import { EvalOptionsError, phase, quietContext, type EvalContext, type Protocol } from '../context'

export const ANOMALY_MODELS: readonly AnomalyKind[] = ['ae', 'ocsvm', 'gmm']

export interface AnomalyEvalOptions {
  dataDirs: string[]
  models: AnomalyKind[]
  /** Empty: the default backbone and acoustic. */
  backbones: string[]
  percentile?: number
  threshold?: ThresholdMethod
  cryScore?: CryScoreUnit
  seed?: number
  /** Default 'same-platform' (the protocol). */
  pool?: AnomalyPool
  nu?: number
  provider?: ProviderSetting
  modelsDir?: string
  cacheDir?: string
  /** Cry embeddings kept across calls, e.g. by a test repeating the protocol with several draw seeds. */
  embeddingMemo?: Map<string, Float32Array[]>
  log?: (msg: string) => void
}

export interface AnomalyResult {
  model: AnomalyKind
  backbone: string
  scope: 'cry' | 'recording'
  percentile: number
  threshold: ThresholdMethod
  cry_score: CryScoreUnit
  mean: InfantMetrics
  sd: InfantMetrics
  infants: InfantRow[]
  /** Anomalous recordings drawn from infants the backbone was trained or validated on. */
  anomalies_from_training_infants: number
  fit_seconds: number
}

export interface AnomalyReport {
  results: AnomalyResult[]
  plans: InfantPlan[]
  anomalies: number
  seed: number
  pool: AnomalyPool
}

export async function runAnomalyEval(
  opts: AnomalyEvalOptions,
  ctx: EvalContext = quietContext(),
): Promise<AnomalyReport> {
  const log = opts.log ?? ctx.log
  const how = {
    percentile: opts.percentile ?? 95,
    threshold: opts.threshold ?? 'calibrated',
    cryScore: opts.cryScore ?? 'percentile',
    seed: opts.seed ?? 1,
    nu: opts.nu,
  } as const
  const pool = opts.pool ?? 'same-platform'
  const mdir = opts.modelsDir ?? checkoutModelsDir()
  const usable = opts.dataDirs
    .flatMap((d) => readDataset(d).clips)
    .filter(
      (c) =>
        c.infantId && c.platform && c.recordedAt && c.curation && PROTOCOL_D_CURATIONS.includes(c.curation),
    )
  if (!usable.length)
    throw new Error(
      `no cry/unreviewed recordings with infant_id, platform and recorded_at in ${opts.dataDirs.join(', ')}`,
    )
  const clipOf = new Map(usable.map((c) => [c.relPath, c]))
  const plans = planProtocolD(
    usable.map((c) => ({
      id: c.relPath,
      infant: c.infantId!,
      platform: c.platform!,
      recordedAt: c.recordedAt!,
    })),
    { seed: how.seed, pool },
  )
  if (!plans.length) throw new Error('no infant has 6 or more cry/unreviewed recordings')
  const evaluated = new Set(plans.map((p) => p.infant))
  const anomalies = plans.reduce((a, p) => a + p.anomalous.length, 0)
  log(
    `protocol D: ${plans.length} infants, ${plans.reduce((a, p) => a + p.recordings.length, 0)} of their ` +
      `recordings, ${anomalies} anomalous recordings of other infants (${pool}, seed ${how.seed})`,
  )
  const needed = [...new Set(plans.flatMap((p) => [...p.recordings, ...p.anomalous].map((r) => r.id)))]
    .sort()
    .map((id) => clipOf.get(id)!)

  const defaultName = await defaultBackboneName(mdir)
  const names = opts.backbones.length ? opts.backbones : [...new Set([defaultName, 'acoustic'])]
  // Refuse before any embedding: the cards say which infants each backbone saw.
  const entries = await listBackbones(mdir)
  for (const name of names) {
    const entry = entries.find((e) => e.name === (name === 'default' ? defaultName : name))
    if (entry)
      refuseSeenInfants(
        entry.name,
        new Set([...entry.trainedOn.train, ...entry.trainedOn.validation]),
        evaluated,
      )
  }
  const total = names.length * opts.models.length * plans.length
  let done = 0
  const results: AnomalyResult[] = []
  // Progress: each backbone an equal share, its embedding 80 % of it (decoding and inference), its fits the rest.
  for (const [bi, name] of names.entries()) {
    const share = (f: number) => (bi + f) / names.length
    const backbone = await getBackbone(name, { modelsDir: mdir, provider: opts.provider ?? 'cpu', log })
    const seen = new Set([...backbone.trainedOn.train, ...backbone.trainedOn.validation])
    let embeddings: Map<string, Float32Array[]>
    try {
      refuseSeenInfants(backbone.name, seen, evaluated)
      embeddings = await embedRecordings(
        backbone,
        needed,
        { cacheDir: opts.cacheDir, memo: opts.embeddingMemo },
        log,
        (k, n) => ctx.progress(share((0.8 * k) / n), `${backbone.name}: ${k} of ${n} recordings embedded`),
      )
    } finally {
      await backbone.dispose()
    }
    const fromTraining = plans.reduce((a, p) => a + p.anomalous.filter((r) => seen.has(r.infant)).length, 0)
    for (const [mi, model] of opts.models.entries()) {
      const t0 = performance.now()
      const rows: InfantRow[] = []
      for (const [pi, plan] of plans.entries()) {
        rows.push(await evaluateInfant(plan, embeddings, backbone.dim, { ...how, model }))
        log(`  [${++done}/${total}] ${backbone.name} × ${model}: ${plan.infant}`)
        const fits = (mi + (pi + 1) / plans.length) / opts.models.length
        ctx.progress(share(0.8 + 0.2 * fits), `${backbone.name} × ${model}: ${plan.infant}`)
      }
      results.push({
        model,
        backbone: backbone.name,
        scope: backbone.scope,
        percentile: how.percentile,
        threshold: how.threshold,
        cry_score: how.cryScore,
        ...aggregateMetrics(rows),
        infants: rows,
        anomalies_from_training_infants: fromTraining,
        fit_seconds: (performance.now() - t0) / 1000,
      })
    }
  }
  return { results, plans, anomalies, seed: how.seed, pool }
}

function refuseSeenInfants(
  backbone: string,
  seen: ReadonlySet<string>,
  evaluated: ReadonlySet<string>,
): void {
  const overlap = [...evaluated].filter((i) => seen.has(i))
  if (overlap.length)
    throw new EvalOptionsError(
      `refused: backbone ${backbone} was trained or validated on ${overlap.length} of the evaluated infants ` +
        `(${overlap.slice(0, 5).join(', ')}${overlap.length > 5 ? ', …' : ''}); protocol D must score infants ` +
        'the backbone never saw',
    )
}

/** How each infant is scored: one model kind with its settings, one threshold rule. */
interface InfantScoring {
  model: AnomalyKind
  percentile: number
  threshold: ThresholdMethod
  cryScore: CryScoreUnit
  seed: number
  nu?: number
}

/** The engine's defaults, with the autoencoder's input and output sized to the backbone. */
function modelParams(how: InfantScoring, d: number): AnomalyParams<AnomalyKind> {
  if (how.model === 'ae') return { layers: [d, 128, 64, 32, 64, 128, d] }
  if (how.model === 'ocsvm' && how.nu !== undefined) return { nu: how.nu }
  return {}
}

function stack(vectors: Float32Array[], d: number): Float32Array {
  const x = new Float32Array(vectors.length * d)
  vectors.forEach((v, i) => x.set(v, i * d))
  return x
}

async function evaluateInfant(
  plan: InfantPlan,
  embeddings: Map<string, Float32Array[]>,
  d: number,
  how: InfantScoring,
): Promise<InfantRow> {
  const baseline: Float32Array[] = []
  const groups: string[] = []
  for (const r of plan.baseline)
    for (const e of embeddings.get(r.id)!) {
      baseline.push(e)
      groups.push(r.id)
    }
  const fitted = await fitCalibratedModel(
    how.model,
    stack(baseline, d),
    baseline.length,
    d,
    modelParams(how, d),
    {
      seed: how.seed,
      groups,
    },
  )
  // The baseline's leave-one-recording-out raw scores, calibrated like any other cry, averaged per recording.
  const cal = fitted.calibration
  const loro = recordingMeans(inUnit(cal.percentile(cal.json.scores), how.cryScore), cal.json.recordings)
  const threshold = baselineThreshold([...loro.values()], how.percentile, how.threshold, how.cryScore)
  const recordingScore = (id: string): number => {
    const e = embeddings.get(id)!
    const s = inUnit(fitted.score(stack(e, d), e.length), how.cryScore)
    return s.reduce((a, v) => a + v, 0) / s.length
  }
  const normal = plan.normal.map((r) => recordingScore(r.id))
  const anomalous = plan.anomalous.map((r) => recordingScore(r.id))
  return {
    infant: plan.infant,
    n_recs: plan.recordings.length,
    baseline_recs: plan.baseline.length,
    normal_recs: plan.normal.length,
    anomalous_recs: plan.anomalous.length,
    baseline_cries: baseline.length,
    threshold,
    ...infantMetrics(normal, anomalous, threshold),
  }
}

export function formatResult(r: AnomalyResult, anomalies: number): string {
  const head =
    `${r.model} on ${r.backbone}${r.scope === 'recording' ? ' (whole recordings)' : ''}: threshold at the ` +
    `${r.percentile}th percentile (${r.threshold}) of the baseline's LORO recording scores; cry scores as ` +
    `${r.cry_score}`
  const note = r.anomalies_from_training_infants
    ? `\nnote: ${r.anomalies_from_training_infants} of ${anomalies} anomalous recordings are of infants ` +
      `${r.backbone} was trained or validated on (the evaluated infants are not)`
    : ''
  return `${head}${note}\n${formatInfantTable(r.infants, r.mean, r.sd)}`
}

export interface AnomalyRunOptions {
  /** Donate-a-Cry-like dataset folders. */
  data: string[]
  models: AnomalyKind[]
  /** Empty: the default backbone and acoustic. */
  backbones: string[]
  percentile: number
  threshold: ThresholdMethod
  cryScore: CryScoreUnit
  seed: number
  /** Also seeds seed+1 … seed+draws−1, summarised across draws (default 1). */
  draws?: number
  pool: AnomalyPool
  nu?: number
  provider: ProviderSetting
  modelsDir?: string
  cacheDir?: string
}

/** What `iclas eval anomaly --json` writes: the first model × backbone at the top level, all under "results". */
export type AnomalyJson = Partial<AnomalyResult> & {
  protocol: 'D'
  seed: number
  anomalies: AnomalyPool
  data: string[]
  plan: { infant: string; platform: string; baseline: string[]; normal: string[]; anomalous: string[] }[]
  results: AnomalyResult[]
  draws?: {
    seeds: number
    first_seed: number
    results: ({ model: AnomalyKind; backbone: string } & ReturnType<typeof aggregateMetrics>)[]
  }
}

export const anomaly: Protocol<AnomalyRunOptions, AnomalyJson> = {
  name: 'anomaly',
  letter: 'D',
  summary: 'Protocol D: per-infant anomaly table (AUC, AP, F1, recall, FPR) of the personal models',
  async run(o, ctx) {
    const draws = o.draws ?? 1
    const memo = new Map<string, Float32Array[]>()
    const runWith = (seed: number, c: EvalContext) =>
      runAnomalyEval(
        {
          dataDirs: o.data,
          models: o.models,
          backbones: o.backbones,
          percentile: o.percentile,
          threshold: o.threshold,
          cryScore: o.cryScore,
          seed,
          pool: o.pool,
          nu: o.nu,
          provider: o.provider,
          modelsDir: o.modelsDir,
          cacheDir: o.cacheDir,
          embeddingMemo: memo,
        },
        c,
      )
    const report = await runWith(o.seed, phase(ctx, 0, 1 / draws))
    // One draw of anomalies moves a mean over 14 infants by a few hundredths: draws show how much.
    const overDraws = [report.results.map((r) => r.mean)]
    for (let k = 1; k < draws; k++)
      overDraws.push(
        (await runWith(o.seed + k, phase(ctx, k / draws, (k + 1) / draws))).results.map((r) => r.mean),
      )
    const drawSummary = report.results.map((r, i) => ({
      model: r.model,
      backbone: r.backbone,
      ...aggregateMetrics(overDraws.map((d) => d[i]!)),
    }))
    const [first] = report.results
    return {
      protocol: 'D',
      ...first,
      seed: report.seed,
      anomalies: report.pool,
      data: o.data.map((d) => path.resolve(d)),
      plan: report.plans.map((p) => ({
        infant: p.infant,
        platform: p.platform,
        baseline: p.baseline.map((r) => r.id),
        normal: p.normal.map((r) => r.id),
        anomalous: p.anomalous.map((r) => r.id),
      })),
      results: report.results,
      ...(draws > 1 ? { draws: { seeds: draws, first_seed: o.seed, results: drawSummary } } : {}),
    }
  },
  format(doc) {
    const anomalies = doc.plan.reduce((a, p) => a + p.anomalous.length, 0)
    const parts = [
      `Protocol D — per-infant anomaly table: ${doc.plan.length} infants; anomalous recordings: ` +
        `${anomalies} of other infants (${doc.anomalies}, seed ${doc.seed})\n`,
      ...doc.results.map((r) => formatResult(r, anomalies) + '\n'),
    ]
    if (doc.results.length > 1)
      parts.push(`Summary (mean ± sd over infants)\n${formatSummaryTable(doc.results)}`)
    if (doc.draws)
      parts.push(
        `\nOver ${doc.draws.seeds} draws of the anomalies (seeds ${doc.draws.first_seed}–${doc.draws.first_seed + doc.draws.seeds - 1}): mean ± sd across draws ` +
          `of the mean over infants\n${formatSummaryTable(doc.draws.results)}`,
      )
    return parts.join('\n')
  },
}
