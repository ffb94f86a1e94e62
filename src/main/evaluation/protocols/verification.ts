// Protocol C of docs/evaluation.md (infant verification, CryCeleb-style, on Donate-a-Cry). Clip embedding = mean
// of its cries' embeddings, L2-normalised; trials = pairs of cry/unreviewed recordings of the evaluated infants on
// the same platform; cosine score; EER, minDCF (p_target 0.05), trial counts, and the EER over all pairs. Several
// backbones side by side in one run, on the same infants and cries.
import path from 'node:path'
import { extractCry } from '../../engine/audio/preprocess'
import { segmentCries } from '../../engine/audio/segment'
import { segmentByEnergy } from '../../engine/audio/segment-energy'
import { meanEmbedding, type Backbone } from '../../engine/embed/backbone'
import { embeddingPieces, type TimeSpan } from '../../engine/embed/pieces'
import type { ProviderSetting } from '../../engine/embed/providers'
import {
  checkoutModelsDir,
  defaultBackboneName,
  getBackbone,
  listBackbones,
} from '../../engine/embed/registry'
import {
  AS_NORM_TOP,
  verificationFigures,
  type ScoreCohort,
  type VerificationFigures,
} from '../metrics/verification'
import { loadClip16k, readCryIntervals, readDataset, type DatasetClip } from '../datasets'
import { EvalOptionsError, quietContext, type EvalContext, type Protocol } from '../context'

export const VERIFICATION_CURATIONS = ['cry', 'unreviewed']

export type CrySource = 'project' | 'textgrid'

/** How a trial is scored: raw cosine, or AS-norm against a cohort of infants outside the evaluation. */
export type ScoreNorm = 'none' | 'as-norm'

export interface VerificationOptions {
  dataDirs: string[]
  /** Where cries come from (default 'project': the app's segmenter). */
  segments?: CrySource
  backbones: string[]
  infants?: string[]
  splitSeed?: number
  provider?: ProviderSetting
  modelsDir?: string
  /** Trial scoring (default 'none': cosine). */
  scoreNorm?: ScoreNorm
  /** Also split the evaluated infants into this many folds (grouped by infant) and report each fold's EER. */
  cv?: number
  log?: (msg: string) => void
}

/** Infant-grouped k-fold figures: each fold's same-platform EER (its infants' trials only). */
export interface CrossValidation {
  folds: number
  eer_mean: number
  eer_sd: number
  /** NaN where a fold holds no target trial (left out of the mean). */
  fold_eers: number[]
}

export interface BackboneResult extends VerificationFigures {
  backbone: string
  kind: string
  provider: string
  scope: 'cry' | 'recording'
  infants: number
  recordings: number
  cries: number
  cv?: CrossValidation
}

export interface VerificationReport {
  results: BackboneResult[]
  infantIds: string[]
  selection: string
  segments: Record<string, number>
  recordings: number
  /** How trials were scored, in words (cosine, or AS-norm with its cohort). */
  scoring: string
  cvFolds?: number
}

