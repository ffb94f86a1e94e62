// Protocol A of docs/evaluation.md: cry segmentation against the hand-marked expirations of
// ../shared/datasets/cry-segments, frame-level and event-based F1 with precision and recall; labelled clips
// without TextGrids (negatives, esc-cries) as the share of clips in which cries were found, per label.
import fs from 'node:fs'
import path from 'node:path'
import { RULE_BASED_OPTIONS, type SegmentOptions } from '../../engine/audio/segment'
import { listDatasets } from '../datasets'
import {
  detectionsByLabel,
  evaluateSegmentation,
  type LabelDetections,
  type SegmentationMethod,
  type SegmentationReport as Scores,
  type SegmentationScores,
} from '../segmentation-run'
import { phase, type Protocol } from '../context'

export interface SegmentationOptions {
  /** Dataset folders, each with a manifest.csv and a cry-segments/ TextGrid folder inside or beside it. */
  data: string[]
  /** 'cry': the segmenter imports use; 'rules': it without its learned detector; 'energy': the protocol's
   * trivial baseline. */
  method: SegmentationMethod
  /** Segmenter options to try. */
  segment?: SegmentOptions
  /** Score the labelled clips without TextGrids too (method 'cry' only). */
  negatives: boolean
  /** Every clip attenuated (negative) or amplified by this many dB before segmentation. */
  gainDb: number
}

/** What `iclas eval segmentation --json` writes. */
export type SegmentationReport = Scores & { detections_by_label?: Record<string, LabelDetections> }

/** The datasets of a shared folder protocol A scores: those with a cry-segments/ folder beside them. */
export function defaultSegmentationData(sharedRoot: string): string[] {
  return listDatasets(sharedRoot).filter((d) => fs.existsSync(path.join(path.dirname(d), 'cry-segments')))
}

export const segmentation: Protocol<SegmentationOptions, SegmentationReport> = {
  name: 'segmentation',
  letter: 'A',
  summary: 'Protocol A: cry segmentation vs hand-marked expirations (frame and event F1)',
  async run(o, ctx) {
    const negatives = o.negatives && o.method !== 'energy'
    const scoring = phase(ctx, 0, negatives ? 0.5 : 1)
    const onClip = (c: typeof ctx) => (done: number, total: number) =>
      c.progress(done / total, `${done}/${total} clips`)
    const r = await evaluateSegmentation(o.data, {
      method: o.method,
      segment: o.segment,
      gainDb: o.gainDb,
      onClip: onClip(scoring),
    })
    let detections: Record<string, LabelDetections> | undefined
    if (negatives)
      detections = await detectionsByLabel(o.data, {
        segment: o.method === 'rules' ? { ...RULE_BASED_OPTIONS, ...o.segment } : o.segment,
        gainDb: o.gainDb,
        onClip: onClip(phase(ctx, 0.5, 1)),
      })
    return { ...r, detections_by_label: detections }
  },
  format(r) {
    const w = Math.max(12, ...Object.keys(r.subsets).map((k) => k.length))
    const row = (name: string, s: SegmentationScores) =>
      `${name.padEnd(w)} ${String(s.clips).padStart(5)}  ${f(s.frame_f1)}  ${f(s.frame_precision)}  ${f(s.frame_recall)}   ${f(s.event_f1)}  ${f(s.event_precision)}  ${f(s.event_recall)}  ${String(s.reference_events).padStart(5)} ${String(s.estimated_events).padStart(5)}`
    const lines = [
      `Protocol A — cry segmentation, method ${r.method}, on ${r.datasets.join(', ')} (${(r.audio_s / 60).toFixed(1)} min of audio)` +
        (r.gain_db ? `, every clip at ${r.gain_db > 0 ? '+' : ''}${r.gain_db} dB` : ''),
      '',
      `${'subset'.padEnd(w)}  clips  frame F1  prec  recall   event F1  prec  recall   refs  ests`,
      row('all', r),
      ...Object.entries(r.subsets).map(([k, s]) => row(k, s)),
      '',
      `segmentation ran at ${r.segment_x_realtime.toFixed(0)}× realtime (decoding excluded)`,
    ]
    const negatives = r.detections_by_label
    if (negatives && Object.keys(negatives).length) {
      const lw = Math.max(34, ...Object.keys(negatives).map((k) => k.length))
      lines.push('', `${'clips without TextGrids, by label'.padEnd(lw)}   clips  with cries  cry time`)
      for (const [k, v] of Object.entries(negatives))
        lines.push(
          `${k.padEnd(lw)} ${String(v.clips).padStart(6)}  ${pct(v.clips_with_cries).padStart(10)}  ${pct(v.cry_time).padStart(8)}`,
        )
    }
    return lines.join('\n')
  },
}

const f = (v: number) => v.toFixed(3).padStart(6)
const pct = (v: number) => `${(100 * v).toFixed(1)} %`
