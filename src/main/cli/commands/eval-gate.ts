// Protocol B (`iclas eval gate`) and the training of the shipped cry / non-cry classifier (`iclas train gate`).
// Both see a clip as the workstation does: decoded to 16 kHz, segmented into cries by the project's segmenter,
// each cry peak-normalised and embedded by the backbone; the classifier gives P(cry) per cry and the clip score
// aggregates them (a clip where no cry is found scores 0).
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { decode16k, probeAudio } from '../../engine/audio/decode'
import { extractCry } from '../../engine/audio/preprocess'
import { concat } from '../../engine/audio/resample'
import { segmentCries } from '../../engine/audio/segment'
import type { Backbone } from '../../engine/embed/backbone'
import { checkoutModelsDir, getBackbone } from '../../engine/embed/registry'
import { readDataset, loadClip16k } from '../../engine/eval/datasets'
import { periodicFrameShare } from '../../engine/eval/gate-baseline'
import { gateClips, inTrainingPart, type GateClip } from '../../engine/eval/gate-corpus'
import { recallAtFpr, rocAuc, rocCurve, type RocPoint } from '../../engine/eval/roc'
import {
  clipScore,
  CryClassifierFile,
  cryClassifierFrom,
  loadCryClassifier,
} from '../../engine/gate/cry-classifier'
import { fitLogistic } from '../../engine/gate/logistic'
import type { CliCommand } from '../command'
import { UsageError } from '../command'
import { sharedDatasetsDir } from '../data-dir'
import type { EvalProtocol } from './eval'

const DEFAULT_CLASSIFIER = () => path.join(checkoutModelsDir(), 'gate', 'cry-classifier.json')
const PROTOCOL_B_DATASETS = ['donateacry', 'esc-cries', 'negatives']
const SPLIT_SEED = 20261125
const MIN_CRY_SAMPLES = 400 // 25 ms: one analysis frame

interface ClipFeatures {
  g: GateClip
  embeddings: Float32Array[]
  periodicShare: number
}

function dataDirs(values: { data?: string[] }): string[] {
  if (values.data?.length) return values.data.map((d) => path.resolve(d))
  const root = sharedDatasetsDir()
  const dirs = PROTOCOL_B_DATASETS.map((n) => path.join(root, n)).filter((d) =>
    fs.existsSync(path.join(d, 'manifest.csv')),
  )
  if (!dirs.length) throw new UsageError(`no datasets: ${root} is absent; pass --data DIR`)
  return dirs
}

/** The clip decoded to 16 kHz without the pipeline's high-pass: what the protocol's "for scale" figure used. */
export async function loadRaw16k(file: string): Promise<Float32Array> {
  const parts: Float32Array[] = []
  for await (const c of decode16k(file, await probeAudio(file))) parts.push(c)
  return concat(parts)
}

async function clipFeatures(
  clips: GateClip[],
  backbone: Backbone | null,
  log: (l: string) => void,
): Promise<ClipFeatures[]> {
  const out: ClipFeatures[] = []
  for (const [i, g] of clips.entries()) {
    const wave = backbone ? await loadClip16k(g.clip.file) : await loadRaw16k(g.clip.file)
    let embeddings: Float32Array[] = []
    if (backbone) {
      const cries = segmentCries(wave)
        .map((s) => extractCry(wave, s.startS, s.endS))
        .filter((c) => c.length >= MIN_CRY_SAMPLES)
      embeddings = cries.length ? await backbone.embedCries(cries) : []
    }
    out.push({ g, embeddings, periodicShare: periodicFrameShare(wave) })
    if ((i + 1) % 100 === 0 || i + 1 === clips.length) log(`  ${i + 1}/${clips.length} clips`)
  }
  return out
}

export interface GateReport {
  method: string
  auc: number
  recall_at_5pct_fpr: number
  positives: number
  negatives: number
  clips_without_cries: { positives: number; negatives: number }
  held_out_groups: number
  /** ROC curve points (for the workstation's chart). */
  roc?: RocPoint[]
}

