// `iclas eval anomaly` — protocol D of docs/evaluation.md: per infant (≥ 6 cry/unreviewed recordings), fit a
// calibrated personal model on the first half of its recordings, score its later recordings (normal) and as
// many recordings of other infants on the same platform (anomalous), and print the method's table (Infant,
// N_recs, AUC, AP, F1, Recall, FPR, mean ± sd). Several models and backbones side by side in one run: each
// recording's cries are embedded once per backbone (eval-anomaly-embeddings.ts) and reused by every model.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fitCalibratedModel, type AnomalyKind, type AnomalyParams } from '../../engine/anomaly'
import { ProviderSetting } from '../../engine/embed/providers'
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
} from '../../engine/eval/anomaly-protocol'
import { readDataset } from '../../engine/eval/datasets'
import { UsageError, type EvalProtocol } from '../command'
import { sharedDatasetsDir } from '../data-dir'
import { embedRecordings } from './eval-anomaly-embeddings'

const MODELS: readonly AnomalyKind[] = ['ae', 'ocsvm', 'gmm']

const USAGE = `usage: iclas eval anomaly --model ae|ocsvm|gmm|all [--backbone NAME[,NAME…]] [--data DIR]… [--json FILE]
         [--percentile P] [--threshold calibrated|type7] [--cry-score percentile|surprise]
         [--seed S] [--draws N]
         [--anomalies same-platform|any-platform] [--nu V] [--provider P] [--models DIR] [--cache]

  --model LIST      ae, ocsvm, gmm (comma-separated), or all
  --backbone LIST   comma-separated backbones (default: models/default.json's, and acoustic); 'default' names
                    the default. Model-free: acoustic (per cry), logmel-stats and mfcc-stats (the for-scale
                    baselines: one embedding per whole recording). A backbone whose card lists an evaluated
                    infant among its training or validation infants is refused.
  --data DIR        a Donate-a-Cry-like dataset folder; default ../shared/datasets/donateacry. Repeat to pool.
  --percentile P    threshold = the P-th percentile of the baseline's leave-one-recording-out (LORO) recording
                    scores (default 95)
  --threshold M     how that percentile is read off the baseline's few LORO recording scores:
                    calibrated (default): with the estimator of the models' own calibration (plotting positions
                      i/(m+1), exponential tail beyond the largest score, on the logit scale for percentiles),
                      so that it means "above P % of this infant's normal recordings" even with 3 of them;
                    type7: NumPy's percentile, which never exceeds the largest LORO score (with m recordings
                      that covers m/(m+1) of new normal recordings on average, whatever P)
  --cry-score U     unit of a cry's calibrated score, averaged into the recording score: percentile (default)
                    or surprise (−ln(1 − percentile): the same calibration, unbounded beyond the baseline)
  --seed S          seed of the anomalous draws and of the model fits (default 1)
  --draws N         also run seeds S+1 … S+N−1 and print mean ± sd across the N draws (default 1)
  --anomalies POOL  same-platform (default; the protocol) or any-platform (the variant the for-scale figures
                    of docs/evaluation.md match, where the phone's codec helps give the answer)
  --nu V            one-class SVM nu (default: the engine's)
  --provider P      execution provider for ONNX backbones: ${ProviderSetting.options.join(', ')} (default cpu)
  --models DIR      folder of model cards (default: the checkout's models/)
  --cache           keep cry embeddings under .cache/eval-anomaly/ (keyed by audio file, backbone and the
                    embedding code), so a second run skips decoding and inference
  --json FILE       also write the figures as JSON (first model × backbone at the top level, all under "results")`

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

