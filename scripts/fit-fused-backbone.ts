// Fits a fused backbone (src/main/engine/embed/fused.ts) and writes its card, models/<name>.fused.json:
//
//   node --import tsx scripts/fit-fused-backbone.ts --learned ecapa-c256-aam --handmade acoustic \
//        --name fused-ecapa-acoustic --folds-dir training/checkpoints/cv/aam600/onnx [--data DIR] [--out models]
//
// - Standardisation: each part's per-dimension mean and standard deviation over the cries (the project's
//   segmenter, as protocol C and the ward find them) of every infant the learned part was trained or validated
//   on; the 14 evaluation infants are never read.
// - Block weight: infant-grouped k-fold cross-validation with the learned part retrained without each fold
//   (`training/cv.py`, exported per fold by `training/export.py --out-dir <folds-dir>/fold<k>`): for each fold,
//   the fold model and the hand-made part are standardised on the other folds' cries, and the held-out infants'
//   same-platform EER is measured for every weight of the learned block on a 0.1 grid (0 = hand-made alone,
//   1 = learned alone), with log-mel statistics (whole recordings, the for-scale baseline) on the same trials.
//   The weight with the lowest mean EER is kept. The fusion is the shipped class itself, fed stored embeddings.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { extractCry } from '../src/main/engine/audio/preprocess'
import { segmentCries } from '../src/main/engine/audio/segment'
import { meanEmbedding, type Backbone } from '../src/main/engine/embed/backbone'
import { FusedBackbone, FUSED_SUFFIX, type FusedCard } from '../src/main/engine/embed/fused'
import { embeddingPieces } from '../src/main/engine/embed/pieces'
import { checkoutModelsDir, getBackbone } from '../src/main/engine/embed/registry'
import { loadClip16k, readDataset, type DatasetClip } from '../src/main/evaluation/datasets'
import { verificationFigures } from '../src/main/evaluation/metrics/verification'
import { VERIFICATION_CURATIONS } from '../src/main/evaluation/protocols/verification'

const { values } = parseArgs({
  options: {
    learned: { type: 'string', default: 'ecapa-c256-aam' },
    handmade: { type: 'string', default: 'acoustic' },
    name: { type: 'string', default: 'fused-ecapa-acoustic' },
    'folds-dir': { type: 'string' },
    data: { type: 'string', default: path.resolve('../shared/datasets/donateacry') },
    out: { type: 'string', default: checkoutModelsDir() },
  },
})
if (!values['folds-dir'])
  throw new Error('--folds-dir: the exported fold models (fold0, fold1, …) are needed')
const GRID = Array.from({ length: 11 }, (_, i) => i / 10)

/** A backbone that returns embeddings computed before, so the shipped fusion code can be run on them. */
class Stored implements Backbone {
  readonly kind = 'acoustic' as const
  readonly scope = 'cry' as const
  readonly trainedOn = { train: [], validation: [] }
  readonly provider = { requested: 'cpu', active: 'cpu' as const, attempts: [] }
  constructor(
    readonly name: string,
    readonly dim: number,
    private readonly byCry: Map<Float32Array, Float32Array>,
  ) {}
  async embedCries(cries: Float32Array[]) {
    return cries.map((c) => this.byCry.get(c)!)
  }
  async dispose() {}
}

interface Rec {
  clip: DatasetClip
  cries: Float32Array[]
}

function stats(vectors: Float32Array[]): { mean: number[]; sd: number[] } {
  const d = vectors[0]!.length
  const mean = new Array<number>(d).fill(0)
  const sd = new Array<number>(d).fill(0)
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j]! += v[j]! / vectors.length
  for (const v of vectors) for (let j = 0; j < d; j++) sd[j]! += (v[j]! - mean[j]!) ** 2 / vectors.length
  return { mean, sd: sd.map((x) => Math.sqrt(x) || 1e-6) }
}

