// Protocol D of docs/evaluation.md (the per-infant anomaly table), the pure parts: which infants and
// recordings take part, the threshold on the baseline's leave-one-recording-out recording scores, the metrics
// per infant and their mean ± sd. The protocol (src/main/evaluation/protocols/anomaly.ts) decodes, embeds and fits.
import { ScoreCalibration } from '../../engine/anomaly/calibration'
import { createRng } from '../../engine/anomaly/rng'
import { averagePrecision, rocAuc, rocCurve, type RocPoint } from './roc'

/** Curations protocol D evaluates (as protocol C): curators' cries and the tags they dropped unheard. */
export const PROTOCOL_D_CURATIONS: readonly string[] = ['cry', 'unreviewed']
export const PROTOCOL_D_MIN_RECORDINGS = 6
export const PROTOCOL_D_MIN_BASELINE = 3

/** What protocol D needs to know about a recording. */
export interface ProtocolRecording {
  /** Unique key (the manifest path). */
  id: string
  infant: string
  platform: string
  /** ISO time; recordings are ordered by it (then by id, so equal times still give one order). */
  recordedAt: string
}

export interface InfantPlan {
  infant: string
  platform: string
  /** The infant's recordings in time order: `baseline` followed by `normal`. */
  recordings: ProtocolRecording[]
  baseline: ProtocolRecording[]
  /** The infant's own later recordings (label 0). */
  normal: ProtocolRecording[]
  /** As many recordings of other infants on the same platform, drawn with the seed (label 1). */
  anomalous: ProtocolRecording[]
}

export interface PlanOptions {
  minRecordings?: number
  /** Seed of the anomalous draws; each infant's draw also depends on its id, not on which others take part. */
  seed?: number
  /**
   * Where anomalies come from: other infants on the same platform (the protocol), or on any platform — the
   * variant the for-scale figures of docs/evaluation.md match, where the phone's codec helps give the answer.
   */
  pool?: AnomalyPool
}

export type AnomalyPool = 'same-platform' | 'any-platform'

/** Baseline size: the first half of the infant's recordings (rounded down), at least three. */
export function baselineSize(nRecordings: number): number {
  return Math.max(PROTOCOL_D_MIN_BASELINE, Math.floor(nRecordings / 2))
}