export async function runAnomalyEval(opts: AnomalyEvalOptions): Promise<AnomalyReport> {
  const log = opts.log ?? (() => undefined)
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
  for (const name of names) {
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
      )
    } finally {
      await backbone.dispose()
    }
    const fromTraining = plans.reduce((a, p) => a + p.anomalous.filter((r) => seen.has(r.infant)).length, 0)
    for (const model of opts.models) {
      const t0 = performance.now()
      const rows: InfantRow[] = []
      for (const plan of plans) {
        rows.push(await evaluateInfant(plan, embeddings, backbone.dim, { ...how, model }))
        log(`  [${++done}/${total}] ${backbone.name} × ${model}: ${plan.infant}`)
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
    throw new UsageError(
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

function parseModels(arg: string | undefined): AnomalyKind[] {
  if (!arg) throw new UsageError('--model is required (ae, ocsvm, gmm or all)')
  const list = arg
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (list.includes('all')) return [...MODELS]
  for (const m of list)
    if (!MODELS.includes(m as AnomalyKind))
      throw new UsageError(`--model: unknown model "${m}" (ae, ocsvm, gmm or all)`)
  return [...new Set(list)] as AnomalyKind[]
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new UsageError(`${flag} must be ${allowed.join(' or ')}`)
  return value as T
}

export const anomalyProtocol: EvalProtocol = {
  name: 'anomaly',
  summary: 'Protocol D: per-infant anomaly table (AUC, AP, F1, recall, FPR) of the personal models',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        backbone: { type: 'string' },
        data: { type: 'string', multiple: true },
        json: { type: 'string' },
        percentile: { type: 'string', default: '95' },
        threshold: { type: 'string', default: 'calibrated' },
        'cry-score': { type: 'string', default: 'percentile' },
        seed: { type: 'string', default: '1' },
        draws: { type: 'string', default: '1' },
        anomalies: { type: 'string', default: 'same-platform' },
        nu: { type: 'string' },
        provider: { type: 'string', default: 'cpu' },
        models: { type: 'string' },
        cache: { type: 'boolean' },
      },
    })
    const models = parseModels(values.model)
    const percentile = Number(values.percentile)
    if (!(percentile > 0 && percentile < 100)) throw new UsageError('--percentile must be in (0, 100)')
    const seed = Number(values.seed)
    if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer')
    const nu = values.nu === undefined ? undefined : Number(values.nu)
    if (nu !== undefined && !(nu > 0 && nu <= 1)) throw new UsageError('--nu must be in (0, 1]')
    const provider = oneOf('--provider', values.provider, ProviderSetting.options)
    const dataDirs = values.data?.length ? values.data : [path.join(sharedDatasetsDir(), 'donateacry')]
    for (const d of dataDirs)
      if (!fs.existsSync(path.join(d, 'manifest.csv')))
        throw new UsageError(`${d} is not a dataset folder (no manifest.csv)`)
    const draws = Number(values.draws)
    if (!(Number.isInteger(draws) && draws >= 1)) throw new UsageError('--draws must be a positive integer')
    const memo = new Map<string, Float32Array[]>()
    const runWith = (seed: number) =>
      runAnomalyEval({
        dataDirs,
        models,
        backbones: (values.backbone ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        percentile,
        threshold: oneOf('--threshold', values.threshold, ['calibrated', 'type7'] as const),
        cryScore: oneOf('--cry-score', values['cry-score'], ['percentile', 'surprise'] as const),
        seed,
        pool: oneOf('--anomalies', values.anomalies, ['same-platform', 'any-platform'] as const),
        nu,
        provider,
        modelsDir: values.models ? path.resolve(values.models) : undefined,
        cacheDir: values.cache ? path.join(process.cwd(), '.cache', 'eval-anomaly') : undefined,
        embeddingMemo: memo,
        log: (m) => console.error(m),
      })
    const report = await runWith(seed)
    console.log(
      `Protocol D — per-infant anomaly table: ${report.plans.length} infants; anomalous recordings: ` +
        `${report.anomalies} of other infants (${report.pool}, seed ${report.seed})\n`,
    )
    for (const r of report.results) console.log(formatResult(r, report.anomalies) + '\n')
    if (report.results.length > 1)
      console.log(`Summary (mean ± sd over infants)\n${formatSummaryTable(report.results)}`)
    // One draw of anomalies moves a mean over 14 infants by a few hundredths: --draws shows how much.
    const overDraws = [report.results.map((r) => r.mean)]
    for (let k = 1; k < draws; k++) overDraws.push((await runWith(seed + k)).results.map((r) => r.mean))
    const drawSummary = report.results.map((r, i) => ({
      model: r.model,
      backbone: r.backbone,
      ...aggregateMetrics(overDraws.map((d) => d[i]!)),
    }))
    if (draws > 1)
      console.log(
        `\nOver ${draws} draws of the anomalies (seeds ${seed}–${seed + draws - 1}): mean ± sd across draws ` +
          `of the mean over infants\n${formatSummaryTable(drawSummary)}`,
      )
    if (values.json) {
      const [first] = report.results
      const doc = {
        protocol: 'D',
        ...first,
        seed: report.seed,
        anomalies: report.pool,
        data: dataDirs.map((d) => path.resolve(d)),
        plan: report.plans.map((p) => ({
          infant: p.infant,
          platform: p.platform,
          baseline: p.baseline.map((r) => r.id),
          normal: p.normal.map((r) => r.id),
          anomalous: p.anomalous.map((r) => r.id),
        })),
        results: report.results,
        ...(draws > 1 ? { draws: { seeds: draws, first_seed: seed, results: drawSummary } } : {}),
      }
      fs.writeFileSync(values.json, JSON.stringify(doc, null, 2) + '\n')
      console.log(`\nwrote ${values.json}`)
    }
  },
}
