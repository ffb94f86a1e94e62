// `iclas eval anomaly`: parses the flags of protocol D (src/main/evaluation/protocols/anomaly.ts), runs it and
// prints its tables (and its JSON with --json).
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { AnomalyKind } from '../../engine/anomaly'
import { ProviderSetting } from '../../engine/embed/providers'
import { ANOMALY_MODELS, anomaly, type AnomalyRunOptions } from '../../evaluation/protocols/anomaly'
import { UsageError, type EvalProtocol } from '../command'
import { sharedDatasetsDir } from '../data-dir'
import { runForCli } from '../eval-context'

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

function parseModels(arg: string | undefined): AnomalyKind[] {
  if (!arg) throw new UsageError('--model is required (ae, ocsvm, gmm or all)')
  const list = arg
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (list.includes('all')) return [...ANOMALY_MODELS]
  for (const m of list)
    if (!ANOMALY_MODELS.includes(m as AnomalyKind))
      throw new UsageError(`--model: unknown model "${m}" (ae, ocsvm, gmm or all)`)
  return [...new Set(list)] as AnomalyKind[]
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new UsageError(`${flag} must be ${allowed.join(' or ')}`)
  return value as T
}

export const anomalyProtocol: EvalProtocol = {
  name: 'anomaly',
  summary: anomaly.summary,
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
    const options: AnomalyRunOptions = {
      data: dataDirs,
      models,
      backbones: (values.backbone ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      percentile,
      threshold: oneOf('--threshold', values.threshold, ['calibrated', 'type7'] as const),
      cryScore: oneOf('--cry-score', values['cry-score'], ['percentile', 'surprise'] as const),
      seed,
      draws,
      pool: oneOf('--anomalies', values.anomalies, ['same-platform', 'any-platform'] as const),
      nu,
      provider,
      modelsDir: values.models ? path.resolve(values.models) : undefined,
      cacheDir: values.cache ? path.join(process.cwd(), '.cache', 'eval-anomaly') : undefined,
    }
    const doc = await runForCli(anomaly, options)
    console.log(anomaly.format(doc, options))
    if (values.json) {
      fs.writeFileSync(values.json, JSON.stringify(doc, null, 2) + '\n')
      console.log(`\nwrote ${values.json}`)
    }
  },
}