function byTime(a: ProtocolRecording, b: ProtocolRecording): number {
  const ta = Date.parse(a.recordedAt)
  const tb = Date.parse(b.recordedAt)
  if (ta !== tb) return ta - tb
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** 32-bit FNV-1a of a string, mixed with the seed: one independent, stable stream per infant. */
function infantSeed(seed: number, infant: string): number {
  let h = 0x811c9dc5 ^ seed
  for (let i = 0; i < infant.length; i++) h = Math.imul(h ^ infant.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/**
 * The infants protocol D evaluates (at least `minRecordings` recordings; callers pass only cry/unreviewed ones)
 * and, for each, baseline, normal and anomalous test recordings. Anomalies come from every other infant in
 * `recordings` on the same platform (the pool is the whole dataset, not just the evaluated infants), drawn
 * without replacement.
 */
export function planProtocolD(
  recordings: readonly ProtocolRecording[],
  opts: PlanOptions = {},
): InfantPlan[] {
  const minRecordings = opts.minRecordings ?? PROTOCOL_D_MIN_RECORDINGS
  if (minRecordings < PROTOCOL_D_MIN_BASELINE + 1)
    throw new Error(`protocol D needs at least ${PROTOCOL_D_MIN_BASELINE + 1} recordings per infant`)
  const seed = opts.seed ?? 1
  const anyPlatform = opts.pool === 'any-platform'
  const ids = new Set<string>()
  for (const r of recordings) {
    if (ids.has(r.id)) throw new Error(`recording ${r.id} is listed twice`)
    ids.add(r.id)
    if (!Number.isFinite(Date.parse(r.recordedAt)))
      throw new Error(`recording ${r.id} has no usable time ("${r.recordedAt}")`)
  }
  const byInfant = new Map<string, ProtocolRecording[]>()
  for (const r of recordings) {
    const list = byInfant.get(r.infant)
    if (list) list.push(r)
    else byInfant.set(r.infant, [r])
  }
  const plans: InfantPlan[] = []
  for (const infant of [...byInfant.keys()].sort()) {
    const own = [...byInfant.get(infant)!].sort(byTime)
    if (own.length < minRecordings) continue
    const platforms = new Set(own.map((r) => r.platform))
    if (platforms.size !== 1 && !anyPlatform)
      throw new Error(
        `infant ${infant} was recorded on ${[...platforms].join(' and ')}: protocol D draws anomalies per platform`,
      )
    const platform = own[0]!.platform
    const nBase = baselineSize(own.length)
    const baseline = own.slice(0, nBase)
    const normal = own.slice(nBase)
    const pool = recordings
      .filter((r) => r.infant !== infant && (anyPlatform || r.platform === platform))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    if (pool.length < normal.length)
      throw new Error(
        `infant ${infant}: only ${pool.length} recordings of other infants${anyPlatform ? '' : ` on ${platform}`} ` +
          `to draw ${normal.length} anomalies from`,
      )
    // Partial Fisher–Yates: the first normal.length entries of a seeded permutation of the pool.
    const rng = createRng(infantSeed(seed, infant))
    const order = pool.map((_, i) => i)
    for (let i = 0; i < normal.length; i++) {
      const j = i + rng.int(order.length - i)
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    const anomalous = order.slice(0, normal.length).map((i) => pool[i]!)
    plans.push({ infant, platform, recordings: own, baseline, normal, anomalous })
  }
  return plans
}

/** Mean score per recording, from per-cry scores and the recording of each cry; recordings in first-seen order. */
export function recordingMeans(
  cryScores: ArrayLike<number>,
  recordingOf: ArrayLike<string | number>,
): Map<string | number, number> {
  if (cryScores.length !== recordingOf.length)
    throw new Error(`${cryScores.length} scores for ${recordingOf.length} recording ids`)
  const sum = new Map<string | number, { s: number; n: number }>()
  for (let i = 0; i < cryScores.length; i++) {
    const acc = sum.get(recordingOf[i]!) ?? { s: 0, n: 0 }
    acc.s += cryScores[i]!
    acc.n++
    sum.set(recordingOf[i]!, acc)
  }
  return new Map([...sum].map(([k, v]) => [k, v.s / v.n]))
}

/**
 * The q-quantile of a sample by linear interpolation between order statistics (NumPy's default, Hyndman–Fan
 * type 7): q = 0.95 of the baseline's leave-one-recording-out recording scores is protocol D's threshold.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile must be in [0, 1], got ${q}`)
  const s = Float64Array.from(values).sort()
  if (!s.length) return NaN
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo)
}

/**
 * The unit a cry's calibrated score is averaged in. 'percentile': the calibration's percentile p among the
 * baseline's out-of-sample scores, bounded in (0, 1). 'surprise': −ln(1 − p), the same calibration in nats of
 * tail surprise — Exp(1)-distributed for a normal cry whatever the model or infant, and, beyond the baseline's
 * most extreme cries, linear in the raw score (the calibration's exponential tail), so a recording whose cries
 * are far outside the baseline is not capped at "1" like one whose cries are just beyond it.
 */
export type CryScoreUnit = 'percentile' | 'surprise'

export function inUnit(percentiles: ArrayLike<number>, unit: CryScoreUnit): Float64Array {
  const out = Float64Array.from(percentiles)
  if (unit === 'surprise') for (let i = 0; i < out.length; i++) out[i] = -Math.log1p(-out[i]!)
  return out
}

/**
 * How the threshold is read off the baseline's leave-one-recording-out (LORO) recording scores:
 * - 'calibrated': with the estimator the models' own calibration uses (plotting positions i/(m+1), exponential
 *   tail beyond the extremes; anomaly/calibration.ts), so "95th percentile" means a score more unusual than 95 %
 *   of the infant's normal recordings even when the baseline has only a handful of them;
 * - 'type7': NumPy's default percentile, which never goes beyond the largest LORO score: with m baseline
 *   recordings the largest covers only m/(m+1) of new normal recordings on average (3 → 75 %), whatever the
 *   percentile asked for.
 */
export type ThresholdMethod = 'calibrated' | 'type7'

export function baselineThreshold(
  loroRecordingScores: readonly number[],
  percentile: number,
  method: ThresholdMethod = 'calibrated',
  unit: CryScoreUnit = 'percentile',
): number {
  const q = percentile / 100
  if (method === 'type7') return quantile(loroRecordingScores, q)
  // The exponential tail is a model of unbounded scores: a mean of percentiles lives in (0, 1), so its tail is
  // read on the logit scale (the usual link for a share) and mapped back.
  const logit = (p: number) => Math.log(p / (1 - p))
  const scores = unit === 'percentile' ? loroRecordingScores.map(logit) : [...loroRecordingScores]
  const t = new ScoreCalibration({
    method: 'loro-ecdf-exponential-tail',
    scores,
    recordings: scores.map((_, i) => i),
    grouping: 'recording',
    folds: scores.length,
  }).rawAt(q)
  return unit === 'percentile' ? 1 / (1 + Math.exp(-t)) : t
}

export interface InfantMetrics {
  auc: number
  ap: number
  f1: number
  recall: number
  fpr: number
}

export const METRIC_KEYS: readonly (keyof InfantMetrics)[] = ['auc', 'ap', 'f1', 'recall', 'fpr']

/**
 * One infant's row: AUC and AP rank its normal test recordings against the anomalous ones (anomalies are the
 * positives); F1, recall and FPR count a recording as flagged when its score is above the threshold.
 */
export function infantMetrics(
  normalScores: readonly number[],
  anomalousScores: readonly number[],
  threshold: number,
): InfantMetrics & { roc: RocPoint[] } {
  if (!normalScores.length || !anomalousScores.length)
    throw new Error('an infant needs normal and anomalous test recordings')
  const scores = [...normalScores, ...anomalousScores]
  const positive = scores.map((_, i) => i >= normalScores.length)
  const tp = anomalousScores.filter((s) => s > threshold).length
  const fp = normalScores.filter((s) => s > threshold).length
  const fn = anomalousScores.length - tp
  return {
    auc: rocAuc(scores, positive),
    ap: averagePrecision(scores, positive),
    f1: tp ? (2 * tp) / (2 * tp + fp + fn) : 0,
    recall: tp / anomalousScores.length,
    fpr: fp / normalScores.length,
    // ROC points of the test recordings (anomalies positive), for the workstation's chart.
    roc: rocCurve(scores, positive),
  }
}

/** Mean and sample standard deviation (n − 1, as pandas reports it) of each metric over infants. */
export function aggregateMetrics(rows: readonly InfantMetrics[]): { mean: InfantMetrics; sd: InfantMetrics } {
  const mean = {} as InfantMetrics
  const sd = {} as InfantMetrics
  for (const k of METRIC_KEYS) {
    const v = rows.map((r) => r[k]).filter((x) => Number.isFinite(x))
    const m = v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN
    mean[k] = m
    sd[k] = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : NaN
  }
  return { mean, sd }
}

/** One line of the method's table (plus what it was computed from). */
export interface InfantRow extends InfantMetrics {
  infant: string
  n_recs: number
  baseline_recs: number
  normal_recs: number
  anomalous_recs: number
  baseline_cries: number
  /** The recording-score threshold read off the baseline. */
  threshold: number
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a')
const pm = (m: InfantMetrics, s: InfantMetrics, k: keyof InfantMetrics) => `${f3(m[k])} ± ${f3(s[k])}`

function columns(rows: string[][], leftAligned: number): string[] {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < leftAligned ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')
  const rule = line(w.map((n) => '-'.repeat(n)))
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)]
}

/** The method's table: Infant, N_recs, AUC, AP, F1, Recall, FPR, then mean ± sd over infants. */
export function formatInfantTable(
  rows: readonly InfantRow[],
  mean: InfantMetrics,
  sd: InfantMetrics,
): string {
  const lines = columns(
    [
      ['Infant', 'N_recs', 'AUC', 'AP', 'F1', 'Recall', 'FPR'],
      ...rows.map((x) => [x.infant, String(x.n_recs), ...METRIC_KEYS.map((k) => f3(x[k]))]),
      ['mean ± sd', '', ...METRIC_KEYS.map((k) => pm(mean, sd, k))],
    ],
    1,
  )
  return [...lines.slice(0, -1), lines[1]!, lines[lines.length - 1]!].join('\n')
}

/** One line per model × backbone: mean ± sd of each metric. */
export function formatSummaryTable(
  results: readonly { model: string; backbone: string; mean: InfantMetrics; sd: InfantMetrics }[],
): string {
  return columns(
    [
      ['model', 'backbone', 'AUC', 'AP', 'F1', 'Recall', 'FPR'],
      ...results.map((r) => [r.model, r.backbone, ...METRIC_KEYS.map((k) => pm(r.mean, r.sd, k))]),
    ],
    2,
  ).join('\n')
}