function report(method: string, scores: number[], feats: ClipFeatures[]): GateReport {
  const labels = feats.map((f) => f.g.positive)
  return {
    method,
    auc: rocAuc(scores, labels),
    recall_at_5pct_fpr: recallAtFpr(scores, labels, 0.05),
    positives: labels.filter(Boolean).length,
    negatives: labels.filter((l) => !l).length,
    clips_without_cries: {
      positives: feats.filter((f) => f.g.positive && !f.embeddings.length).length,
      negatives: feats.filter((f) => !f.g.positive && !f.embeddings.length).length,
    },
    held_out_groups: new Set(feats.map((f) => f.g.group)).size,
    roc: rocCurve(scores, labels),
  }
}

export const gateProtocol: EvalProtocol = {
  name: 'gate',
  summary: 'Protocol B: cry / non-cry gate (ROC AUC, recall at 5 % FPR) on held-out sources',
  usage: `usage: iclas eval gate [--data DIR]… [--json FILE] [--classifier FILE] [--method classifier|autocorr]

Evaluates the shipped cry classifier (models/gate/cry-classifier.json) on every clip whose source it was not
trained on. --method autocorr scores the protocol's trivial "for scale" method instead (no classifier).`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string', multiple: true },
        json: { type: 'string' },
        classifier: { type: 'string' },
        method: { type: 'string', default: 'classifier' },
      },
    })
    const log = (l: string) => console.error(l)
    const datasets = dataDirs(values).map((d) => readDataset(d))
    const all = gateClips(datasets)
    if (values.method === 'autocorr') {
      const feats = await clipFeatures(all, null, log)
      const r = report(
        'autocorr-share (for scale)',
        feats.map((f) => f.periodicShare),
        feats,
      )
      return print(r, values.json)
    }
    if (values.method !== 'classifier') throw new UsageError(`unknown method "${values.method}"`)
    const file = values.classifier ?? DEFAULT_CLASSIFIER()
    if (!fs.existsSync(file))
      throw new UsageError(`no cry classifier at ${file}: train one with \`iclas train gate\``)
    const classifier = await loadCryClassifier(file)
    const trained = new Set(classifier.file.training.sources)
    const held = all.filter((c) => !trained.has(c.group))
    log(
      `protocol B: ${held.length} held-out clips (${all.length - held.length} from training sources left out), backbone ${classifier.backbone}`,
    )
    const backbone = await getBackbone(classifier.backbone, {
      modelsDir: checkoutModelsDir(),
      provider: 'cpu',
      log,
    })
    try {
      const feats = await clipFeatures(held, backbone, log)
      const scores = feats.map((f) => {
        const n = f.embeddings.length
        if (!n) return 0
        const x = new Float32Array(n * classifier.file.dim)
        f.embeddings.forEach((e, i) => x.set(e, i * classifier.file.dim))
        return clipScore(classifier.predict(x, n), classifier.file.clip_aggregation)
      })
      return print(
        report(
          `cry classifier on ${classifier.backbone} (${classifier.file.clip_aggregation} of P(cry))`,
          scores,
          feats,
        ),
        values.json,
      )
    } finally {
      await backbone.dispose()
    }
  },
}

