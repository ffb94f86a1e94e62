// What a new infant's timeline says while its baseline is collected: how many baseline cries and recordings
// are in, and how many more are needed before its cries are scored (the gate's baselineMinCries and
// baselineMinRecordings settings).
import type { Timeline } from '../../../shared/contract'

const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`

/** The sentence for a timeline still without a personal model, or null once the infant is tracked. */
export function baselineNeeds(t: Pick<Timeline, 'phase' | 'baseline'>): string | null {
  if (t.phase === 'tracking') return null
  const b = t.baseline
  const cries = Math.max(0, b.minCries - b.cries)
  const recordings = Math.max(0, b.minRecordings - b.recordings)
  const goal = `${n(b.minCries, 'cry', 'cries')} from ${n(b.minRecordings, 'recording', 'recordings')}`
  if (b.cries === 0)
    return `No baseline cries yet. This infant's cries are scored once its baseline holds ${goal}.`
  const still = [
    cries > 0 ? n(cries, 'more cry', 'more cries') : null,
    recordings > 0 ? n(recordings, 'more recording', 'more recordings') : null,
  ].filter(Boolean)
  const so = `Collecting the baseline: ${n(b.cries, 'cry', 'cries')} from ${n(b.recordings, 'recording', 'recordings')} so far, of ${goal}.`
  return still.length
    ? `${so} Still needed: ${still.join(' and ')}; cries are scored after that.`
    : `${so} Complete: the personal model is fitted with the next analysis.`
}

/** Short, for the chip beside the timeline's title. */
export function baselineChip(t: Pick<Timeline, 'phase' | 'baseline'>): string | null {
  if (t.phase === 'tracking') return null
  const b = t.baseline
  return `${Math.min(b.cries, b.minCries)}/${b.minCries} cries, ${Math.min(b.recordings, b.minRecordings)}/${b.minRecordings} recordings`
}
