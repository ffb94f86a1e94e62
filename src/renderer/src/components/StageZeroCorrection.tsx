// Correcting stage 0 from a selection (for clinicians, researchers and admins): make it the cry's boundaries, or
// mark it as a cry the segmenter missed. The core measures, embeds and scores the cry again and audits the
// change; the screen follows the 'cries' change it announces.
import { useState } from 'react'
import { Button, Tooltip, Typography } from '@mui/material'
import type { CryCorrection } from '../../../shared/contract'
import { api } from '../api/client'
import type { Selection } from '../view-model/listening'

export function StageZeroCorrection({
  selection,
  recordingId,
  cryId,
  onDone,
}: {
  selection: Selection
  recordingId: number
  /** The cry whose boundaries the selection may become (none on a recording's page). */
  cryId?: number
  onDone: (c: CryCorrection, what: 'moved' | 'marked') => void
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = async (what: 'moved' | 'marked') => {
    setBusy(true)
    setError(null)
    try {
      const span = { startS: selection.startS, endS: selection.endS }
      const c =
        what === 'moved' && cryId !== undefined
          ? await api.correctCryBoundaries({ cryId, ...span })
          : await api.markCry({ recordingId, ...span })
      onDone(c, what)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  const hint = 'The cry is measured, embedded and scored again; the change is audited'
  return (
    <>
      {cryId !== undefined && (
        <Tooltip describeChild title={error ?? hint}>
          <Button
            variant="outlined"
            color={error ? 'error' : 'primary'}
            disabled={busy}
            onClick={() => void run('moved')}
          >
            Set as this cry’s boundaries
          </Button>
        </Tooltip>
      )}
      <Tooltip describeChild title={error ?? hint}>
        <Button
          variant="outlined"
          color={error ? 'error' : 'primary'}
          disabled={busy}
          onClick={() => void run('marked')}
        >
          Mark as a missed cry
        </Button>
      </Tooltip>
      {error && (
        <Typography role="alert" color="error" variant="body2" data-testid="correction-error">
          {error}
        </Typography>
      )}
    </>
  )
}
