// `iclas eval segmentation-sim` — protocol A's metrics on the ward simulator's ground truth: stage 0's cry
// segmentation on long recordings with ward noise, every expiration the simulator placed as reference.
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import type { SegmentOptions } from '../../engine/audio/segment'
import { evaluateSegmentationOnWard } from '../../engine/eval/segmentation-sim'
import type { WardConfig } from '../../engine/sim'
import { UsageError, type EvalProtocol } from '../command'

/** Four infants over two days, one 2-hour recording a day each, two of them deviating: 16 h of ward audio. */
export const SIM_SEGMENTATION_WARD: Partial<WardConfig> = {
  seed: 1,
  infants: 4,
  days: 2,
  hoursPerDay: 2,
  sessionsPerDay: 1,
  deviating: 2,
  labelPrefix: 'sim',
}

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
  summary: "Protocol A's metrics on the ward simulator's ground truth (long recordings, ward noise)",
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
    let r
    try {
      r = await evaluateSegmentationOnWard(ward, {
        segment,
        signal: abort.signal,
        onRecording: (done, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\r  ${done}/${total} recordings`)
        },
      })
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message)
      throw err
    }
    if (process.stderr.isTTY) process.stderr.write('\n')
    const w = r.ward
    console.log(
      `Protocol A on a simulated ward — seed ${w.seed}: ${w.infants} infants × ${w.days} days × ${w.hoursPerDay} h ` +
        `(${r.recordings} recordings, ${(r.audio_s / 3600).toFixed(1)} h of audio, ${w.deviating} deviating)`,
    )
    console.log('')
    console.log('              frame F1  prec  recall   event F1  prec  recall    refs   ests')
    console.log(
      `segmenter     ${f(r.frame_f1)}  ${f(r.frame_precision)}  ${f(r.frame_recall)}   ${f(r.event_f1)}  ${f(r.event_precision)}  ${f(r.event_recall)}  ${String(r.reference_events).padStart(6)} ${String(r.estimated_events).padStart(6)}`,
    )
    console.log('')
    console.log('event recall by phonation and deviation state')
    for (const [k, v] of [...Object.entries(r.recall_by_phonation), ...Object.entries(r.recall_by_state)])
      console.log(`  ${k.padEnd(16)} ${f(v.recall)}  of ${v.cries} cries`)
    console.log('')
    console.log('false detections (overlapping no reference cry), by the ward sound they overlap most')
    for (const [k, n] of Object.entries(r.false_detections_by_background))
      console.log(`  ${k.padEnd(16)} ${String(n).padStart(6)}`)
    console.log('')
    console.log(`simulation and segmentation ran at ${r.x_realtime.toFixed(0)}× realtime`)
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(r, null, 2) + '\n')
    return 0
  },
}

const f = (v: number) => v.toFixed(3).padStart(6)
