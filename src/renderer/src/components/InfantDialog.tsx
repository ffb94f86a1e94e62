import { useState } from 'react'
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  TextField,
} from '@mui/material'
import type { Infant } from '../../../shared/contract'
import { api } from '../api/client'

/** Add or edit an infant. */
export function InfantDialog(props: { open: boolean; infant?: Infant; onClose: (saved?: Infant) => void }) {
  const [label, setLabel] = useState(props.infant?.label ?? '')
  const [bed, setBed] = useState(props.infant?.bed ?? '')
  const [externalId, setExternalId] = useState(props.infant?.externalId ?? '')
  const [notes, setNotes] = useState(props.infant?.notes ?? '')
  const [error, setError] = useState<string | null>(null)
  const save = async (e: React.FormEvent) => {
    e.preventDefault()
    setError(null)
    const fields = { label, bed: bed || null, externalId: externalId || null, notes: notes || null }
    try {
      const saved = props.infant
        ? await api.updateInfant({ id: props.infant.id, ...fields })
        : await api.createInfant(fields)
      props.onClose(saved)
    } catch (err) {
      setError((err as Error).message)
    }
  }
  return (
    <Dialog open={props.open} onClose={() => props.onClose()} fullWidth maxWidth="sm">
      <form onSubmit={save}>
        <DialogTitle>{props.infant ? 'Edit infant' : 'Add infant'}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              label="Name or label"
              value={label}
              onChange={(e) => setLabel(e.target.value)}
              required
              autoFocus
            />
            <TextField label="Bed" value={bed} onChange={(e) => setBed(e.target.value)} />
            <TextField
              label="Hospital / external id"
              value={externalId}
              onChange={(e) => setExternalId(e.target.value)}
            />
            <TextField
              label="Notes"
              value={notes}
              onChange={(e) => setNotes(e.target.value)}
              multiline
              minRows={2}
            />
            {error && <Alert severity="error">{error}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => props.onClose()}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={!label.trim()}>
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  )
}
