// `iclas eval segmentation-sim`: parses the flags of protocol A on a simulated ward
// (src/main/evaluation/protocols/segmentation-sim.ts), runs it and prints its tables (and its JSON with --json).
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import type { SegmentOptions } from '../../engine/audio/segment'
import type { WardConfig } from '../../engine/sim'
import { SIM_SEGMENTATION_WARD, segmentationSim } from '../../evaluation/protocols/segmentation-sim'
import { UsageError, type EvalProtocol } from '../command'
import { runForCli } from '../eval-context'

const USAGE = `usage: iclas eval segmentation-sim [--seed S] [--infants 4] [--days 2] [--hours-per-day 2] [--deviating 2]
                                   [--cry-rate 1] [--options JSON] [--json FILE]

Simulates a ward (iclas simulate's simulator: long recordings with monitor beeps and alarms, HVAC, speech,
doors and distant infants) and scores stage 0's segmentation of it against the simulator's ground truth with
protocol A's metrics (frame F1 on 10 ms frames; event F1 with ±200 ms onset and ±200 ms / 20 % offset
collars), plus event recall per phonation type and deviation state and what the false detections overlapped.
The same seed and options give the same figures.

  --options JSON  segmenter options to try (see SegmentOptions)
  --json FILE     also write the figures as JSON (protocol A's keys and the extras)`

export const segmentationSimProtocol: EvalProtocol = {
  name: 'segmentation-sim',
  summary: segmentationSim.summary,
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        seed: { type: 'string' },
        infants: { type: 'string' },
        days: { type: 'string' },
        'hours-per-day': { type: 'string' },
        deviating: { type: 'string' },
        'cry-rate': { type: 'string' },
        options: { type: 'string' },
        json: { type: 'string' },
      },
    })
    const num = (name: keyof typeof values): number | undefined => {
      const v = values[name]
      if (typeof v !== 'string') return undefined
      const n = Number(v)
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`)
      return n
    }
    const ward: Partial<WardConfig> = { ...SIM_SEGMENTATION_WARD }
    const set = <K extends keyof WardConfig>(k: K, v: WardConfig[K] | undefined) => {
      if (v !== undefined) ward[k] = v
    }
    set('seed', num('seed'))
    set('infants', num('infants'))
    set('days', num('days'))
    set('hoursPerDay', num('hours-per-day'))
    set('deviating', num('deviating'))
    set('cryRate', num('cry-rate'))
    let segment: SegmentOptions | undefined
    if (values.options) {
      try {
        segment = JSON.parse(values.options) as SegmentOptions
      } catch (err) {
        throw new UsageError(`--options is not JSON: ${(err as Error).message}`)
      }
    }
    const abort = new AbortController()
    process.once('SIGINT', () => abort.abort())
    const options = { ward, segment }
    const r = await runForCli(segmentationSim, options, abort.signal)
    if (process.stderr.isTTY) process.stderr.write('\n')
    console.log(segmentationSim.format(r, options))
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(r, null, 2) + '\n')
    return 0
  },
}
