// The first start of a ward that is not the demo: PINs are mandatory (every account reads patients' data), and
// the admin, signed in without one, sets its own PIN and one for every other account without a PIN before
// anything else opens. The core refuses everything else to this session ('pin_required').
import { useState } from 'react'
import { Alert, Box, Button, Card, CardContent, Stack, TextField, Typography } from '@mui/material'
import type { User } from '../../../shared/contract'
import { api } from '../api/client'
import { useLoad } from '../api/hooks'

const PIN = /^\d{4,12}$/

export function FirstStart(props: { user: User; onDone: () => void; onSignOut: () => void }) {
  const { user } = props
  const accounts = useLoad(() => api.listAccounts({}), [], ['users'])
  const [pins, setPins] = useState<Record<number, string>>({})
  const [confirm, setConfirm] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  // The caller first, then the other accounts without a PIN.
  const without = (accounts.data ?? [])
    .filter((a) => !a.hasPin)
    .sort((a, b) => Number(b.id === user.id) - Number(a.id === user.id))
  const own = without.find((a) => a.id === user.id)
  const valid =
    without.length > 0 &&
    without.every((a) => PIN.test(pins[a.id] ?? '')) &&
    (!own || confirm === pins[own.id])
  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    setError(null)
    setBusy(true)
    try {
      await api.setUpPins({ pins: without.map((a) => ({ userId: a.id, pin: pins[a.id]! })) })
      props.onDone()
    } catch (err) {
      setError((err as Error).message)
      accounts.reload()
    } finally {
      setBusy(false)
    }
  }
  return (
    <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', py: 4 }}>
      <Card sx={{ width: 520 }} component="form" onSubmit={submit} data-testid="first-start">
        <CardContent>
          <Stack spacing={2}>
            <Typography variant="h5" component="h1">
              First start: set the PINs
            </Typography>
            <Typography color="text.secondary">
              PINs are mandatory on this workstation: every account reads patients&apos; data. Set your own
              PIN and one for each account below, then tell each person theirs. Nothing else opens until this
              is done; PINs can be changed later under Admin → Users and PINs.
            </Typography>
            {accounts.error && <Alert severity="error">{accounts.error.message}</Alert>}
            {without.map((a) => (
              <Stack key={a.id} direction="row" spacing={1}>
                <TextField
                  label={
                    a.id === user.id ? `Your PIN (${a.username})` : `PIN for ${a.displayName} (${a.username})`
                  }
                  type="password"
                  fullWidth
                  value={pins[a.id] ?? ''}
                  onChange={(e) => setPins({ ...pins, [a.id]: e.target.value })}
                  error={!!pins[a.id] && !PIN.test(pins[a.id]!)}
                  helperText="4 to 12 digits"
                  slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'new-password' } }}
                />
                {a.id === user.id && (
                  <TextField
                    label="Your PIN again"
                    type="password"
                    fullWidth
                    value={confirm}
                    onChange={(e) => setConfirm(e.target.value)}
                    error={!!confirm && confirm !== pins[a.id]}
                    helperText={!!confirm && confirm !== pins[a.id] ? 'not the same' : ' '}
                    slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'new-password' } }}
                  />
                )}
              </Stack>
            ))}
            {accounts.data && without.length === 0 && (
              <Alert severity="success">Every account has its PIN now.</Alert>
            )}
            {error && <Alert severity="error">{error}</Alert>}
            <Stack direction="row" spacing={1} sx={{ justifyContent: 'flex-end' }}>
              <Button onClick={props.onSignOut}>Sign out</Button>
              {accounts.data && without.length === 0 ? (
                <Button variant="contained" onClick={props.onDone}>
                  Continue
                </Button>
              ) : (
                <Button type="submit" variant="contained" disabled={!valid || busy}>
                  Set {without.length} PIN{without.length === 1 ? '' : 's'} and continue
                </Button>
              )}
            </Stack>
          </Stack>
        </CardContent>
      </Card>
    </Box>
  )
}
