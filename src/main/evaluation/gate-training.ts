// The training of the shipped cry / non-cry classifier (`iclas train gate`): on the training half of the sources
// (split by source recording, by infant for Donate-a-Cry), the ridge penalty chosen by cross-validation over
// sources within it, the clip model fitted on out-of-fold per-sound predictions. Protocol B evaluates it on the
// other half. A dataset whose manifest marks its clips simulated (a `simulated` column, 1) is a domain of its
// own: within each class the simulated and the recorded sounds carry equal weight, so the simulator's many
// cries teach the classifier their variation (hoarse, shrill) without outweighing the real cries it must keep.
import crypto from 'node:crypto'
import { readDataset } from './datasets'
import { gateClips, inTrainingPart } from './gate-corpus'
import { rocAuc } from './metrics/roc'
import {
  CLIP_FEATURES,
  clipFeatures,
  concatEmbeddings,
  CryClassifierFile,
  cryClassifierFrom,
} from '../engine/gate/cry-classifier'
import { fitLogistic, predictLogistic } from '../engine/gate/logistic'
import type { EvalContext } from './context'
import { openBackbones, viewClips, type ClipView } from './gate-clips'

export const SPLIT_SEED = 20261125
export const FOLDS = 5
const L2_GRID = [10, 30, 100, 300, 1000, 3000, 10000]

export interface GateTrainingOptions {
  /** Dataset folders (manifest.csv each). */
  data: string[]
  /** The classifier's backbones, by name ('default' names the default one). */
  backbones: string[]
  /** The command line recorded in the file. */
  command: string
}

/** Trains the cry classifier and returns its file (validated, with the training part's out-of-fold clip AUC). */
export async function trainGateClassifier(
  o: GateTrainingOptions,
  ctx: EvalContext,
): Promise<CryClassifierFile> {
  const log = ctx.log
  const all = gateClips(o.data.map((d) => readDataset(d)))
  const train = all.filter((c) => inTrainingPart(c.group, SPLIT_SEED))
  const backbones = await openBackbones(o.backbones, log)
  try {
    const names = backbones.map((b) => b.name)
    const dims = backbones.map((b) => b.dim)
    log(
      `training on ${train.length} clips of ${new Set(train.map((c) => c.group)).size} sources with ${names.join(' + ')}`,
    )
    const views = await viewClips(train, backbones, ctx)
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
    const cryModel = fitLogistic(rows.x, rows.y, rows.n, rows.d, { l2: best.l2, sampleWeights: rows.w })
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
        command: o.command,
      },
    }
    const parsed = CryClassifierFile.parse(file)
    const oofClip = predictLogistic(clipModel, clipX, views.length)
    parsed.metrics = { training_part_out_of_fold_clip_auc: rocAuc(Array.from(oofClip), labels) }
    void cryClassifierFrom(parsed) // validates shapes before writing
    return parsed
  } finally {
    for (const b of backbones) await b.dispose()
  }
}

/** Folds by group (a source never straddles folds), from a hash so they don't depend on clip order. */
function foldOf(group: string): number {
  return crypto.createHash('sha256').update(`fold:${group}`).digest().readUInt32BE(0) % FOLDS
}

interface SoundRows {
  x: Float32Array
  y: Float64Array
  clip: Int32Array
  /** 1 where the sound comes from a simulated clip. */
  simulated: Int8Array
  /** Each row's weight (domainWeights). */
  w: Float64Array
  n: number
  d: number
}

/**
 * Sample weights giving each class half the total weight (as fitLogistic does by default) and, within a class,
 * the simulated and the recorded sounds equal shares of it.
 */
export function domainWeights(y: ArrayLike<number>, simulated: ArrayLike<number>): Float64Array {
  const n = y.length
  const count = [
    [0, 0],
    [0, 0],
  ]
  for (let i = 0; i < n; i++) count[y[i]! > 0.5 ? 1 : 0]![simulated[i] ? 1 : 0]!++
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const c = count[y[i]! > 0.5 ? 1 : 0]!
    const domains = (c[0]! > 0 ? 1 : 0) + (c[1]! > 0 ? 1 : 0)
    w[i] = n / (2 * domains * c[simulated[i] ? 1 : 0]!)
  }
  return w
}

function soundRows(views: ClipView[], dims: number[]): SoundRows {
  const d = dims.reduce((a, b) => a + b, 0)
  const n = views.reduce((a, v) => a + v.sounds.length, 0)
  const x = new Float32Array(n * d)
  const y = new Float64Array(n)
  const clip = new Int32Array(n)
  const simulated = new Int8Array(n)
  let r = 0
  views.forEach((v, ci) => {
    x.set(concatEmbeddings(v.embeddings, dims, v.sounds.length), r * d)
    for (let k = 0; k < v.sounds.length; k++, r++) {
      y[r] = v.g.positive ? 1 : 0
      clip[r] = ci
      simulated[r] = v.g.clip.columns.simulated === '1' ? 1 : 0
    }
  })
  return { x, y, clip, simulated, w: domainWeights(y, simulated), n, d }
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
    const m = fitLogistic(train.x, train.y, train.idx.length, rows.d, {
      l2,
      sampleWeights: domainWeights(
        train.y,
        Int8Array.from(train.idx, (i) => rows.simulated[i]!),
      ),
    })
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
