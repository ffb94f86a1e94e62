// Protocol B (`iclas eval gate`) and the training of the shipped cry / non-cry classifier (`iclas train gate`).
// Both see a clip as the workstation does: decoded to 16 kHz and high-passed, cut into sounding stretches by the
// project's segmenter (the ones it accepts as cries and the ones it rejects), each stretch peak-normalised and
// embedded by the classifier's backbones. The per-sound model gives P(cry); the clip model turns the clip's
// sounds into its cry confidence (see engine/gate/cry-classifier.ts).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { decode16k, probeAudio } from '../../engine/audio/decode'
import { extractCry, peakNormalise } from '../../engine/audio/preprocess'
import { segmentCries } from '../../engine/audio/segment'
import { aperiodic, pitchKeepDuration } from '../../engine/eval/cry-changes'
import {
  acceptance,
  simulatedAcceptance,
  type AcceptanceGroup,
  type PCryOf,
} from '../../engine/eval/gate-acceptance'
import { DEFAULT_ANALYSIS } from '../../engine/settings'
import { concat } from '../../engine/audio/resample'
import { CrySegmenter } from '../../engine/audio/segment'
import type { Backbone } from '../../engine/embed/backbone'
import { checkoutModelsDir, getBackbone } from '../../engine/embed/registry'
import { readDataset, loadClip16k } from '../../engine/eval/datasets'
import { periodicFrameShare } from '../../engine/eval/gate-baseline'
import { gateClips, inTrainingPart, type GateClip } from '../../engine/eval/gate-corpus'
import { recallAtFpr, rocAuc, rocCurve, type RocPoint } from '../../engine/eval/roc'
import {
  CLIP_FEATURES,
  clipFeatures,
  clipScore,
  concatEmbeddings,
  CryClassifierFile,
  cryClassifierFrom,
  loadCryClassifier,
  type ClipSound,
  type CryClassifier,
} from '../../engine/gate/cry-classifier'
import { fitLogistic, predictLogistic } from '../../engine/gate/logistic'
import type { CliCommand } from '../command'
import { UsageError, type EvalProtocol } from '../command'
import { sharedDatasetsDir } from '../data-dir'

const DEFAULT_CLASSIFIER = () => path.join(checkoutModelsDir(), 'gate', 'cry-classifier.json')
const PROTOCOL_B_DATASETS = ['donateacry', 'esc-cries', 'negatives']
const SPLIT_SEED = 20261125
const MIN_CRY_SAMPLES = 400 // 25 ms: one analysis frame
const FOLDS = 5
const L2_GRID = [10, 30, 100, 300, 1000]