export async function runVerification(
  opts: VerificationOptions,
  ctx: EvalContext = quietContext(),
): Promise<VerificationReport> {
  const log = opts.log ?? ctx.log
  const mdir = opts.modelsDir ?? checkoutModelsDir()
  const names = opts.backbones.length ? [...opts.backbones] : [await defaultBackboneName(mdir)]
  if (names.includes('all'))
    names.splice(
      names.indexOf('all'),
      1,
      ...(await listBackbones(mdir)).filter((e) => !e.problem).map((e) => e.name),
    )
  const backbones: Backbone[] = []
  try {
    for (const n of names)
      backbones.push(await getBackbone(n, { modelsDir: mdir, provider: opts.provider ?? 'cpu', log }))
    const clips = opts.dataDirs.flatMap((d) => readDataset(d).clips)
    const usable = clips.filter(
      (c) => c.infantId && c.platform && c.curation && VERIFICATION_CURATIONS.includes(c.curation),
    )
    if (!usable.length)
      throw new Error(
        `no cry/unreviewed recordings with infant_id and platform in ${opts.dataDirs.join(', ')}`,
      )
    const { infants, selection } = chooseInfants(usable, backbones, opts)
    const chosen = usable.filter((c) => infants.has(c.infantId!))
    const scoreNorm = opts.scoreNorm ?? 'none'
    const cv = opts.cv
    if (cv !== undefined && (!Number.isInteger(cv) || cv < 2 || cv > infants.size))
      throw new EvalOptionsError(
        `cross-validation needs 2 to ${infants.size} folds (one infant or more each)`,
      )
    // AS-norm's cohort: recordings of infants outside the evaluation (embedded too, never scored as trials).
    const outside = scoreNorm === 'as-norm' ? usable.filter((c) => !infants.has(c.infantId!)) : []
    if (scoreNorm === 'as-norm' && !outside.length && cv === undefined)
      throw new EvalOptionsError(
        'AS-norm needs a cohort of infants outside the evaluation: every infant is evaluated here ' +
          '(use --cv, --split-seed or --infants)',
      )
    const pool = [...chosen, ...outside]
    log(
      `protocol C: ${chosen.length} recordings of ${infants.size} infants (${selection})` +
        (outside.length ? `; cohort ${outside.length} recordings outside them` : ''),
    )

    const needsCries = backbones.some((b) => b.scope === 'cry')
    const embeddings = backbones.map(() => [] as Float32Array[])
    const cries = backbones.map(() => 0)
    const segments: Record<string, number> = {}
    for (const [i, clip] of pool.entries()) {
      const wave = await loadClip16k(clip.file)
      // Whole-recording baselines need no segmentation.
      const { spans, source } = needsCries
        ? crySpans(clip, wave, opts.segments ?? 'project')
        : { spans: [], source: 'none (whole recordings)' }
      segments[source] = (segments[source] ?? 0) + 1
      const pieces = needsCries
        ? embeddingPieces(spans, wave.length / 16000).map((s) => extractCry(wave, s.startS, s.endS))
        : []
      for (const [k, b] of backbones.entries()) {
        const input = b.scope === 'recording' ? [wave] : pieces.filter((p) => p.length >= 400)
        if (!input.length) throw new Error(`${clip.relPath}: no cry long enough to embed`)
        embeddings[k]!.push(meanEmbedding(await b.embedCries(input)))
        if (i < chosen.length) cries[k] = cries[k]! + input.length
      }
      ctx.progress((i + 1) / pool.length, `${i + 1}/${pool.length} recordings`)
      if ((i + 1) % 50 === 0 || i + 1 === pool.length) log(`  ${i + 1}/${pool.length} recordings`)
    }
    const recs = pool.map((c) => ({ infant: c.infantId!, platform: c.platform! }))
    const folds = cv === undefined ? undefined : infantFolds([...infants], cv, opts.splitSeed ?? 1)
    const results = backbones.map((b, k): BackboneResult => {
      // Figures over the recordings of `scored` infants, AS-norm's cohort being every other pooled recording.
      const figures = (scored: (infant: string) => boolean, norm = scoreNorm === 'as-norm') => {
        const idx = recs.flatMap((r, i) => (scored(r.infant) ? [i] : []))
        const rest = recs.flatMap((r, i) => (scored(r.infant) ? [] : [i]))
        const cohort: ScoreCohort | undefined = norm
          ? {
              embeddings: rest.map((i) => embeddings[k]![i]!),
              platforms: rest.map((i) => recs[i]!.platform),
            }
          : undefined
        return verificationFigures(
          idx.map((i) => embeddings[k]![i]!),
          idx.map((i) => recs[i]!),
          cohort,
        )
      }
      return {
        backbone: b.name,
        kind: b.kind,
        provider: b.provider.active,
        scope: b.scope,
        // AS-norm over every infant at once has no cohort left: only the folds' figures exist then.
        ...(scoreNorm === 'as-norm' && !outside.length
          ? withoutFigures(figures((id) => infants.has(id), false))
          : figures((id) => infants.has(id))),
        infants: infants.size,
        recordings: chosen.length,
        cries: cries[k]!,
        ...(folds && { cv: crossValidation(folds.map((f) => figures((id) => f.has(id)).eer)) }),
      }
    })
    const scoring =
      scoreNorm === 'as-norm'
        ? `AS-norm: each recording's cosine scores against the ${AS_NORM_TOP} closest same-platform recordings of ` +
          `a cohort of infants outside the scored ones (${cv === undefined ? `${outside.length} recordings` : outside.length ? 'the other folds and the unevaluated infants' : 'the other folds; no infant is left outside them, so only the folds have figures'})`
        : 'cosine'
    return {
      results,
      infantIds: [...infants].sort(),
      selection,
      segments,
      recordings: chosen.length,
      scoring,
      cvFolds: cv,
    }
  } finally {
    for (const b of backbones) await b.dispose()
  }
}

