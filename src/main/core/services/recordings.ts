import { IclasError } from '../../../shared/rpc'
import { PEAKS_PER_SECOND, reducePeaks } from '../../engine/audio/peaks'
import { appendAudit } from '../../store/audit'
import { getRecording, getRecordingPeaks, listRecordings, setRecordingTime } from '../../store/recordings'
import { type Service, service, type ServiceContext } from '../context'
import { actor } from './actor'

export function recordingService(
  ctx: ServiceContext,
): Service<'listRecordings' | 'getRecording' | 'getRecordingPeaks' | 'setRecordingTime'> {
  const { db } = ctx
  const must = (id: number) => {
    const r = getRecording(db, id)
    if (!r) throw new IclasError('not_found', `No recording with id ${id}`)
    return r
  }
  return service({
    listRecordings: ({ infantId }) => listRecordings(db, infantId),
    getRecording: ({ id }) => must(id),
    getRecordingPeaks: ({ id, startS, endS, maxPeaks }) => {
      const rec = must(id)
      const blob = getRecordingPeaks(db, id)
      const stored = blob ? new Int8Array(blob.buffer, blob.byteOffset, blob.byteLength) : new Int8Array(0)
      const totalPairs = stored.length / 2
      const a = Math.max(0, Math.floor((startS ?? 0) * PEAKS_PER_SECOND))
      const b = Math.min(totalPairs, Math.ceil((endS ?? rec.durationS) * PEAKS_PER_SECOND))
      const { peaks, pairsPerPeak } = reducePeaks(stored, a, Math.max(a, b), maxPeaks)
      return {
        recordingId: id,
        sampleRate: 16000,
        durationS: rec.durationS,
        samplesPerPeak: (16000 / PEAKS_PER_SECOND) * pairsPerPeak,
        peaks,
      }
    },
    setRecordingTime: ({ id, recordedAt }, { user }) => {
      const before = must(id)
      db.transaction(() => {
        setRecordingTime(db, id, recordedAt)
        appendAudit(
          db,
          actor(user),
          'recording.set_time',
          'recording',
          id,
          { recordedAt: before.recordedAt, timeSource: before.timeSource },
          { recordedAt, timeSource: 'user' },
        )
      })()
      ctx.emit('changed', { entity: 'recordings' })
      return must(id)
    },
  })
}