/** One clip as the classifier sees it: its sounding stretches and their embeddings (per backbone, row-major). */
interface ClipView {
  g: GateClip
  durationS: number
  sounds: Omit<ClipSound, 'pCry'>[]
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

async function viewClips(
  clips: GateClip[],
  backbones: Backbone[],
  log: (l: string) => void,
): Promise<ClipView[]> {
  const out: ClipView[] = []
  for (const [i, g] of clips.entries()) {
    if (!backbones.length) {
      const raw = await loadRaw16k(g.clip.file)
      out.push({
        g,
        durationS: raw.length / 16000,
        sounds: [],
        embeddings: [],
        periodicShare: periodicFrameShare(raw),
      })
    } else {
      const wave = await loadClip16k(g.clip.file)
      const seg = new CrySegmenter({ collectCandidates: true })
      for (let o = 0; o < wave.length; o += 64000) seg.push(wave.subarray(o, o + 64000))
      seg.finish()
      const sounds = seg.candidates
        .filter((c) => (c.endS - c.startS) * 16000 >= MIN_CRY_SAMPLES)
        .map((c) => ({ startS: c.startS, endS: c.endS, accepted: c.accepted }))
      const pieces = sounds.map((s) => extractCry(wave, s.startS, s.endS))
      const embeddings: Float32Array[] = []
      for (const b of backbones) {
        const e = pieces.length ? await b.embedCries(pieces) : []
        const block = new Float32Array(pieces.length * b.dim)
        e.forEach((v, k) => block.set(v, k * b.dim))
        embeddings.push(block)
      }
      out.push({ g, durationS: wave.length / 16000, sounds, embeddings, periodicShare: 0 })
    }
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
  /** ROC curve points (false-positive rate, true-positive rate), for the Evaluation screen. */
  roc?: RocPoint[]
  /** With --acceptance: the classifier's acceptance of stage 0's cries, per kind of sound. */
  acceptance?: AcceptanceGroup[]
}

/** P(cry) of raw sounds as the ward computes it: peak-normalised, embedded by the classifier's backbones. */
function pCryOf(classifier: CryClassifier, backbones: Backbone[]): PCryOf {
  return async (sounds) => {
    if (!sounds.length) return new Float64Array(0)
    const pieces = sounds.map((s) => peakNormalise(s))
    const blocks: Float32Array[] = []
    for (const b of backbones) {
      const e = await b.embedCries(pieces)
      const block = new Float32Array(pieces.length * b.dim)
      e.forEach((v, k) => block.set(v, k * b.dim))
      blocks.push(block)
    }
    return classifier.predict(blocks, pieces.length)
  }
}

async function acceptanceReport(
  classifier: CryClassifier,
  backbones: Backbone[],
  views: ClipView[],
  log: (l: string) => void,
): Promise<AcceptanceGroup[]> {
  const minCry = DEFAULT_ANALYSIS.minCryConfidence
  const out: AcceptanceGroup[] = []
  // Held-out clips as recorded: the sounds stage 0 keeps, per kind of clip.
  const kinds = new Map<string, number[]>()
  for (const v of views) {
    const kind = v.g.positive
      ? `real cry (${v.g.dataset})`
      : `${v.g.clip.label ?? v.g.clip.curation ?? 'other'} (${v.g.dataset})`
    const p = classifier.predict(v.embeddings, v.sounds.length)
    const list = kinds.get(kind) ?? []
    v.sounds.forEach((s, k) => s.accepted && list.push(p[k]!))
    kinds.set(kind, list)
  }
  for (const [kind, p] of [...kinds.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    out.push(acceptance(kind, p, minCry))
  // The same held-out real cries changed: pitch raised 30 % with the timing kept, noise at 5 dB HNR.
  const pCry = pCryOf(classifier, backbones)
  const cries = views.filter((v) => v.g.positive && v.g.dataset === 'donateacry').slice(0, 60)
  log(`  acceptance: ${cries.length} held-out real cry clips, changed`)
  const changes: [string, (w: Float32Array) => Promise<Float32Array>][] = [
    ['real cry, pitch +30 % (timing kept)', (w) => pitchKeepDuration(w, 0.3)],
    ['real cry, noise at 5 dB HNR', async (w) => aperiodic(w, 5)],
  ]
  for (const [name, change] of changes) {
    const p: number[] = []
    for (const v of cries) {
      const wave = await change(await loadClip16k(v.g.clip.file))
      const sounds = segmentCries(wave).filter((s) => (s.endS - s.startS) * 16000 >= MIN_CRY_SAMPLES)
      const pieces = sounds.map((s) => wave.slice(Math.round(s.startS * 16000), Math.round(s.endS * 16000)))
      p.push(...(await pCry(pieces)))
    }
    out.push(acceptance(name, p, minCry))
  }
  log('  acceptance: the simulator’s cries')
  out.push(...(await simulatedAcceptance(pCry, minCry)))
  return out
}

function report(method: string, scores: number[], views: ClipView[]): GateReport {
  const labels = views.map((v) => v.g.positive)
  const noCry = (v: ClipView) => !v.sounds.some((s) => s.accepted)
  return {
    method,
    auc: rocAuc(scores, labels),
    recall_at_5pct_fpr: recallAtFpr(scores, labels, 0.05),
    positives: labels.filter(Boolean).length,
    negatives: labels.filter((l) => !l).length,
    clips_without_cries: {
      positives: views.filter((v) => v.g.positive && noCry(v)).length,
      negatives: views.filter((v) => !v.g.positive && noCry(v)).length,
    },
    held_out_groups: new Set(views.map((v) => v.g.group)).size,
    roc: rocCurve(scores, labels),
  }
}

export const gateProtocol: EvalProtocol = {
  name: 'gate',
  summary: 'Protocol B: cry / non-cry gate (ROC AUC, recall at 5 % FPR) on held-out sources',
  usage: `usage: iclas eval gate [--data DIR]… [--json FILE] [--classifier FILE] [--method classifier|autocorr]

Evaluates the shipped cry classifier (models/gate/cry-classifier.json) on every clip whose source it was not
trained on. --method autocorr scores the protocol's trivial "for scale" method instead (no classifier).
--acceptance also reports, per kind of sound, the share of the sounds stage 0 keeps as cries that the classifier
accepts (P(cry) ≥ the ward's minimum): held-out real cries as recorded, pitch-raised 30 % (timing kept) and with
noise at 5 dB HNR, the simulator's phonation, hyperphonation and dysphonation from usual and deviating voices,
and each kind of held-out non-cry sound (JSON: acceptance).`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string', multiple: true },
        json: { type: 'string' },
        classifier: { type: 'string' },
        method: { type: 'string', default: 'classifier' },
        acceptance: { type: 'boolean' },
      },
    })
    const log = (l: string) => console.error(l)
    const all = gateClips(dataDirs(values).map((d) => readDataset(d)))
    if (values.method === 'autocorr') {
      const views = await viewClips(all, [], log)
      return print(
        report(
          'autocorr-share (for scale)',
          views.map((v) => v.periodicShare),
          views,
        ),
        values.json,
      )
    }
    if (values.method !== 'classifier') throw new UsageError(`unknown method "${values.method}"`)
    const file = values.classifier ?? DEFAULT_CLASSIFIER()
    if (!fs.existsSync(file))
      throw new UsageError(`no cry classifier at ${file}: train one with \`iclas train gate\``)
    const classifier = await loadCryClassifier(file)
    const trained = new Set(classifier.file.training.sources)
    const held = all.filter((c) => !trained.has(c.group))
    log(
      `protocol B: ${held.length} held-out clips (${all.length - held.length} from training sources left out), backbones ${classifier.backbones.join(' + ')}`,
    )
    const backbones = await openBackbones(classifier.backbones, log)
    try {
      const views = await viewClips(held, backbones, log)
      const scores = views.map((v) => {
        const p = classifier.predict(v.embeddings, v.sounds.length)
        return clipScore(
          classifier,
          v.sounds.map((s, k) => ({ ...s, pCry: p[k]! })),
          v.durationS,
        )
      })
      const r: GateReport = report(`cry classifier on ${classifier.backbones.join(' + ')}`, scores, views)
      if (values.acceptance) r.acceptance = await acceptanceReport(classifier, backbones, views, log)
      return print(r, values.json)
    } finally {
      for (const b of backbones) await b.dispose()
    }
  },
}