/**
 * The infants to evaluate: the ones asked for (refusing any a chosen backbone was trained or validated on), or
 * every infant no chosen backbone has seen (optionally a seeded random half of them).
 */
function chooseInfants(
  clips: DatasetClip[],
  backbones: Backbone[],
  opts: VerificationOptions,
): { infants: Set<string>; selection: string } {
  const all = new Set(clips.map((c) => c.infantId!))
  const seen = new Map<string, string>()
  for (const b of backbones)
    for (const id of [...b.trainedOn.train, ...b.trainedOn.validation])
      if (!seen.has(id)) seen.set(id, b.name)
  if (opts.infants) {
    const missing = opts.infants.filter((i) => !all.has(i))
    if (missing.length)
      throw new EvalOptionsError(
        `no cry/unreviewed recordings for infant(s) ${missing.slice(0, 5).join(', ')}`,
      )
    const overlap = opts.infants.filter((i) => seen.has(i))
    if (overlap.length)
      throw new EvalOptionsError(
        `refused: ${overlap.length} of the requested infants were used to train or validate a backbone ` +
          `(${overlap
            .slice(0, 5)
            .map((i) => `${i} by ${seen.get(i)}`)
            .join(', ')}${overlap.length > 5 ? ', …' : ''}); evaluate infants it never saw`,
      )
    return {
      infants: new Set(opts.infants),
      selection: `${opts.infants.length} infants given with --infants`,
    }
  }
  const unseen = [...all].filter((i) => !seen.has(i)).sort()
  if (!unseen.length)
    throw new EvalOptionsError('every infant in the data was used to train or validate a chosen backbone')
  const rule = seen.size
    ? `every infant the backbones' cards do not list as training or validation (${all.size - unseen.length} excluded)`
    : 'every infant in the data (no chosen backbone was trained on any)'
  if (opts.splitSeed === undefined) return { infants: new Set(unseen), selection: rule }
  const rng = mulberry32(opts.splitSeed)
  for (let i = unseen.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[unseen[i], unseen[j]] = [unseen[j]!, unseen[i]!]
  }
  const half = unseen.slice(0, Math.max(2, Math.ceil(unseen.length / 2)))
  return { infants: new Set(half), selection: `half of ${rule}, split seed ${opts.splitSeed}` }
}

/** Cry segments of a clip: the app's segmenter, or hand-marked TextGrid cries with an energy fallback. */
function crySpans(
  clip: DatasetClip,
  wave: Float32Array,
  from: CrySource,
): { spans: TimeSpan[]; source: string } {
  if (from === 'project') return { spans: segmentCries(wave), source: 'project segmenter' }
  if (clip.segmentsFile)
    return {
      spans: readCryIntervals(clip.segmentsFile).map(([startS, endS]) => ({ startS, endS })),
      source: 'TextGrid',
    }
  return { spans: segmentByEnergy(wave, 16000), source: 'energy threshold (no TextGrid)' }
}

/** The infants dealt into k folds of near-equal size, in a seeded random order. */
export function infantFolds(infants: string[], k: number, seed: number): Set<string>[] {
  const ids = [...infants].sort()
  const rng = mulberry32(seed)
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[ids[i], ids[j]] = [ids[j]!, ids[i]!]
  }
  return Array.from({ length: k }, (_, f) => new Set(ids.filter((_, i) => i % k === f)))
}

function withoutFigures(f: VerificationFigures): VerificationFigures {
  const none = Number.NaN
  return { ...f, eer: none, eer_ci95: [none, none], eer_all_pairs: none, min_dcf: none, roc: undefined }
}

