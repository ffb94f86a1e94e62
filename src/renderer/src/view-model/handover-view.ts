// What the shift handover says, as lines of text (the screen lays them out and prints them): the ward's totals
// first, then per infant by bed its cries and flags, its drift alerts with what changed, and the verdicts given
// with who gave them. Infants that need attention are marked; a quiet infant is one line.
import type { Alert, HandoverInfant, ShiftHandover, Verdict } from '../../../shared/contract'
import { formatTime } from './format'

export const VERDICT_LABEL: Record<Verdict, string> = {
  deviation: 'Deviation',
  normal: 'Normal',
  not_cry: 'Not a cry',
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

export interface HandoverAlertLine {
  id: number
  state: Alert['state']
  /** "CUSUM · raised 02 Dec 2026 09:10" */
  head: string
  /** What changed, as the stage 3–4 step wrote it. */
  message: string
  /** Who handled it, and their note ('' while new). */
  handled: string
}

export interface HandoverVerdictLine {
  id: number
  cryId: number
  verdict: string
  /** "Dr Lee (clinician), 02 Dec 2026 10:05" */
  by: string
  /** "cry of 02 Dec 2026 08:40:12" */
  cry: string
  note: string | null
  superseded: boolean
}

export interface HandoverInfantView {
  infantId: number
  /** "Bed 3 · Baby Ada" */
  title: string
  hospitalNumber: string | null
  /** "14 cries in 2 recordings · 3 flagged, 1 awaiting review", or "No cries recorded in this shift". */
  activity: string
  /** An open new alert, or flagged cries still awaiting review. */
  needsAttention: boolean
  /** Nothing recorded, no alert, no verdict in the shift. */
  quiet: boolean
  alerts: HandoverAlertLine[]
  verdicts: HandoverVerdictLine[]
}

export interface HandoverView {
  /** "Shift handover — 02 Dec 2026 01:20 to 13:20" */
  title: string
  /** "3 infants · 2 with open drift alerts · 41 cries · 6 flagged, 2 awaiting review · 4 verdicts" */
  summary: string
  infants: HandoverInfantView[]
  /** "Made by Ward nurse, 02 Dec 2026 13:20. …" */
  footer: string
}

/** The shift's end written without the date when it is the same day as its start. */
function shiftWindow(from: string, to: string): string {
  const f = formatTime(from)
  const t = formatTime(to)
  const fDay = f.replace(/\s\d\d:\d\d$/, '')
  const tDay = t.replace(/\s\d\d:\d\d$/, '')
  return fDay === tDay && /\d\d:\d\d$/.test(t) ? `${f} to ${t.slice(tDay.length + 1)}` : `${f} to ${t}`
}

function alertLine(a: Alert): HandoverAlertLine {
  const handled =
    a.state === 'new'
      ? ''
      : `${a.state === 'resolved' ? 'Resolved' : 'Acknowledged'} by ${a.updatedBy}, ${formatTime(a.updatedAt)}${a.note ? `: “${a.note}”` : ''}`
  return {
    id: a.id,
    state: a.state,
    head: `${a.statistic.toUpperCase()} · raised ${formatTime(a.createdAt)}`,
    message: a.message,
    handled,
  }
}

function infantView(h: HandoverInfant): HandoverInfantView {
  const { infant } = h
  const activity = h.cries
    ? [
        `${count(h.cries, 'cry', 'cries')} in ${count(h.recordings, 'recording', 'recordings')}`,
        h.flagged
          ? `${h.flagged} flagged${h.awaitingReview ? `, ${h.awaitingReview} awaiting review` : ', all reviewed'}`
          : 'none flagged',
      ].join(' · ')
    : h.recordings
      ? `${count(h.recordings, 'recording', 'recordings')}, no cries found in them`
      : 'No cries recorded in this shift'
  return {
    infantId: infant.id,
    title: `${infant.bed ? `Bed ${infant.bed} · ` : ''}${infant.label}`,
    hospitalNumber: infant.externalId,
    activity,
    needsAttention: h.alerts.some((a) => a.state === 'new') || h.awaitingReview > 0,
    quiet: !h.cries && !h.recordings && !h.alerts.length && !h.verdicts.length,
    alerts: h.alerts.map(alertLine),
    verdicts: h.verdicts.map((v) => ({
      id: v.reviewId,
      cryId: v.cryId,
      verdict: VERDICT_LABEL[v.verdict],
      by: `${v.by} (${v.role}), ${formatTime(v.at)}`,
      cry: `cry of ${formatTime(v.cryAt, { seconds: true })}`,
      note: v.note,
      superseded: v.superseded,
    })),
  }
}

export function handoverView(h: ShiftHandover): HandoverView {
  const infants = h.infants.map(infantView)
  const sum = (f: (i: HandoverInfant) => number) => h.infants.reduce((n, i) => n + f(i), 0)
  const withAlerts = h.infants.filter((i) => i.alerts.some((a) => a.state !== 'resolved')).length
  const cries = sum((i) => i.cries)
  const flagged = sum((i) => i.flagged)
  const awaiting = sum((i) => i.awaitingReview)
  const verdicts = sum((i) => i.verdicts.length)
  const summary = [
    count(h.infants.length, 'infant', 'infants'),
    withAlerts ? `${withAlerts} with open drift alerts` : 'no open drift alert',
    count(cries, 'cry', 'cries'),
    flagged ? `${flagged} flagged, ${awaiting} awaiting review` : 'none flagged',
    count(verdicts, 'verdict', 'verdicts'),
  ].join(' · ')
  return {
    title: `Shift handover — ${shiftWindow(h.from, h.to)}`,
    summary,
    infants,
    footer: `Made by ${h.generatedBy}, ${formatTime(h.generatedAt)}. Scores and flags are each infant's own, against its baseline.`,
  }
}
