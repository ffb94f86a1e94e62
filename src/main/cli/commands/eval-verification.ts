// `iclas eval verification`: parses the flags of protocol C (src/main/evaluation/protocols/verification.ts),
// runs it and prints its table (and its JSON with --json).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ProviderSetting, softwareVulkanEnv, softwareVulkanMissing } from '../../engine/embed/providers'
import { verification, type VerificationRunOptions } from '../../evaluation/protocols/verification'
import { UsageError, type EvalProtocol } from '../command'
import { sharedDatasetsDir } from '../data-dir'
import { runForCli } from '../eval-context'

const USAGE = `usage: iclas eval verification [--data DIR]… [--json FILE] [--backbone NAME[,NAME…]]
                               [--infants ID,ID… | --split-seed N] [--segments S] [--provider P] [--models DIR]
                               [--score-norm none|as-norm] [--cv K]

  --data DIR        a Donate-a-Cry-like dataset folder (manifest.csv with infant_id, platform, curation);
                    default ../shared/datasets/donateacry. Repeat to pool datasets.
  --backbone LIST   comma-separated backbones (default: models/default.json's); 'default' names it too,
                    'all' every model card in --models plus the model-free ones.
                    Model-free: acoustic, logmel-stats, mfcc-stats (the for-scale baselines, whole recordings).
  --infants LIST    evaluate these infant_ids (refused if a chosen backbone was trained or validated on one)
  --split-seed N    evaluate a seeded random half of the infants no chosen backbone has seen
                    (default: all of them — on ../shared, the held-out infants with >= 6 recordings)
  --segments S      where cries come from: project (default: the app's cry segmenter, src/main/engine/audio/
                    segment.ts) or textgrid (hand-marked TextGrid cries where present, else an energy threshold:
                    what the backbones were trained on)
  --provider P      execution provider for ONNX backbones: ${ProviderSetting.options.join(', ')} (default cpu)
  --software-vulkan run WebGPU on SwiftShader (Debian chromium's software Vulkan), for GPU-less machines
  --models DIR      folder of model cards (default: the checkout's models/)
  --score-norm S    how trials are scored: none (default: cosine) or as-norm (adaptive symmetric score
                    normalisation against the closest same-platform recordings of infants outside the scored
                    ones: the backbones' training infants, the other half with --split-seed, the other folds)
  --cv K            also deal the evaluated infants into K folds (grouped by infant; seeded by --split-seed's
                    seed, else 1) and print the folds' mean ± sd EER: selection by cross-validation, e.g. over
                    the infants outside the 14 held-out ones with --infants
  --json FILE       also write the figures as JSON (first backbone at the top level, all under "backbones")`

/** Sets the software-Vulkan environment on this (main) thread, before onnxruntime initialises Dawn. */
export function useSoftwareVulkan(): boolean {
  const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-xdg-'))
  const env = softwareVulkanEnv(runtimeDir)
  if (!env) return false
  Object.assign(process.env, env)
  return true
}

export const verificationProtocol: EvalProtocol = {
  name: 'verification',
  summary: verification.summary,
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string', multiple: true },
        json: { type: 'string' },
        backbone: { type: 'string' },
        infants: { type: 'string' },
        'split-seed': { type: 'string' },
        provider: { type: 'string', default: 'cpu' },
        'software-vulkan': { type: 'boolean' },
        models: { type: 'string' },
        segments: { type: 'string', default: 'project' },
        'score-norm': { type: 'string', default: 'none' },
        cv: { type: 'string' },
      },
    })
    if (values.infants && values['split-seed'] !== undefined)
      throw new UsageError('give either --infants or --split-seed, not both')
    const provider = ProviderSetting.safeParse(values.provider)
    if (!provider.success)
      throw new UsageError(`--provider must be one of ${ProviderSetting.options.join(', ')}`)
    if (values.segments !== 'project' && values.segments !== 'textgrid')
      throw new UsageError('--segments must be project or textgrid')
    const scoreNorm = values['score-norm']
    if (scoreNorm !== 'none' && scoreNorm !== 'as-norm')
      throw new UsageError('--score-norm must be none or as-norm')
    const cv = values.cv === undefined ? undefined : Number(values.cv)
    if (cv !== undefined && (!Number.isInteger(cv) || cv < 2))
      throw new UsageError('--cv must be an integer ≥ 2')
    const seed = values['split-seed'] === undefined ? undefined : Number(values['split-seed'])
    if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError('--split-seed must be an integer')
    const dataDirs = values.data?.length ? values.data : [path.join(sharedDatasetsDir(), 'donateacry')]
    for (const d of dataDirs)
      if (!fs.existsSync(path.join(d, 'manifest.csv')))
        throw new UsageError(`${d} is not a dataset folder (no manifest.csv)`)
    if (values['software-vulkan'] && !useSoftwareVulkan())
      throw new UsageError(`--software-vulkan: ${softwareVulkanMissing()}`)
    const options: VerificationRunOptions = {
      data: dataDirs,
      backbones: (values.backbone ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      infants: values.infants
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      splitSeed: seed,
      segments: values.segments,
      provider: provider.data,
      modelsDir: values.models ? path.resolve(values.models) : undefined,
      scoreNorm,
      cv,
    }
    const doc = await runForCli(verification, options)
    console.log(verification.format(doc, options))
    if (values.json) {
      fs.writeFileSync(values.json, JSON.stringify(doc, null, 2) + '\n')
      console.log(`\nwrote ${values.json}`)
    }
  },
}