async function openBackbones(names: string[], log: (l: string) => void): Promise<Backbone[]> {
  const out: Backbone[] = []
  for (const n of names)
    out.push(await getBackbone(n, { modelsDir: checkoutModelsDir(), provider: 'cpu', log }))
  return out
}

function print(r: GateReport, json: string | undefined): number {
  console.log(`\nProtocol B — cry / non-cry gate: ${r.method}`)
  console.log(
    `  clips           ${r.positives} positive, ${r.negatives} negative (${r.held_out_groups} held-out sources)`,
  )
  console.log(
    `  no cry found    ${r.clips_without_cries.positives} positive, ${r.clips_without_cries.negatives} negative clips`,
  )
  console.log(`  ROC AUC         ${r.auc.toFixed(4)}`)
  console.log(`  recall @ 5% FPR ${r.recall_at_5pct_fpr.toFixed(4)}`)
  if (r.acceptance) {
    console.log(
      `\n  acceptance (P(cry) ≥ ${DEFAULT_ANALYSIS.minCryConfidence}) of the sounds stage 0 keeps as cries`,
    )
    for (const a of r.acceptance)
      console.log(
        `  ${a.group.padEnd(44)} ${String(a.sounds).padStart(6)} sounds  ${(a.accepted * 100).toFixed(1).padStart(5)} % accepted  median P(cry) ${a.median_p_cry?.toFixed(2) ?? '—'}`,
      )
  }
  if (json) fs.writeFileSync(json, JSON.stringify(r, null, 2))
  return 0
}

