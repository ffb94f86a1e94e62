// `iclas eval segmentation` — protocol A of docs/evaluation.md: cry segmentation against the hand-marked
// expirations of ../shared/datasets/cry-segments, frame-level and event-based F1 with precision and recall.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { SegmentOptions } from '../../engine/audio/segment'
import { listDatasets } from '../../engine/eval/datasets'
import {
  detectionsByLabel,
  evaluateSegmentation,
  type LabelDetections,
  type SegmentationMethod,
  type SegmentationScores,
} from '../../engine/eval/segmentation'
import { UsageError, type EvalProtocol } from '../command'
import { sharedDatasetsDir } from '../data-dir'

const USAGE = `usage: iclas eval segmentation [--data DIR]… [--json FILE] [--method cry|energy] [--options JSON]
                               [--no-negatives] [--gain-db=DB]

  --data DIR      a dataset folder with a manifest.csv and a cry-segments/ TextGrid folder inside or beside it;
                  repeat to pool. Default: every dataset in ../shared/datasets. Clips with TextGrids are
                  scored (protocol A); labelled clips without them (negatives, esc-cries) are reported as the
                  share of clips in which cries were found, per label (false detections on non-cry labels).
  --no-negatives  skip the clips without TextGrids
  --method M      cry (default): the segmenter imports use (src/main/engine/audio/segment.ts);
                  energy: the trivial baseline of the protocol (20th-percentile floor + 6 dB, events ≥ 100 ms)
  --gain-db=DB    attenuate (negative) or amplify every clip by DB decibels before segmentation, in float:
                  the same clips recorded quieter or louder. Stage 0 decides relative to each recording's
                  own noise floor and loudness, so −20 and −30 should score as the clips do as recorded.
  --options JSON  segmenter options to try, e.g. '{"silenceThresholdDb":20}' (see SegmentOptions)
  --json FILE     also write the figures as JSON`

export const segmentationProtocol: EvalProtocol = {
  name: 'segmentation',
  summary: 'Protocol A: cry segmentation vs hand-marked expirations (frame and event F1)',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string', multiple: true },
        json: { type: 'string' },
        method: { type: 'string', default: 'cry' },
        options: { type: 'string' },
        'no-negatives': { type: 'boolean' },
        'gain-db': { type: 'string' },
      },
    })
    const method = values.method as SegmentationMethod
    if (method !== 'cry' && method !== 'energy') throw new UsageError(`unknown method "${values.method}"`)
    let segment: SegmentOptions | undefined
    if (values.options) {
      try {
        segment = JSON.parse(values.options) as SegmentOptions
      } catch (err) {
        throw new UsageError(`--options is not JSON: ${(err as Error).message}`)
      }
    }
    const gainDb = values['gain-db'] === undefined ? 0 : Number(values['gain-db'])
    if (!Number.isFinite(gainDb))
      throw new UsageError(`--gain-db must be a number, got "${values['gain-db']}"`)
    const dirs = values.data?.length
      ? values.data.map((d) => path.resolve(d))
      : listDatasets(sharedDatasetsDir()).filter((d) =>
          fs.existsSync(path.join(path.dirname(d), 'cry-segments')),
        )
    if (!dirs.length) {
      console.error(
        `iclas eval segmentation: no dataset found in ${sharedDatasetsDir()}; name one with --data DIR`,
      )
      return 1
    }
    const onClip = (done: number, total: number) => {
      if (process.stderr.isTTY) process.stderr.write(`\r  ${done}/${total} clips`)
    }
    const r = await evaluateSegmentation(dirs, { method, segment, gainDb, onClip })
    if (process.stderr.isTTY) process.stderr.write('\n')
    const row = (name: string, s: SegmentationScores) =>
      `${name.padEnd(12)} ${String(s.clips).padStart(5)}  ${f(s.frame_f1)}  ${f(s.frame_precision)}  ${f(s.frame_recall)}   ${f(s.event_f1)}  ${f(s.event_precision)}  ${f(s.event_recall)}  ${String(s.reference_events).padStart(5)} ${String(s.estimated_events).padStart(5)}`
    console.log(
      `Protocol A — cry segmentation, method ${method}, on ${r.datasets.join(', ')} (${(r.audio_s / 60).toFixed(1)} min of audio)` +
        (gainDb ? `, every clip at ${gainDb > 0 ? '+' : ''}${gainDb} dB` : ''),
    )
    console.log('')
    console.log('subset       clips  frame F1  prec  recall   event F1  prec  recall   refs  ests')
    console.log(row('all', r))
    for (const [k, s] of Object.entries(r.subsets)) console.log(row(k, s))
    console.log('')
    console.log(`segmentation ran at ${r.segment_x_realtime.toFixed(0)}× realtime (decoding excluded)`)
    let negatives: Record<string, LabelDetections> | undefined
    if (!values['no-negatives'] && method === 'cry') {
      negatives = await detectionsByLabel(dirs, { segment, gainDb, onClip })
      if (process.stderr.isTTY) process.stderr.write('\n')
      if (Object.keys(negatives).length) {
        console.log('')
        console.log('clips without TextGrids, by label    clips  with cries  cry time')
        for (const [k, v] of Object.entries(negatives))
          console.log(
            `${k.padEnd(34)} ${String(v.clips).padStart(6)}  ${pct(v.clips_with_cries).padStart(10)}  ${pct(v.cry_time).padStart(8)}`,
          )
      }
    }
    if (values.json)
      fs.writeFileSync(values.json, JSON.stringify({ ...r, detections_by_label: negatives }, null, 2) + '\n')
    return 0
  },
}

const f = (v: number) => v.toFixed(3).padStart(6)
const pct = (v: number) => `${(100 * v).toFixed(1)} %`