function crossValidation(foldEers: number[]): CrossValidation {
  const ok = foldEers.filter(Number.isFinite)
  const mean = ok.length ? ok.reduce((a, v) => a + v, 0) / ok.length : Number.NaN
  const sd =
    ok.length > 1 ? Math.sqrt(ok.reduce((a, v) => a + (v - mean) ** 2, 0) / (ok.length - 1)) : Number.NaN
  return { folds: foldEers.length, eer_mean: mean, eer_sd: sd, fold_eers: foldEers }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function formatResults(r: VerificationReport): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : 'n/a')
  const rows = r.results.map((x) => [
    x.backbone,
    x.kind !== 'acoustic' ? x.provider : x.scope === 'recording' ? 'whole rec.' : 'model-free',
    pct(x.eer),
    x.eer_ci95 && Number.isFinite(x.eer_ci95[0])
      ? `${(100 * x.eer_ci95[0]).toFixed(1)}–${(100 * x.eer_ci95[1]).toFixed(1)} %`
      : 'n/a',
    pct(x.eer_all_pairs),
    Number.isFinite(x.min_dcf) ? x.min_dcf.toFixed(3) : 'n/a',
    String(x.target_trials),
    String(x.nontarget_trials),
    String(x.cries),
    ...(r.cvFolds
      ? [
          x.cv && Number.isFinite(x.cv.eer_mean)
            ? `${(100 * x.cv.eer_mean).toFixed(1)} ± ${(100 * x.cv.eer_sd).toFixed(1)} %`
            : 'n/a',
        ]
      : []),
  ])
  const head = [
    'backbone',
    'runs on',
    'EER',
    '95 % (infants)',
    'EER all pairs',
    'minDCF',
    'target',
    'non-target',
    'embedded',
    ...(r.cvFolds ? [`CV EER (${r.cvFolds} folds)`] : []),
  ]
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')
  const seg = Object.entries(r.segments)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  return [
    `Protocol C — infant verification: ${r.infantIds.length} infants, ${r.recordings} recordings (${r.selection})`,
    `cries: ${seg}; same-platform trials (EER all pairs: any platform); minDCF at p_target 0.05;`,
    `95 % interval of the EER by bootstrap over infants (1,000 draws of the infants with replacement)`,
    `scores: ${r.scoring}`,
    ...(r.cvFolds
      ? [
          `CV: the evaluated infants dealt into ${r.cvFolds} folds (grouped by infant); mean ± sd of the folds' EERs`,
        ]
      : []),
    '',
    line(head),
    line(w.map((n) => '-'.repeat(n))),
    ...rows.map(line),
  ].join('\n')
}

export interface VerificationRunOptions {
  /** Donate-a-Cry-like dataset folders. */
  data: string[]
  /** Backbones by name; empty: the default one. */
  backbones: string[]
  infants?: string[]
  splitSeed?: number
  segments: CrySource
  provider: ProviderSetting
  modelsDir?: string
  scoreNorm?: ScoreNorm
  cv?: number
}

/** What `iclas eval verification --json` writes: the first backbone at the top level, all under "backbones". */
export type VerificationJson = Partial<BackboneResult> & {
  protocol: 'C'
  infants: number
  infant_ids: string[]
  selection: string
  segments: Record<string, number>
  data: string[]
  backbones: BackboneResult[]
  scoring?: string
  cv_folds?: number
}

export const verification: Protocol<VerificationRunOptions, VerificationJson> = {
  name: 'verification',
  letter: 'C',
  summary: 'C: infant verification (EER, minDCF) of cry embeddings on held-out infants',
  async run(o, ctx) {
    const report = await runVerification(
      {
        dataDirs: o.data,
        backbones: o.backbones,
        infants: o.infants,
        splitSeed: o.splitSeed,
        segments: o.segments,
        provider: o.provider,
        modelsDir: o.modelsDir,
        scoreNorm: o.scoreNorm,
        cv: o.cv,
      },
      ctx,
    )
    const [first] = report.results
    return {
      protocol: 'C',
      ...first,
      infants: report.infantIds.length,
      infant_ids: report.infantIds,
      selection: report.selection,
      segments: report.segments,
      data: o.data.map((d) => path.resolve(d)),
      backbones: report.results,
      scoring: report.scoring,
      ...(report.cvFolds && { cv_folds: report.cvFolds }),
    }
  },
  format(doc) {
    return formatResults({
      results: doc.backbones,
      infantIds: doc.infant_ids,
      selection: doc.selection,
      segments: doc.segments,
      recordings: doc.recordings ?? 0,
      scoring: doc.scoring ?? 'cosine',
      cvFolds: doc.cv_folds,
    })
  },
}
