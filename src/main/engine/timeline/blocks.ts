// Groups an infant's scored cries into blocks (one recording, one hour) and runs the control charts over
// them in time order. Pure: the timeline service and the drift evaluation both call it.
import {
  blockStatistic,
  runControl,
  type BaselineNoise,
  type ControlPoint,
  type ControlSettings,
  DEFAULT_CONTROL,
} from './control'

export const BLOCK_SECONDS = 3600

export interface ScoredCry {
  id: number
  recordingId: number | string
  /** Offset of the cry in its recording, seconds. */
  startS: number
  /** Absolute time, ms since epoch. */
  t: number
  /** Calibrated anomaly score (percentile of the infant's baseline), or null when not scored yet. */
  score: number | null
  /** The model version that scored it (its baseline defines the block's noise). */
  modelId?: number | string | null
}

export interface TimelineBlock extends ControlPoint {
  key: string
  start: number
  end: number
  n: number
  meanScore: number
  /** The cry at which the block closed: the one an alert points to. */
  lastCryId: number
}

/**
 * Blocks in time order with their control statistics. Unscored cries are skipped. `noise` may depend on the
 * model version that scored a block (its last cry's), since each version has its own baseline.
 */
export function timelineBlocks(
  cries: readonly ScoredCry[],
  noise: BaselineNoise | ((modelId: number | string | null) => BaselineNoise),
  settings: ControlSettings = DEFAULT_CONTROL,
): TimelineBlock[] {
  const noiseOf = typeof noise === 'function' ? noise : () => noise
  const groups = new Map<string, ScoredCry[]>()
  for (const c of cries) {
    if (c.score === null) continue
    const key = `${c.recordingId}:${Math.floor(c.startS / BLOCK_SECONDS)}`
    const list = groups.get(key)
    if (list) list.push(c)
    else groups.set(key, [c])
  }
  const blocks = [...groups.entries()]
    .map(([key, list]) => {
      list.sort((a, b) => a.t - b.t)
      return { key, list, start: list[0]!.t, end: list[list.length - 1]!.t }
    })
    .sort((a, b) => a.start - b.start || (a.key < b.key ? -1 : 1))
  const values = blocks.map((b) =>
    blockStatistic(
      b.list.map((c) => c.score!),
      noiseOf(b.list[b.list.length - 1]!.modelId ?? null),
    ),
  )
  const points = runControl(values, settings)
  return blocks.map((b, i) => ({
    ...points[i]!,
    key: b.key,
    start: b.start,
    end: b.end,
    n: b.list.length,
    meanScore: b.list.reduce((a, c) => a + c.score!, 0) / b.list.length,
    lastCryId: b.list[b.list.length - 1]!.id,
  }))
}

export interface DailyAggregate {
  day: string
  n: number
  meanScore: number
  flagged: number
}

/** Per-day aggregates (local calendar day of the workstation). */
export function dailyAggregates(cries: readonly (ScoredCry & { flagged?: boolean })[]): DailyAggregate[] {
  const days = new Map<string, { n: number; sum: number; flagged: number }>()
  for (const c of cries) {
    if (c.score === null) continue
    const d = new Date(c.t)
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    const a = days.get(day) ?? { n: 0, sum: 0, flagged: 0 }
    a.n++
    a.sum += c.score
    if (c.flagged) a.flagged++
    days.set(day, a)
  }
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, a]) => ({ day, n: a.n, meanScore: a.sum / a.n, flagged: a.flagged }))
}
