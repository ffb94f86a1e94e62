// The clinician's verdict on a cry — deviation, normal, not a cry (keys 1, 2, 3) — with a note, and the
// verdicts recorded so far. Roles that may not judge see why instead of the buttons.
import { useState } from 'react'
import { Alert, Button, List, ListItem, ListItemText, Stack, TextField, Typography } from '@mui/material'
import type { Review, Verdict } from '../../../shared/contract'
import { formatTime } from '../view-model/format'

export const VERDICTS: {
  verdict: Verdict
  label: string
  key: string
  color: 'error' | 'success' | 'inherit'
}[] = [
  { verdict: 'deviation', label: 'Deviation', key: '1', color: 'error' },
  { verdict: 'normal', label: 'Normal', key: '2', color: 'success' },
  { verdict: 'not_cry', label: 'Not a cry', key: '3', color: 'inherit' },
]

export const verdictLabel = (v: Verdict) => VERDICTS.find((x) => x.verdict === v)!.label

export function VerdictPanel(props: {
  canJudge: boolean
  reviews: Review[]
  busy: boolean
  error: string | null
  note: string
  onNote: (note: string) => void
  onVerdict: (v: Verdict) => void
}) {
  const [showAll, setShowAll] = useState(false)
  const shown = showAll ? props.reviews : props.reviews.slice(0, 3)
  return (
    <Stack spacing={1.5} data-testid="verdict-panel">
      <Typography variant="h6" component="h3">
        Verdict
      </Typography>
      {props.canJudge ? (
        <>
          <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
            {VERDICTS.map((v) => (
              <Button
                key={v.verdict}
                variant="contained"
                color={v.color}
                disabled={props.busy}
                onClick={() => props.onVerdict(v.verdict)}
                aria-keyshortcuts={v.key}
                sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}
              >
                {v.label} ({v.key})
              </Button>
            ))}
          </Stack>
          <TextField
            label="Note (optional)"
            value={props.note}
            onChange={(e) => props.onNote(e.target.value)}
            multiline
            minRows={2}
            slotProps={{ htmlInput: { maxLength: 2000 } }}
          />
        </>
      ) : (
        <Alert severity="info">Only clinicians record verdicts. You can listen and look.</Alert>
      )}
      {props.error && <Alert severity="error">{props.error}</Alert>}
      {props.reviews.length > 0 && (
        <List dense aria-label="verdicts so far">
          {shown.map((r, i) => (
            <ListItem key={r.id} disableGutters>
              <ListItemText
                primary={`${verdictLabel(r.verdict)}${i === 0 ? ' (counts)' : ''} — ${r.username}, ${formatTime(r.at)}`}
                secondary={r.note}
              />
            </ListItem>
          ))}
          {props.reviews.length > 3 && (
            <Button size="small" onClick={() => setShowAll(!showAll)}>
              {showAll ? 'Fewer' : `All ${props.reviews.length} verdicts`}
            </Button>
          )}
        </List>
      )}
    </Stack>
  )
}
