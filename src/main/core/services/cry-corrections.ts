// Correcting stage 0 (issue 16 item 9): a cry's boundaries moved by hand, or a cry the segmenter missed marked.
// Both are audited with what was before, and the cry then goes the way every cry goes, through the same code:
// measured by measureCry on the working copy (the import's function, in a worker), then pending again, so the
// ward's analysis embeds it, asks the cry classifier, scores it against the infant's active model and lets
// `stepInfant` (engine/gate/step.ts) decide its gate, flag and baseline membership.
//
// What a correction means for the baseline. A corrected cry is a new observation of that sound: the old
// boundaries' embedding, scores and decision are gone, and it leaves the replay buffer. It is then judged by the
// step as the infant's state is now — during the baseline period it may join the baseline as any first cry
// does; after it, it is scored against the active model and joins only if the gate accepts it. When the old
// version was one of the cries the active model was fitted on, a refit is scheduled (as after a "not a cry"
// verdict), so no model keeps an embedding of boundaries that no longer exist. A clinician's latest verdict
// on the cry still counts and is applied again (a cry judged a deviation or not a cry never joins the
// baseline). The control charts are rebuilt from the stored scores and a crossing they show raises an alert,
// as after a settings change.
import { type CryCorrection, type User } from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { SEGMENT_DEFAULTS } from '../../engine/audio/segment'
import { toMs } from '../../engine/export/segments'
import { appendAudit } from '../../store/audit'
import { insertCries } from '../../store/cries'
import { correctedCry, overlappingCries, resetCryAnalysis, setCrySpan } from '../../store/cry-corrections'
import { dataFile } from '../../store/layout'
import { activeModel } from '../../store/models'
import { getRecording, getRecordingAudioPath } from '../../store/recordings'
import { removeFromReplay } from '../../store/replay'
import { latestReview } from '../../store/reviews'
import { type Service, service, type ServiceContext } from '../context'
import { actor } from './actor'
import type { VerdictEvent } from './cries'

/** What a correction needs of the ward's analysis (stages 1–4, WardAnalysis). */
export interface CorrectionAnalysis {
  analyseRecording(recordingId: number): Promise<unknown>
  onVerdict(e: VerdictEvent): void
  scheduleRefit(infantId: number, reason: string, by: ReturnType<typeof actor>): void
  raiseAlerts(infantId: number): number
}

export function cryCorrectionService(
  ctx: ServiceContext,
  analysis: CorrectionAnalysis | null,
): Service<'correctCryBoundaries' | 'markCry'> {
  const { db } = ctx

  /** The span to the millisecond, inside the recording, as long as stage 0 lets an expiration be, overlapping no other cry. */
  function checkedSpan(recordingId: number, startS: number, endS: number, exceptCryId: number | null) {
    const rec = getRecording(db, recordingId)
    if (!rec) throw new IclasError('not_found', `No recording with id ${recordingId}`)
    const a = toMs(startS)
    const b = toMs(Math.min(endS, rec.durationS))
    const refuse = (why: string) => {
      throw new IclasError('refused', why)
    }
    if (a >= rec.durationS) refuse(`The recording ends at ${rec.durationS.toFixed(3)} s, before ${a} s`)
    const length = b - a
    if (length < SEGMENT_DEFAULTS.minSoundS)
      refuse(`A cry lasts at least ${SEGMENT_DEFAULTS.minSoundS} s (this one: ${length.toFixed(3)} s)`)
    if (length > SEGMENT_DEFAULTS.maxExpirationS)
      refuse(
        `No expiration lasts ${length.toFixed(1)} s (at most ${SEGMENT_DEFAULTS.maxExpirationS} s): mark each cry`,
      )
    const other = overlappingCries(db, recordingId, a, b, exceptCryId)[0]
    if (other)
      refuse(
        `It would overlap cry ${other.id} (${other.startS.toFixed(3)}–${other.endS.toFixed(3)} s): correct that one first`,
      )
    return { rec, startS: a, endS: b }
  }

  async function measure(recordingId: number, startS: number, endS: number) {
    const wavPath = dataFile(ctx.dataDir, getRecordingAudioPath(db, recordingId)!)
    const m = await ctx.pool.run('measureSpan', { wavPath, startS, endS })
    return { startS, endS, clipped: m.clipped, measures: m.measures }
  }

  /** Stages 1–4 again for the corrected cry, then the verdict, the refit and the charts (see the file's head). */
  async function reanalyse(
    cryId: number,
    recordingId: number,
    infantId: number,
    wasInModel: boolean,
    user: User,
  ): Promise<CryCorrection> {
    const who = actor(user)
    if (analysis) {
      await analysis.analyseRecording(recordingId)
      const review = latestReview(db, cryId)
      const cry = correctedCry(db, cryId)
      if (review && cry)
        db.transaction(() =>
          analysis.onVerdict({ cry: { id: cryId, infantId, at: cry.at }, review, previous: null, by: who }),
        )()
      if (wasInModel)
        analysis.scheduleRefit(infantId, `stage 0 corrected: cry ${cryId}'s boundaries moved`, who)
      analysis.raiseAlerts(infantId)
    }
    ctx.emit('changed', { entity: 'cries' })
    const { at: _at, ...out } = correctedCry(db, cryId)!
    return out
  }

  return service({
    correctCryBoundaries: async ({ cryId, startS, endS, reason }, { user }) => {
      const before = correctedCry(db, cryId)
      if (!before) throw new IclasError('not_found', `No cry with id ${cryId}`)
      const span = checkedSpan(before.recordingId, startS, endS, cryId)
      const measured = await measure(before.recordingId, span.startS, span.endS)
      const infantId = span.rec.infantId
      const wasInModel = activeModel(db, infantId, false)?.cryIds.includes(cryId) ?? false
      db.transaction(() => {
        // Checked again inside the write: another correction may have landed while this one was measured.
        checkedSpan(before.recordingId, startS, endS, cryId)
        const at = new Date(Date.parse(span.rec.recordedAt) + Math.round(span.startS * 1000)).toISOString()
        setCrySpan(db, cryId, at, measured)
        resetCryAnalysis(db, cryId)
        const wasInBuffer = removeFromReplay(db, cryId)
        appendAudit(
          db,
          actor(user),
          'cry.correct_boundaries',
          'cry',
          cryId,
          {
            startS: before.startS,
            endS: before.endS,
            decision: before.decision,
            score: before.score,
            flagged: before.flagged,
            inBaseline: before.inBaseline,
            inReplayBuffer: wasInBuffer,
          },
          { startS: span.startS, endS: span.endS, reason: reason || null },
        )
      })()
      return reanalyse(cryId, before.recordingId, infantId, wasInModel, user)
    },

    markCry: async ({ recordingId, startS, endS, reason }, { user }) => {
      const span = checkedSpan(recordingId, startS, endS, null)
      const measured = await measure(recordingId, span.startS, span.endS)
      const cryId = db.transaction(() => {
        checkedSpan(recordingId, startS, endS, null)
        const [id] = insertCries(db, recordingId, span.rec.infantId, span.rec.recordedAt, [measured])
        appendAudit(db, actor(user), 'cry.mark', 'cry', id!, null, {
          recordingId,
          startS: span.startS,
          endS: span.endS,
          reason: reason || null,
        })
        return id!
      })()
      ctx.emit('changed', { entity: 'recordings' })
      return reanalyse(cryId, recordingId, span.rec.infantId, false, user)
    },
  })
}
