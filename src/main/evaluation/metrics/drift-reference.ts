// The reference printed beside protocol E's real scenario: how well a detector could do that is told which measure a
// change moves and which way, on the same cries. For each timeline, a one-sided two-sample t of that measure's
// per-recording medians after the split against those before, scaled by the baseline recordings' own spread
// (recordings are the unit: the cries of one recording share its session, its phone and the infant's state); its
// AUC against the unchanged timelines' same statistic, and the share it would detect while alerting at most a fifth
// of the unchanged infants. The step's charts must find the change without being told the measure, the direction
// or the time, so this bounds what they can reach: where even the reference falls short, real infants' own
// session-to-session variation on the measure is as large as the change.
import { CRY_FEATURES } from '../../engine/anomaly/cry-features'
import type { ChangeKind, DriftInfant } from './drift'
import { rocAuc } from './roc'
import { median } from '../../engine/stats'

/** The measure each change of the real scenario moves, and which way; 'replaced' moves no single one. */
export const CHANGED_MEASURE: Partial<Record<ChangeKind, { key: string; sign: 1 | -1 }>> = {
  'pitch-keep-duration': { key: 'f0', sign: 1 },
  'pitch-resample': { key: 'f0', sign: 1 },
  aperiodic: { key: 'hnr', sign: -1 },
  'shorter-weaker': { key: 'duration', sign: -1 },
}

/** The false-alert share of unchanged infants the reference's detection is read at (the bound). */
export const REFERENCE_FALSE_SHARE = 0.2

export interface ReferenceFigures {
  kind: ChangeKind
  size: number | null
  /** The measure told to the reference (a key of CRY_FEATURES) and its direction. */
  measure: string
  direction: 'up' | 'down'
  /** Timelines with a statistic (≥ 2 baseline recordings and ≥ 1 later recording with the measure). */
  infants: number
  auc_vs_none: number | null
  /** Share detected with a threshold that alerts at most REFERENCE_FALSE_SHARE of the unchanged timelines. */
  detected_at_false_share: number | null
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length

/**
 * One timeline's one-sided t on measure `j`: (mean after − mean before) × sign over sd(before) × √(1/nA + 1/nB),
 * on recording medians. Null where the baseline has fewer than two recordings with the measure or nothing follows.
 */
export function referenceStatistic(infant: DriftInfant, j: number, sign: 1 | -1): number | null {
  const split = infant.splitT ?? infant.changeT
  if (split === null || split === undefined) return null
  const before: number[] = []
  const after: number[] = []
  for (const r of infant.recordings) {
    if (!r.cries.length) continue
    const v = r.cries.map((c) => c.features?.[j] ?? NaN).filter(Number.isFinite)
    if (!v.length) continue
    ;(r.cries[0]!.t < split ? before : after).push(median(v)!)
  }
  if (before.length < 2 || !after.length) return null
  const mb = mean(before)
  const sd = Math.sqrt(before.reduce((a, x) => a + (x - mb) ** 2, 0) / (before.length - 1))
  const se = Math.max(sd, 1e-9) * Math.sqrt(1 / after.length + 1 / before.length)
  return (sign * (mean(after) - mb)) / se
}

/** Per kind and size of change with a known measure: the reference's AUC and detection against 'none'. */
export function referenceFigures(infants: DriftInfant[]): ReferenceFigures[] {
  const groups = new Map<string, DriftInfant[]>()
  for (const i of infants) {
    if (!i.kind || !CHANGED_MEASURE[i.kind]) continue
    const key = `${i.kind}\u0000${i.size ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), i])
  }
  const none = infants.filter((i) => i.kind === 'none')
  return [...groups.values()].map((list) => {
    const { key, sign } = CHANGED_MEASURE[list[0]!.kind!]!
    const j = CRY_FEATURES.findIndex((f) => f.key === key)
    const stats = (l: DriftInfant[]) =>
      l.map((i) => referenceStatistic(i, j, sign)).filter((t): t is number => t !== null)
    const changed = stats(list)
    const control = stats(none)
    let detected: number | null = null
    if (changed.length && control.length) {
      // The lowest threshold that alerts at most the allowed share of unchanged timelines (strictly above it).
      const sorted = [...control].sort((a, b) => b - a)
      const allowed = Math.floor(REFERENCE_FALSE_SHARE * control.length)
      const threshold = allowed >= sorted.length ? -Infinity : sorted[allowed]!
      detected = changed.filter((t) => t > threshold).length / changed.length
    }
    return {
      kind: list[0]!.kind!,
      size: list[0]!.size ?? null,
      measure: key,
      direction: sign > 0 ? 'up' : 'down',
      infants: changed.length,
      auc_vs_none:
        changed.length && control.length
          ? rocAuc([...changed, ...control], [...changed.map(() => 1), ...control.map(() => 0)])
          : null,
      detected_at_false_share: detected,
    }
  })
}