/** Folds by group (a source never straddles folds), from a hash so they don't depend on clip order. */
function foldOf(group: string): number {
  return crypto.createHash('sha256').update(`fold:${group}`).digest().readUInt32BE(0) % FOLDS
}

interface SoundRows {
  x: Float32Array
  y: Float64Array
  clip: Int32Array
  n: number
  d: number
}

function soundRows(views: ClipView[], dims: number[]): SoundRows {
  const d = dims.reduce((a, b) => a + b, 0)
  const n = views.reduce((a, v) => a + v.sounds.length, 0)
  const x = new Float32Array(n * d)
  const y = new Float64Array(n)
  const clip = new Int32Array(n)
  let r = 0
  views.forEach((v, ci) => {
    x.set(concatEmbeddings(v.embeddings, dims, v.sounds.length), r * d)
    for (let k = 0; k < v.sounds.length; k++, r++) {
      y[r] = v.g.positive ? 1 : 0
      clip[r] = ci
    }
  })
  return { x, y, clip, n, d }
}

function subset(
  rows: SoundRows,
  keep: (i: number) => boolean,
): { x: Float32Array; y: Float64Array; idx: number[] } {
  const idx = Array.from({ length: rows.n }, (_, i) => i).filter(keep)
  const x = new Float32Array(idx.length * rows.d)
  idx.forEach((i, k) => x.set(rows.x.subarray(i * rows.d, (i + 1) * rows.d), k * rows.d))
  return { x, y: Float64Array.from(idx, (i) => rows.y[i]!), idx }
}

/** Out-of-fold P(cry) for every training sound (grouped folds), for a given ridge penalty. */
function outOfFold(rows: SoundRows, views: ClipView[], l2: number): Float64Array {
  const p = new Float64Array(rows.n)
  for (let f = 0; f < FOLDS; f++) {
    const inFold = (i: number) => foldOf(views[rows.clip[i]!]!.g.group) === f
    const train = subset(rows, (i) => !inFold(i))
    const test = subset(rows, inFold)
    if (!test.idx.length || !train.idx.length) continue
    const m = fitLogistic(train.x, train.y, train.idx.length, rows.d, { l2 })
    const pr = predictLogistic(m, test.x, test.idx.length)
    test.idx.forEach((i, k) => (p[i] = pr[k]!))
  }
  return p
}

