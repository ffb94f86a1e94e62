// Protocol A's metrics on the ward simulator's ground truth: stage 0's cry segmentation on long recordings with
// ward noise, every expiration the simulator placed as reference (`iclas eval segmentation-sim`).
import type { SegmentOptions } from '../../engine/audio/segment'
import { evaluateSegmentationOnWard, type WardSegmentationReport } from '../segmentation-ward'
import type { WardConfig } from '../../engine/sim'
import { EvalOptionsError, type Protocol } from '../context'

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

export interface SegmentationSimOptions {
  /** The simulated ward (SIM_SEGMENTATION_WARD with the caller's changes). */
  ward: Partial<WardConfig>
  /** Segmenter options to try. */
  segment?: SegmentOptions
}

export const segmentationSim: Protocol<SegmentationSimOptions, WardSegmentationReport> = {
  name: 'segmentation-sim',
  letter: 'A',
  summary: "Protocol A's metrics on the ward simulator's ground truth (long recordings, ward noise)",
  async run(o, ctx) {
    try {
      return await evaluateSegmentationOnWard(o.ward, {
        segment: o.segment,
        signal: ctx.signal,
        onRecording: (done, total) => ctx.progress(done / total, `${done}/${total} recordings`),
      })
    } catch (err) {
      // An impossible ward (more deviating infants than infants…).
      if (err instanceof RangeError) throw new EvalOptionsError(err.message)
      throw err
    }
  },
  format(r) {
    const lines: string[] = []
    const w = r.ward
    lines.push(
      `Protocol A on a simulated ward — seed ${w.seed}: ${w.infants} infants × ${w.days} days × ${w.hoursPerDay} h ` +
        `(${r.recordings} recordings, ${(r.audio_s / 3600).toFixed(1)} h of audio, ${w.deviating} deviating)`,
    )
    lines.push('')
    lines.push('              frame F1  prec  recall   event F1  prec  recall    refs   ests')
    lines.push(
      `segmenter     ${f(r.frame_f1)}  ${f(r.frame_precision)}  ${f(r.frame_recall)}   ${f(r.event_f1)}  ${f(r.event_precision)}  ${f(r.event_recall)}  ${String(r.reference_events).padStart(6)} ${String(r.estimated_events).padStart(6)}`,
    )
    lines.push('')
    lines.push('event recall by phonation and deviation state')
    for (const [k, v] of [...Object.entries(r.recall_by_phonation), ...Object.entries(r.recall_by_state)])
      lines.push(`  ${k.padEnd(16)} ${f(v.recall)}  of ${v.cries} cries`)
    lines.push('')
    lines.push('false detections (overlapping no reference cry), by the ward sound they overlap most')
    for (const [k, n] of Object.entries(r.false_detections_by_background))
      lines.push(`  ${k.padEnd(16)} ${String(n).padStart(6)}`)
    lines.push('')
    lines.push(`simulation and segmentation ran at ${r.x_realtime.toFixed(0)}× realtime`)
    return lines.join('\n')
  },
}

const f = (v: number) => v.toFixed(3).padStart(6)
