import { useState } from 'react'
import {
  Alert,
  Box,
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
import { parseWeeksDays, weeksDays } from '../view-model/infant-age'
import { DateField } from './TimeField'

/** Add or edit an infant. */
export function InfantDialog(props: { open: boolean; infant?: Infant; onClose: (saved?: Infant) => void }) {
  const [label, setLabel] = useState(props.infant?.label ?? '')
  const [bed, setBed] = useState(props.infant?.bed ?? '')
  const [externalId, setExternalId] = useState(props.infant?.externalId ?? '')
  const [notes, setNotes] = useState(props.infant?.notes ?? '')
  const [birthDate, setBirthDate] = useState(props.infant?.birthDate ?? '')
  const ga0 = props.infant?.gestationalAgeDays
  const [gestation, setGestation] = useState(ga0 != null ? weeksDays(ga0) : '')
  const [weight, setWeight] = useState(props.infant?.birthWeightG?.toString() ?? '')
  const [error, setError] = useState<string | null>(null)
  const gestationDays = gestation.trim() ? parseWeeksDays(gestation) : null
  const gestationBad =
    gestation.trim() !== '' && (gestationDays === null || gestationDays < 140 || gestationDays > 315)
  const weightG = weight.trim() ? Number(weight) : null
  const weightBad = weightG !== null && !(Number.isInteger(weightG) && weightG >= 200 && weightG <= 7000)
  const save = async (e: React.FormEvent) => {
    e.preventDefault()
    setError(null)
    const fields = {
      label,
      bed: bed || null,
      externalId: externalId || null,
      notes: notes || null,
      birthDate: birthDate || null,
      gestationalAgeDays: gestationDays,
      birthWeightG: weightG,
    }
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
              label="Hospital number"
              value={externalId}
              onChange={(e) => setExternalId(e.target.value)}
              helperText="Shown beside the name; or another unique id"
            />
            <Stack direction="row" spacing={2}>
              {/* Typed as the workstation writes dates (02 Dec 2026), not in Chromium's mm/dd/yyyy control. */}
              <Box sx={{ flex: 1 }}>
                <DateField
                  label="Date of birth"
                  size="medium"
                  value={birthDate}
                  onChange={setBirthDate}
                  minWidth={160}
                />
              </Box>
              <TextField
                label="Gestation at birth"
                placeholder="28+3"
                value={gestation}
                onChange={(e) => setGestation(e.target.value)}
                error={gestationBad}
                helperText={gestationBad ? 'weeks+days, 20+0 to 45+0' : 'weeks+days'}
                sx={{ flex: 1 }}
              />
              <TextField
                label="Birth weight (g)"
                value={weight}
                onChange={(e) => setWeight(e.target.value.replace(/[^\d]/g, ''))}
                error={weightBad}
                helperText={weightBad ? '200 to 7000 g' : ' '}
                slotProps={{ htmlInput: { inputMode: 'numeric' } }}
                sx={{ flex: 1 }}
              />
            </Stack>
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
          <Button type="submit" variant="contained" disabled={!label.trim() || gestationBad || weightBad}>
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  )
}
