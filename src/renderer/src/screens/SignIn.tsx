import { useState } from 'react'
import { Alert, Box, Button, Card, CardContent, MenuItem, Stack, TextField, Typography } from '@mui/material'
import type { User } from '../../../shared/contract'
import { api } from '../api/client'
import { useLoad } from '../api/hooks'

export function SignIn({ onSignedIn }: { onSignedIn: (u: User) => void }) {
  const users = useLoad(() => api.listUsers({}), [])
  const info = useLoad(() => api.systemInfo({}), [])
  const [username, setUsername] = useState('')
  const [pin, setPin] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      onSignedIn(await api.signIn({ username, ...(pin ? { pin } : {}) }))
    } catch (err) {
      setError((err as Error).message)
    }
  }
  return (
    <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center' }}>
      <Card sx={{ width: 420 }} component="form" onSubmit={submit}>
        <CardContent>
          <Stack spacing={2}>
            <Typography variant="h5">ICLAS</Typography>
            <Typography color="text.secondary">Infant Cry Longitudinal Analysis System — sign in</Typography>
            {users.error && <Alert severity="error">{users.error.message}</Alert>}
            <TextField
              select
              label="User"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoFocus
            >
              {(users.data ?? []).map((u) => (
                <MenuItem key={u.id} value={u.username}>
                  {u.displayName} ({u.role})
                </MenuItem>
              ))}
            </TextField>
            <TextField
              label={info.data?.demoMode ? 'PIN (if set)' : 'PIN'}
              type="password"
              value={pin}
              onChange={(e) => setPin(e.target.value)}
            />
            {error && <Alert severity="error">{error}</Alert>}
            <Button type="submit" variant="contained" disabled={!username}>
              Sign in
            </Button>
          </Stack>
        </CardContent>
      </Card>
    </Box>
  )
}
