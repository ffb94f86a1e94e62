// An infant's drift alerts with their state (new → acknowledged → resolved) and notes; clinicians acknowledge
// or resolve them here, with an optional note (each change is audited by the core).
import { useState } from 'react'
import {
  Alert as MuiAlert,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material'
import { CLINICAL, type Alert, type AlertState, type User } from '../../../shared/contract'
import { api } from '../api/client'
import { When } from './When'

const STATE_COLOR = { new: 'error', acknowledged: 'warning', resolved: 'default' } as const

export function AlertsPanel(props: { alerts: Alert[]; user: User; onOpenCry?: (cryId: number) => void }) {
  const canHandle = CLINICAL.includes(props.user.role)
  const [acting, setActing] = useState<{ alert: Alert; state: AlertState } | null>(null)
  const [note, setNote] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    if (!acting) return
    setBusy(true)
    setError(null)
    try {
      await api.setAlertState({
        alertId: acting.alert.id,
        state: acting.state,
        ...(note.trim() ? { note: note.trim() } : {}),
      })
      setActing(null)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  if (!props.alerts.length)
    return (
      <Typography color="text.secondary" sx={{ p: 2 }}>
        No drift alerts for this infant.
      </Typography>
    )
  return (
    <>
      <Table size="small" aria-label="drift alerts">
        <TableHead>
          <TableRow>
            <TableCell>When</TableCell>
            <TableCell>Chart</TableCell>
            <TableCell>What</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Note</TableCell>
            <TableCell className="iclas-no-print" />
          </TableRow>
        </TableHead>
        <TableBody>
          {props.alerts.map((a) => (
            <TableRow key={a.id} data-testid="alert-row" data-state={a.state}>
              <TableCell>
                <When at={a.at} stacked />
              </TableCell>
              <TableCell>{a.statistic.toUpperCase()}</TableCell>
              <TableCell>{a.message}</TableCell>
              <TableCell>
                <Chip size="small" color={STATE_COLOR[a.state]} label={a.state} />
                {a.state !== 'new' && (
                  <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                    {a.updatedBy}, <When at={a.updatedAt} />
                  </Typography>
                )}
              </TableCell>
              <TableCell>{a.note ?? '—'}</TableCell>
              <TableCell align="right" className="iclas-no-print">
                <Stack direction="row" spacing={1} sx={{ justifyContent: 'flex-end' }}>
                  {a.cryId !== null && props.onOpenCry && (
                    <Button size="small" onClick={() => props.onOpenCry!(a.cryId!)}>
                      Open cry
                    </Button>
                  )}
                  {canHandle && a.state === 'new' && (
                    <Button
                      size="small"
                      variant="outlined"
                      onClick={() => {
                        setNote('')
                        setActing({ alert: a, state: 'acknowledged' })
                      }}
                    >
                      Acknowledge
                    </Button>
                  )}
                  {canHandle && a.state !== 'resolved' && (
                    <Button
                      size="small"
                      variant="outlined"
                      onClick={() => {
                        setNote('')
                        setActing({ alert: a, state: 'resolved' })
                      }}
                    >
                      Resolve
                    </Button>
                  )}
                </Stack>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Dialog open={acting !== null} onClose={() => setActing(null)} fullWidth maxWidth="sm">
        <DialogTitle>{acting?.state === 'resolved' ? 'Resolve alert' : 'Acknowledge alert'}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <Typography>{acting?.alert.message}</Typography>
            {error && <MuiAlert severity="error">{error}</MuiAlert>}
            <TextField
              label="Note (optional)"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              multiline
              minRows={2}
              autoFocus
            />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setActing(null)}>Cancel</Button>
          <Button variant="contained" onClick={() => void submit()} disabled={busy}>
            {acting?.state === 'resolved' ? 'Resolve' : 'Acknowledge'}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  )
}
