// One cry on its own (from a recording, an export or a link): previous/next walk the recording's cries.
import { CORRECTORS, EXPORTERS, type User } from '../../../shared/contract'
import { api } from '../api/client'
import { CryView } from '../components/CryView'
import { useLoad } from '../api/hooks'

export function CryScreen({ id, user, go }: { id: number; user: User; go: (p: string) => void }) {
  const cry = useLoad(() => api.getCry({ id }), [id])
  const recordingId = cry.data?.recordingId
  const siblings = useLoad(
    () =>
      recordingId ? api.listCries({ recordingId, order: 'oldest', limit: 1000 }) : Promise.resolve(undefined),
    [recordingId],
    ['cries'],
  )
  const list = siblings.data?.cries ?? []
  const i = list.findIndex((c) => c.id === id)
  return (
    <CryView
      cryId={id}
      canJudge={user.role === 'clinician' || user.role === 'admin'}
      canExport={EXPORTERS.includes(user.role)}
      canCorrect={CORRECTORS.includes(user.role)}
      go={go}
      position={i >= 0 ? `cry ${i + 1} of ${list.length} in this recording` : undefined}
      onPrev={i > 0 ? () => go(`cry/${list[i - 1]!.id}`) : undefined}
      onNext={i >= 0 && i < list.length - 1 ? () => go(`cry/${list[i + 1]!.id}`) : undefined}
    />
  )
}
