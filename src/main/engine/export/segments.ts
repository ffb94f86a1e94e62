// Cry segments for the tools researchers and clinicians mark audio in: Praat TextGrid (long text format, the
// format of the project's hand-marked ground truth, read back by evaluation/datasets.ts's parseTextGrid) and Audacity
// label tracks. No npm package writes either; both formats are a few lines of text. Boundaries are written to
// the millisecond (a boundary moved by hand is stored to the millisecond; stage 0's fall on its 10 ms frames),
// each rounded once, so an interval's end and the next one's start are the same number.
import { formatNumber } from './csv'

export interface Segment {
  startS: number
  endS: number
  label: string
}

export interface Tier {
  name: string
  segments: Segment[]
}

/** Seconds rounded to the millisecond. */
export const toMs = (s: number) => Math.round(s * 1000) / 1000

/** A boundary as written: the recording's end as it is, any other time with three decimals (milliseconds). */
const boundary = (s: number, durationS: number) => (s === durationS ? formatNumber(s) : s.toFixed(3))

/** Sorted, clipped to [0, durationS], overlaps cut at the previous end, empty segments dropped. */
export function tidySegments(segments: readonly Segment[], durationS: number): Segment[] {
  const out: Segment[] = []
  let prevEnd = 0
  for (const s of [...segments].sort((a, b) => a.startS - b.startS || a.endS - b.endS)) {
    const startS = Math.max(prevEnd, Math.max(0, s.startS))
    const endS = Math.min(durationS, s.endS)
    if (!(endS > startS)) continue
    out.push({ startS, endS, label: s.label })
    prevEnd = endS
  }
  return out
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`

/** A Praat TextGrid with one IntervalTier per tier; gaps between segments become empty intervals. */
export function textGrid(durationS: number, tiers: readonly Tier[]): string {
  const n = formatNumber
  const lines = [
    'File type = "ooTextFile"',
    'Object class = "TextGrid"',
    '',
    'xmin = 0',
    `xmax = ${n(durationS)}`,
    'tiers? <exists>',
    `size = ${tiers.length}`,
    'item []:',
  ]
  tiers.forEach((tier, t) => {
    const intervals: Segment[] = []
    let pos = 0
    const atMs = tier.segments.map((s) => ({ ...s, startS: toMs(s.startS), endS: toMs(s.endS) }))
    for (const s of tidySegments(atMs, durationS)) {
      if (s.startS > pos) intervals.push({ startS: pos, endS: s.startS, label: '' })
      intervals.push(s)
      pos = s.endS
    }
    if (pos < durationS || intervals.length === 0) intervals.push({ startS: pos, endS: durationS, label: '' })
    lines.push(
      `    item [${t + 1}]:`,
      '        class = "IntervalTier"',
      `        name = ${quote(tier.name)}`,
      '        xmin = 0',
      `        xmax = ${n(durationS)}`,
      `        intervals: size = ${intervals.length}`,
    )
    intervals.forEach((iv, i) => {
      lines.push(
        `        intervals [${i + 1}]:`,
        `            xmin = ${boundary(iv.startS, durationS)}`,
        `            xmax = ${boundary(iv.endS, durationS)}`,
        `            text = ${quote(iv.label)}`,
      )
    })
  })
  return lines.join('\n') + '\n'
}

/** An Audacity label track: "start<TAB>end<TAB>label" per line, seconds with 6 decimals (to the millisecond). */
export function audacityLabels(segments: readonly Segment[], durationS: number): string {
  const atMs = segments.map((s) => ({ ...s, startS: toMs(s.startS), endS: toMs(s.endS) }))
  return tidySegments(atMs, durationS)
    .map((s) => `${s.startS.toFixed(6)}\t${s.endS.toFixed(6)}\t${s.label.replace(/[\t\r\n]+/g, ' ')}\n`)
    .join('')
}