function print(r: GateReport, json: string | undefined): number {
  console.log(`\nProtocol B — cry / non-cry gate: ${r.method}`)
  console.log(
    `  clips          ${r.positives} positive, ${r.negatives} negative (${r.held_out_groups} held-out sources)`,
  )
  console.log(
    `  no cry found   ${r.clips_without_cries.positives} positive, ${r.clips_without_cries.negatives} negative clips (score 0)`,
  )
  console.log(`  ROC AUC        ${r.auc.toFixed(4)}`)
  console.log(`  recall @ 5% FPR ${r.recall_at_5pct_fpr.toFixed(4)}`)
  if (json) fs.writeFileSync(json, JSON.stringify(r, null, 2))
  return 0
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a shipped model from ../shared (gate: the cry / non-cry classifier)',
  usage: `usage: iclas train gate [--data DIR]… [--backbone NAME] [--out FILE] [--l2 X] [--aggregate mean|max|top3-mean]

Trains the cry / non-cry classifier on the training half of the sources (split by source recording, by infant
for Donate-a-Cry, seed ${SPLIT_SEED}) and writes it with the list of training sources; \`iclas eval gate\`
evaluates it on the other half.`,
  async run(argv) {
    const [what, ...rest] = argv
    if (what !== 'gate') throw new UsageError('name what to train: gate')
    const { values } = parseArgs({
      args: rest,
      options: {
        data: { type: 'string', multiple: true },
        backbone: { type: 'string', default: 'default' },
        out: { type: 'string' },
        l2: { type: 'string', default: '1' },
        aggregate: { type: 'string', default: 'top3-mean' },
      },
    })
    const log = (l: string) => console.error(l)
    const all = gateClips(dataDirs(values).map((d) => readDataset(d)))
    const train = all.filter((c) => inTrainingPart(c.group, SPLIT_SEED))
    const backbone = await getBackbone(values.backbone!, {
      modelsDir: checkoutModelsDir(),
      provider: 'cpu',
      log,
    })
    try {
      log(
        `training on ${train.length} clips of ${new Set(train.map((c) => c.group)).size} sources with backbone ${backbone.name}`,
      )
      const feats = await clipFeatures(train, backbone, log)
      // Every cry found in a positive clip is a positive example, every one in a negative clip a negative one.
      const rows = feats.flatMap((f) => f.embeddings.map((e) => ({ e, y: f.g.positive ? 1 : 0 })))
      const d = backbone.dim
      const x = new Float32Array(rows.length * d)
      rows.forEach((r, i) => x.set(r.e, i * d))
      const model = fitLogistic(x, Float64Array.from(rows.map((r) => r.y)), rows.length, d, {
        l2: Number(values.l2),
      })
      const aggregation = values.aggregate as CryClassifierFile['clip_aggregation']
      const file: CryClassifierFile = {
        format_version: 1,
        kind: 'cry-classifier',
        backbone: backbone.name,
        dim: d,
        clip_aggregation: aggregation,
        model,
        training: {
          sources: [...new Set(train.map((c) => c.group))].sort(),
          positives: rows.filter((r) => r.y === 1).length,
          negatives: rows.filter((r) => r.y === 0).length,
          created_at: new Date().toISOString(),
          command: `iclas train gate ${rest.join(' ')}`.trim(),
        },
      }
      const parsed = CryClassifierFile.parse(file)
      // Training-part fit, for the record (the held-out figure comes from `iclas eval gate`).
      const c = cryClassifierFrom(parsed)
      const trainScores = feats.map((f) => {
        if (!f.embeddings.length) return 0
        const xx = new Float32Array(f.embeddings.length * d)
        f.embeddings.forEach((e, i) => xx.set(e, i * d))
        return clipScore(c.predict(xx, f.embeddings.length), aggregation)
      })
      parsed.metrics = {
        training_part_auc: rocAuc(
          trainScores,
          feats.map((f) => f.g.positive),
        ),
      }
      const out = values.out ?? DEFAULT_CLASSIFIER()
      fs.mkdirSync(path.dirname(out), { recursive: true })
      fs.writeFileSync(out, JSON.stringify(parsed, null, 1))
      console.log(
        `wrote ${out}: ${parsed.training.positives} positive and ${parsed.training.negatives} negative cries, training-part AUC ${(parsed.metrics.training_part_auc as number).toFixed(4)}`,
      )
      return 0
    } finally {
      await backbone.dispose()
    }
  },
}