async function embedAll(b: Backbone, recs: Rec[]): Promise<Map<Float32Array, Float32Array>> {
  const m = new Map<Float32Array, Float32Array>()
  for (const r of recs) {
    const e = await b.embedCries(r.cries)
    r.cries.forEach((c, i) => m.set(c, e[i]!))
  }
  return m
}

const modelsDir = checkoutModelsDir()
const learned = await getBackbone(values.learned, { modelsDir, provider: 'cpu' })
const handmade = await getBackbone(values.handmade, { modelsDir, provider: 'cpu' })
const logmel = await getBackbone('logmel-stats', { modelsDir, provider: 'cpu' })
const fitInfants = new Set([...learned.trainedOn.train, ...learned.trainedOn.validation])
const clips = readDataset(values.data).clips.filter(
  (c) =>
    c.infantId &&
    c.platform &&
    c.curation &&
    VERIFICATION_CURATIONS.includes(c.curation) &&
    fitInfants.has(c.infantId),
)
console.error(`${clips.length} recordings of ${fitInfants.size} infants the learned part saw`)
const recs: Rec[] = []
const logmelOf = new Map<DatasetClip, Float32Array>()
for (const clip of clips) {
  const wave = await loadClip16k(clip.file)
  const cries = embeddingPieces(segmentCries(wave), wave.length / 16000)
    .map((s) => extractCry(wave, s.startS, s.endS))
    .filter((p) => p.length >= 400)
  if (!cries.length) continue
  recs.push({ clip, cries })
  logmelOf.set(clip, (await logmel.embedCries([wave]))[0]!)
}
const handEmb = await embedAll(handmade, recs)
const fullEmb = await embedAll(learned, recs)
const cryVectors = (emb: Map<Float32Array, Float32Array>, rs: Rec[]) =>
  rs.flatMap((r) => r.cries.map((c) => emb.get(c)!))

// Cross-validation of the learned block's weight.
const foldDirs = fs
  .readdirSync(values['folds-dir'])
  .filter((d) => /^fold\d+$/.test(d))
  .sort()
  .map((d) => path.join(values['folds-dir']!, d))