function clipFeatureMatrix(views: ClipView[], p: Float64Array): Float64Array {
  const f = CLIP_FEATURES.length
  const out = new Float64Array(views.length * f)
  let r = 0
  views.forEach((v, ci) => {
    const sounds = v.sounds.map((s, k) => ({ ...s, pCry: p[r + k]! }))
    r += v.sounds.length
    out.set(clipFeatures(sounds, v.durationS), ci * f)
  })
  return out
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a shipped model from ../shared (gate: the cry / non-cry classifier)',
  usage: `usage: iclas train gate [--data DIR]… [--backbones NAME,NAME] [--out FILE]

Trains the cry / non-cry classifier on the training half of the sources (split by source recording, by infant
for Donate-a-Cry, seed ${SPLIT_SEED}) and writes it with the list of training sources; \`iclas eval gate\`
evaluates it on the other half. The ridge penalty is chosen by ${FOLDS}-fold cross-validation over sources
within the training half; the clip model is fitted on out-of-fold per-sound predictions.`,
  async run(argv) {
    const [what, ...rest] = argv
    if (what !== 'gate') throw new UsageError('name what to train: gate')
    const { values } = parseArgs({
      args: rest,
      options: {
        data: { type: 'string', multiple: true },
        backbones: { type: 'string', default: 'default,acoustic' },
        out: { type: 'string' },
      },
    })
    const log = (l: string) => console.error(l)
    const all = gateClips(dataDirs(values).map((d) => readDataset(d)))
    const train = all.filter((c) => inTrainingPart(c.group, SPLIT_SEED))
    const backbones = await openBackbones(values.backbones!.split(',').filter(Boolean), log)
    try {
      const names = backbones.map((b) => b.name)
      const dims = backbones.map((b) => b.dim)
      log(
        `training on ${train.length} clips of ${new Set(train.map((c) => c.group)).size} sources with ${names.join(' + ')}`,
      )
      const views = await viewClips(train, backbones, log)
      const rows = soundRows(views, dims)
      const labels = views.map((v) => v.g.positive)
      // The ridge penalty: the one whose out-of-fold per-sound predictions rank the clips best (max over sounds).
      let best: { l2: number; auc: number; oof: Float64Array } = {
        l2: L2_GRID[0]!,
        auc: -1,
        oof: new Float64Array(0),
      }
      for (const l2 of L2_GRID) {
        const oof = outOfFold(rows, views, l2)
        const feats = clipFeatureMatrix(views, oof)
        const auc = rocAuc(
          views.map((_, i) => feats[i * CLIP_FEATURES.length]!),
          labels,
        )
        log(`  l2 ${l2}: out-of-fold clip AUC (max P) ${auc.toFixed(4)}`)
        if (auc > best.auc) best = { l2, auc, oof }
      }
      const clipX = clipFeatureMatrix(views, best.oof)
      const clipModel = fitLogistic(
        clipX,
        Float64Array.from(labels, (l) => (l ? 1 : 0)),
        views.length,
        CLIP_FEATURES.length,
        { l2: 1 },
      )
      const cryModel = fitLogistic(rows.x, rows.y, rows.n, rows.d, { l2: best.l2 })
      const file: CryClassifierFile = {
        format_version: 2,
        kind: 'cry-classifier',
        backbones: names,
        dims,
        cry_model: cryModel,
        clip_model: { features: [...CLIP_FEATURES], model: clipModel },
        training: {
          sources: [...new Set(train.map((c) => c.group))].sort(),
          positives: Array.from(rows.y).filter((v) => v === 1).length,
          negatives: Array.from(rows.y).filter((v) => v === 0).length,
          l2: best.l2,
          l2_chosen_by: `${FOLDS}-fold cross-validation over training sources (clip AUC of the max per-sound P(cry))`,
          created_at: new Date().toISOString(),
          command: `iclas train gate ${rest.join(' ')}`.trim(),
        },
      }
      const parsed = CryClassifierFile.parse(file)
      const oofClip = predictLogistic(clipModel, clipX, views.length)
      parsed.metrics = { training_part_out_of_fold_clip_auc: rocAuc(Array.from(oofClip), labels) }
      void cryClassifierFrom(parsed) // validates shapes before writing
      const out = values.out ?? DEFAULT_CLASSIFIER()
      fs.mkdirSync(path.dirname(out), { recursive: true })
      fs.writeFileSync(out, JSON.stringify(parsed, null, 1))
      console.log(
        `wrote ${out}: ${parsed.training.positives} sounds from positive clips, ${parsed.training.negatives} from negative ones; l2 ${best.l2}; out-of-fold clip AUC ${(parsed.metrics.training_part_out_of_fold_clip_auc as number).toFixed(4)} (training part; the held-out figure comes from \`iclas eval gate\`)`,
      )
      return 0
    } finally {
      for (const b of backbones) await b.dispose()
    }
  },
}
