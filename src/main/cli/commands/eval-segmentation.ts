// `iclas eval segmentation`: parses the flags of protocol A (src/main/evaluation/protocols/segmentation.ts),
// runs it and prints its tables (and its JSON with --json).
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { SegmentOptions } from '../../engine/audio/segment'
import type { SegmentationMethod } from '../../evaluation/segmentation-run'
import { defaultSegmentationData, segmentation } from '../../evaluation/protocols/segmentation'
import { UsageError, type EvalProtocol } from '../command'
import { sharedDatasetsDir } from '../data-dir'
import { runForCli } from '../eval-context'

const USAGE = `usage: iclas eval segmentation [--data DIR]… [--json FILE] [--method cry|rules|energy] [--options JSON]
                               [--no-negatives] [--gain-db=DB]

  --data DIR      a dataset folder with a manifest.csv and a cry-segments/ TextGrid folder inside or beside it;
                  repeat to pool. Default: every dataset in ../shared/datasets. Clips with TextGrids are
                  scored (protocol A); labelled clips without them (negatives, esc-cries) are reported as the
                  share of clips in which cries were found, per label (false detections on non-cry labels).
  --no-negatives  skip the clips without TextGrids
  --method M      cry (default): the segmenter imports use (src/main/engine/audio/segment.ts), with its
                  learned cry detector; rules: the same segmenter without the detector (the rule-based
                  stage 0 it replaced, RULE_BASED_OPTIONS); energy: the trivial baseline of the protocol (20th-percentile floor + 6 dB, events ≥ 100 ms)
  --gain-db=DB    attenuate (negative) or amplify every clip by DB decibels before segmentation, in float:
                  the same clips recorded quieter or louder. Stage 0 decides relative to each recording's
                  own noise floor and loudness, so −20 and −30 should score as the clips do as recorded.
  --options JSON  segmenter options to try, e.g. '{"silenceThresholdDb":20}' (see SegmentOptions)
  --json FILE     also write the figures as JSON`

export const segmentationProtocol: EvalProtocol = {
  name: 'segmentation',
  summary: segmentation.summary,
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
    if (method !== 'cry' && method !== 'rules' && method !== 'energy')
      throw new UsageError(`unknown method "${values.method}"`)
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
      : defaultSegmentationData(sharedDatasetsDir())
    if (!dirs.length) {
      console.error(
        `iclas eval segmentation: no dataset found in ${sharedDatasetsDir()}; name one with --data DIR`,
      )
      return 1
    }
    const options = { data: dirs, method, segment, negatives: !values['no-negatives'], gainDb }
    const r = await runForCli(segmentation, options)
    if (process.stderr.isTTY) process.stderr.write('\n')
    console.log(segmentation.format(r, options))
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(r, null, 2) + '\n')
    return 0
  },
}
