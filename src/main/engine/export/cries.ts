// What the exports say about cries: the CSV columns (one row per cry, scores and verdicts included) and the
// segment labels for TextGrid/Audacity files. Pure: the service passes rows in, text comes out.
import type { Cry } from '../../../shared/contract'
import { toCsv, type CsvColumn } from './csv'
import { audacityLabels, textGrid, type Segment } from './segments'

export interface CryExportRow extends Cry {
  infantExternalId: string | null
  fileName: string
  verdictNote: string | null
  verdictBy: string | null
}

const COLUMNS: CsvColumn<CryExportRow>[] = [
  { header: 'cry_id', value: (c) => c.id },
  { header: 'infant_id', value: (c) => c.infantId },
  { header: 'infant_label', value: (c) => c.infantLabel },
  { header: 'infant_bed', value: (c) => c.infantBed },
  { header: 'infant_external_id', value: (c) => c.infantExternalId },
  { header: 'recording_id', value: (c) => c.recordingId },
  { header: 'file_name', value: (c) => c.fileName },
  { header: 'at', value: (c) => c.at },
  { header: 'start_s', value: (c) => c.startS },
  { header: 'end_s', value: (c) => c.endS },
  { header: 'duration_s', value: (c) => c.measures.durationS },
  { header: 'f0_mean_hz', value: (c) => c.measures.f0MeanHz },
  { header: 'f0_min_hz', value: (c) => c.measures.f0MinHz },
  { header: 'f0_max_hz', value: (c) => c.measures.f0MaxHz },
  { header: 'voiced_fraction', value: (c) => c.measures.voicedFraction },
  { header: 'hnr_db', value: (c) => c.measures.hnrDb },
  { header: 'spectral_centroid_hz', value: (c) => c.measures.spectralCentroidHz },
  { header: 'rms_dbfs', value: (c) => c.measures.rmsDbfs },
  { header: 'peak', value: (c) => c.measures.peak },
  { header: 'clipped', value: (c) => c.clipped },
  { header: 'cry_confidence', value: (c) => c.cryConfidence },
  { header: 'gate_confidence', value: (c) => c.gateConfidence },
  { header: 'score', value: (c) => c.score },
  { header: 'model_id', value: (c) => c.modelId },
  { header: 'decision', value: (c) => c.decision },
  { header: 'decision_reason', value: (c) => c.decisionReason },
  { header: 'flagged', value: (c) => c.flagged },
  { header: 'may_not_be_a_cry', value: (c) => c.mayNotBeCry },
  { header: 'what_moved', value: (c) => c.whatMoved.map((m) => m.text).join('; ') },
  { header: 'in_baseline', value: (c) => c.inBaseline },
  { header: 'verdict', value: (c) => c.verdict },
  { header: 'verdict_note', value: (c) => c.verdictNote },
  { header: 'verdict_by', value: (c) => c.verdictBy },
  { header: 'verdict_at', value: (c) => c.reviewedAt },
]

export function criesCsv(rows: Iterable<CryExportRow>): string {
  return toCsv(COLUMNS, rows)
}

/** One line about a cry for a label: number, score, flag, verdict. */
export function cryLabel(c: Pick<Cry, 'id' | 'score' | 'flagged' | 'verdict' | 'decision'>): string {
  const parts = [`#${c.id}`]
  if (c.score !== null) parts.push(`score ${c.score.toFixed(2)}`)
  if (c.flagged) parts.push('flagged')
  if (c.decision !== 'pending') parts.push(c.decision)
  if (c.verdict) parts.push(`verdict ${c.verdict.replace('_', ' ')}`)
  return parts.join(' · ')
}

type SegmentCry = Pick<Cry, 'id' | 'startS' | 'endS' | 'score' | 'flagged' | 'verdict' | 'decision'>

/** Tier "cry" marks each cry as `cry` (as the hand-marked ground truth does); tier "review" says what ICLAS and the clinician made of it. */
export function criesTextGrid(durationS: number, cries: readonly SegmentCry[]): string {
  const seg = (c: SegmentCry, label: string): Segment => ({ startS: c.startS, endS: c.endS, label })
  return textGrid(durationS, [
    { name: 'cry', segments: cries.map((c) => seg(c, 'cry')) },
    { name: 'review', segments: cries.map((c) => seg(c, cryLabel(c))) },
  ])
}

export function criesAudacityLabels(durationS: number, cries: readonly SegmentCry[]): string {
  return audacityLabels(
    cries.map((c) => ({ startS: c.startS, endS: c.endS, label: `cry ${cryLabel(c)}` })),
    durationS,
  )
}
