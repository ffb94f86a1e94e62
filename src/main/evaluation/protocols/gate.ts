// Protocol B of docs/evaluation.md: the shipped cry / non-cry classifier (models/gate/cry-classifier.json) on
// every clip whose source it was not trained on, ROC AUC and recall at 5 % FPR; or the protocol's trivial
// autocorrelation method "for scale"; optionally the classifier's acceptance of stage 0's cries per kind of sound.
import fs from 'node:fs'
import { segmentCries } from '../../engine/audio/segment'
import { peakNormalise } from '../../engine/audio/preprocess'
import type { Backbone } from '../../engine/embed/backbone'
import { aperiodic, pitchKeepDuration } from '../cry-changes'
import { loadClip16k, readDataset } from '../datasets'
import { acceptance, simulatedAcceptance, type AcceptanceGroup, type PCryOf } from '../gate-acceptance'
import { gateClips } from '../gate-corpus'
import { recallAtFpr, rocAuc, rocCurve, type RocPoint } from '../metrics/roc'
import { clipScore, loadCryClassifier, type CryClassifier } from '../../engine/gate/cry-classifier'
import { DEFAULT_ANALYSIS } from '../../engine/settings'
import { EvalOptionsError, phase, type EvalContext, type Protocol } from '../context'
import { DEFAULT_CLASSIFIER, MIN_CRY_SAMPLES, openBackbones, viewClips, type ClipView } from '../gate-clips'

export interface GateOptions {
  /** Dataset folders (manifest.csv each). */
  data: string[]
  method: 'classifier' | 'autocorr'
  /** The classifier file (default: the shipped one). */
  classifier?: string
  /** Also the acceptance of stage 0's cries, per kind of sound. */
  acceptance?: boolean
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
  ctx: EvalContext,
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
  ctx.log(`  acceptance: ${cries.length} held-out real cry clips, changed`)
  const changes: [string, (w: Float32Array) => Promise<Float32Array>][] = [
    ['real cry, pitch +30 % (timing kept)', (w) => pitchKeepDuration(w, 0.3)],
    ['real cry, noise at 5 dB HNR', async (w) => aperiodic(w, 5)],
  ]
  for (const [c, [name, change]] of changes.entries()) {
    const p: number[] = []
    for (const [i, v] of cries.entries()) {
      ctx.progress((c + i / cries.length) / (changes.length + 1), `acceptance: ${name}`)
      const wave = await change(await loadClip16k(v.g.clip.file))
      const sounds = segmentCries(wave).filter((s) => (s.endS - s.startS) * 16000 >= MIN_CRY_SAMPLES)
      const pieces = sounds.map((s) => wave.slice(Math.round(s.startS * 16000), Math.round(s.endS * 16000)))
      p.push(...(await pCry(pieces)))
    }
    out.push(acceptance(name, p, minCry))
  }
  ctx.log('  acceptance: the simulator’s cries')
  ctx.progress(changes.length / (changes.length + 1), 'acceptance: the simulator’s cries')
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

export const gate: Protocol<GateOptions, GateReport> = {
  name: 'gate',
  letter: 'B',
  summary: 'Protocol B: cry / non-cry gate (ROC AUC, recall at 5 % FPR) on held-out sources',
  async run(o, ctx) {
    const all = gateClips(o.data.map((d) => readDataset(d)))
    if (o.method === 'autocorr') {
      const views = await viewClips(all, [], ctx)
      return report(
        'autocorr-share (for scale)',
        views.map((v) => v.periodicShare),
        views,
      )
    }
    if (o.method !== 'classifier') throw new EvalOptionsError(`unknown method "${o.method as string}"`)
    const file = o.classifier ?? DEFAULT_CLASSIFIER()
    if (!fs.existsSync(file))
      throw new EvalOptionsError(`no cry classifier at ${file}: train one with \`iclas train gate\``)
    const classifier = await loadCryClassifier(file)
    const trained = new Set(classifier.file.training.sources)
    const held = all.filter((c) => !trained.has(c.group))
    ctx.log(
      `protocol B: ${held.length} held-out clips (${all.length - held.length} from training sources left out), backbones ${classifier.backbones.join(' + ')}`,
    )
    const backbones = await openBackbones(classifier.backbones, ctx.log)
    try {
      const views = await viewClips(held, backbones, phase(ctx, 0, o.acceptance ? 0.6 : 1))
      const scores = views.map((v) => {
        const p = classifier.predict(v.embeddings, v.sounds.length)
        return clipScore(
          classifier,
          v.sounds.map((s, k) => ({ ...s, pCry: p[k]! })),
          v.durationS,
        )
      })
      const r: GateReport = report(`cry classifier on ${classifier.backbones.join(' + ')}`, scores, views)
      if (o.acceptance)
        r.acceptance = await acceptanceReport(classifier, backbones, views, phase(ctx, 0.6, 1))
      return r
    } finally {
      for (const b of backbones) await b.dispose()
    }
  },
  format(r) {
    const lines = [
      `\nProtocol B — cry / non-cry gate: ${r.method}`,
      `  clips           ${r.positives} positive, ${r.negatives} negative (${r.held_out_groups} held-out sources)`,
      `  no cry found    ${r.clips_without_cries.positives} positive, ${r.clips_without_cries.negatives} negative clips`,
      `  ROC AUC         ${r.auc.toFixed(4)}`,
      `  recall @ 5% FPR ${r.recall_at_5pct_fpr.toFixed(4)}`,
    ]
    if (r.acceptance) {
      lines.push(
        `\n  acceptance (P(cry) ≥ ${DEFAULT_ANALYSIS.minCryConfidence}) of the sounds stage 0 keeps as cries`,
      )
      for (const a of r.acceptance)
        lines.push(
          `  ${a.group.padEnd(44)} ${String(a.sounds).padStart(6)} sounds  ${(a.accepted * 100).toFixed(1).padStart(5)} % accepted  median P(cry) ${a.median_p_cry?.toFixed(2) ?? '—'}`,
        )
    }
    return lines.join('\n')
  },
}