const table: {
  fold: number
  infants: number
  target_trials: number
  eer: number[]
  handmade_as_is: number
  logmel_stats: number
}[] = []
for (const [k, dir] of foldDirs.entries()) {
  const foldModel = await getBackbone(values.learned, { modelsDir: dir, provider: 'cpu' })
  const held = new Set(foldModel.trainedOn.validation)
  const overlap = foldModel.trainedOn.train.filter((i) => held.has(i))
  if (!held.size || overlap.length)
    throw new Error(`${dir}: its card must list the held-out fold as validation`)
  const foldEmb = await embedAll(foldModel, recs)
  await foldModel.dispose()
  const trainRecs = recs.filter((r) => !held.has(r.clip.infantId!))
  const heldRecs = recs.filter((r) => held.has(r.clip.infantId!))
  const trials = heldRecs.map((r) => ({ infant: r.clip.infantId!, platform: r.clip.platform! }))
  const sl = stats(cryVectors(foldEmb, trainRecs))
  const sh = stats(cryVectors(handEmb, trainRecs))
  const eer: number[] = []
  for (const w of GRID) {
    const fused = new FusedBackbone('cv', [
      { backbone: new Stored('learned', learned.dim, foldEmb), weight: w, ...sl },
      { backbone: new Stored('handmade', handmade.dim, handEmb), weight: 1 - w, ...sh },
    ])
    const embs: Float32Array[] = []
    for (const r of heldRecs) embs.push(meanEmbedding(await fused.embedCries(r.cries)))
    eer.push(verificationFigures(embs, trials).eer)
  }
  // The hand-made part as it is (no standardisation), on the same trials: the simpler candidate.
  const raw = verificationFigures(
    heldRecs.map((r) => meanEmbedding(r.cries.map((c) => handEmb.get(c)!))),
    trials,
  ).eer
  const lm = verificationFigures(
    heldRecs.map((r) => logmelOf.get(r.clip)!),
    trials,
  )
  table.push({
    fold: k,
    infants: held.size,
    target_trials: lm.target_trials,
    eer,
    handmade_as_is: raw,
    logmel_stats: lm.eer,
  })
  console.error(
    `fold ${k}: ${held.size} infants, ${lm.target_trials} target trials; EER by learned weight ` +
      GRID.map((w, i) => `${w}: ${(100 * eer[i]!).toFixed(1)}`).join(', ') +
      `; ${values.handmade} as it is ${(100 * raw).toFixed(1)} %; log-mel statistics ${(100 * lm.eer).toFixed(1)} %`,
  )
}
const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length
const sdOf = (xs: number[]) => Math.sqrt(xs.reduce((a, v) => a + (v - mean(xs)) ** 2, 0) / (xs.length - 1))
const byWeight = GRID.map((w, i) => ({
  weight: w,
  eer_mean: mean(table.map((t) => t.eer[i]!)),
  eer_sd: sdOf(table.map((t) => t.eer[i]!)),
}))
const best = byWeight.reduce((a, b) => (b.eer_mean < a.eer_mean ? b : a))
const lmFolds = table.map((t) => t.logmel_stats)
const rawFolds = table.map((t) => t.handmade_as_is)
const sl = stats(cryVectors(fullEmb, recs))
const sh = stats(cryVectors(handEmb, recs))
const card: FusedCard = {
  format_version: 1,
  name: values.name,
  description:
    `${values.learned} (weight ${best.weight}) joined with ${values.handmade} (weight ${(1 - best.weight).toFixed(1)}), ` +
    'each block standardised on the cries of the infants the learned part was trained on; the weight chosen by ' +
    'infant-grouped cross-validation with the learned part retrained without each fold',
  parts: [
    { backbone: values.learned, weight: best.weight, mean: sl.mean, sd: sl.sd },
    { backbone: values.handmade, weight: Number((1 - best.weight).toFixed(1)), mean: sh.mean, sd: sh.sd },
  ],
  fitted_on: [...fitInfants].sort(),
  selection: {
    method:
      `${foldDirs.length}-fold cross-validation grouped by infant over the ${fitInfants.size} infants outside the ` +
      'evaluation set (training/cv.py; the learned part retrained without each fold, standardisation fitted on the ' +
      'other folds); same-platform EER of the held-out fold (protocol C: the project segmenter, clip = mean of its ' +
      'cries, cosine); the weight with the lowest mean kept',
    folds_dir: path.relative(process.cwd(), values['folds-dir']),
    chosen_weight: best.weight,
    cv_eer_mean: best.eer_mean,
    cv_eer_sd: best.eer_sd,
    by_weight: byWeight,
    handmade_as_is_same_folds: { eer_mean: mean(rawFolds), eer_sd: sdOf(rawFolds) },
    logmel_stats_same_folds: { eer_mean: mean(lmFolds), eer_sd: sdOf(lmFolds) },
    folds: table,
    fitted: new Date().toISOString().slice(0, 10),
  },
}
fs.mkdirSync(values.out, { recursive: true })
const file = path.join(values.out, `${values.name}${FUSED_SUFFIX}`)
fs.writeFileSync(file, JSON.stringify(card, null, 1) + '\n')
console.error(
  `wrote ${file}: learned weight ${best.weight}, CV EER ${(100 * best.eer_mean).toFixed(1)} ± ` +
    `${(100 * best.eer_sd).toFixed(1)} % (${values.handmade} as it is ${(100 * mean(rawFolds)).toFixed(1)} ± ` +
    `${(100 * sdOf(rawFolds)).toFixed(1)} %, log-mel statistics on the same folds ${(100 * mean(lmFolds)).toFixed(1)} ± ` +
    `${(100 * sdOf(lmFolds)).toFixed(1)} %)`,
)
for (const b of [learned, handmade, logmel]) await b.dispose()
