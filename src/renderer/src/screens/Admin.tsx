// Administration (admins): user accounts and PINs, and backups of the database (list, back up now, restore).
// PINs go to the core once and never come back; a restore signs everyone out, so this screen says so first.
import { useState } from 'react'
import {
  Alert,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material'
import { Role, type Account, type Backup, type RestoreReport } from '../../../shared/contract'
import { api } from '../api/client'
import { LoadState } from '../components/States'
import { formatTime } from '../view-model/format'
import { When } from '../components/When'
import { useLoad } from '../api/hooks'

const PIN = /^\d{4,12}$/

export function AdminScreen() {
  return (
    <Stack spacing={3}>
      <Typography variant="h5" component="h2">
        Administration
      </Typography>
      <Users />
      <Backups />
    </Stack>
  )
}

function Users() {
  const accounts = useLoad(() => api.listAccounts({}), [], ['users'])
  // PINs are mandatory outside demo mode: none may be cleared, and a new account gets one.
  const info = useLoad(() => api.systemInfo({}), [], ['users', 'infants'])
  const pinRequired = info.data?.demoMode !== true
  const [creating, setCreating] = useState(false)
  const [form, setForm] = useState({ username: '', displayName: '', role: 'nurse' as Role, pin: '' })
  const [pinFor, setPinFor] = useState<Account | null>(null)
  const [pin, setPin] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const act = async (what: () => Promise<unknown>, message: string) => {
    setError(null)
    try {
      await what()
      setDone(message)
      return true
    } catch (e) {
      setError((e as Error).message)
      return false
    }
  }
  return (
    <Paper sx={{ p: 2 }} component="section" aria-label="Users">
      <Stack spacing={1.5}>
        <Stack direction="row" sx={{ alignItems: 'center' }}>
          <Typography variant="h6" component="h3" sx={{ flex: 1 }}>
            Users and PINs
          </Typography>
          <Button
            variant="contained"
            onClick={() => {
              setForm({ username: '', displayName: '', role: 'nurse', pin: '' })
              setCreating(true)
            }}
          >
            Add user
          </Button>
        </Stack>
        {error && !creating && !pinFor && <Alert severity="error">{error}</Alert>}
        {done && <Alert severity="success">{done}</Alert>}
        <LoadState loading={accounts.loading && !accounts.data} error={accounts.error}>
          <Table size="small" aria-label="users">
            <TableHead>
              <TableRow>
                <TableCell>User</TableCell>
                <TableCell>Name</TableCell>
                <TableCell>Role</TableCell>
                <TableCell>PIN</TableCell>
                <TableCell>Since</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {(accounts.data ?? []).map((a) => (
                <TableRow key={a.id}>
                  <TableCell>{a.username}</TableCell>
                  <TableCell>{a.displayName}</TableCell>
                  <TableCell>{a.role}</TableCell>
                  <TableCell>{a.hasPin ? <Chip size="small" label="set" /> : 'none'}</TableCell>
                  <TableCell>{formatTime(a.createdAt)}</TableCell>
                  <TableCell align="right">
                    <Button
                      size="small"
                      onClick={() => {
                        setPin('')
                        setPinFor(a)
                      }}
                    >
                      {a.hasPin ? 'Change PIN' : 'Set PIN'}
                    </Button>
                    {a.hasPin && !pinRequired && (
                      <Button
                        size="small"
                        color="warning"
                        onClick={() =>
                          void act(
                            () => api.setUserPin({ userId: a.id, pin: null }),
                            `${a.username} signs in without a PIN.`,
                          )
                        }
                      >
                        Clear PIN
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </LoadState>
      </Stack>
      <Dialog open={creating} onClose={() => setCreating(false)} fullWidth maxWidth="sm">
        <DialogTitle>Add a user</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {error && <Alert severity="error">{error}</Alert>}
            <TextField
              label="User name"
              helperText="2–32 lower-case letters, digits, dot, dash, underscore"
              value={form.username}
              onChange={(e) => setForm({ ...form, username: e.target.value })}
              autoFocus
            />
            <TextField
              label="Display name"
              value={form.displayName}
              onChange={(e) => setForm({ ...form, displayName: e.target.value })}
            />
            <TextField
              select
              label="Role"
              value={form.role}
              onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
            >
              {Role.options.map((r) => (
                <MenuItem key={r} value={r}>
                  {r}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              label={pinRequired ? 'PIN' : 'PIN (optional)'}
              type="password"
              required={pinRequired}
              helperText={
                pinRequired ? '4 to 12 digits; PINs are mandatory on this workstation' : '4 to 12 digits'
              }
              value={form.pin}
              onChange={(e) => setForm({ ...form, pin: e.target.value })}
              error={!!form.pin && !PIN.test(form.pin)}
              slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'new-password' } }}
            />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setCreating(false)}>Cancel</Button>
          <Button
            variant="contained"
            disabled={
              !form.username ||
              !form.displayName.trim() ||
              (!!form.pin && !PIN.test(form.pin)) ||
              (pinRequired && !form.pin)
            }
            onClick={async () => {
              const ok = await act(
                () =>
                  api.createUser({
                    username: form.username,
                    displayName: form.displayName.trim(),
                    role: form.role,
                    ...(form.pin ? { pin: form.pin } : {}),
                  }),
                `${form.username} (${form.role}) added.`,
              )
              if (ok) setCreating(false)
            }}
          >
            Add
          </Button>
        </DialogActions>
      </Dialog>
      <Dialog open={pinFor !== null} onClose={() => setPinFor(null)} fullWidth maxWidth="xs">
        <DialogTitle>PIN for {pinFor?.username}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {error && <Alert severity="error">{error}</Alert>}
            <TextField
              label="New PIN"
              type="password"
              helperText="4 to 12 digits; it is never shown again"
              value={pin}
              onChange={(e) => setPin(e.target.value)}
              error={!!pin && !PIN.test(pin)}
              autoFocus
              slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'new-password' } }}
            />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setPinFor(null)}>Cancel</Button>
          <Button
            variant="contained"
            disabled={!PIN.test(pin)}
            onClick={async () => {
              if (!pinFor) return
              const ok = await act(
                () => api.setUserPin({ userId: pinFor.id, pin }),
                `${pinFor.username}'s PIN is set.`,
              )
              if (ok) setPinFor(null)
            }}
          >
            Set PIN
          </Button>
        </DialogActions>
      </Dialog>
    </Paper>
  )
}

function Backups() {
  const backups = useLoad(() => api.listBackups({}), [])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [made, setMade] = useState<Backup | null>(null)
  const [restoring, setRestoring] = useState<Backup | null>(null)
  const [report, setReport] = useState<RestoreReport | null>(null)
  const create = async () => {
    setBusy(true)
    setError(null)
    try {
      setMade(await api.createBackup({}))
      backups.reload()
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  const restore = async () => {
    if (!restoring) return
    setBusy(true)
    setError(null)
    try {
      setReport(await api.restoreBackup({ backupId: restoring.id }))
      setRestoring(null)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Paper sx={{ p: 2 }} component="section" aria-label="Backups">
      <Stack spacing={1.5}>
        <Stack direction="row" sx={{ alignItems: 'center' }}>
          <Typography variant="h6" component="h3" sx={{ flex: 1 }}>
            Backups
          </Typography>
          <Button variant="contained" onClick={() => void create()} disabled={busy}>
            {busy && !restoring ? 'Backing up…' : 'Back up now'}
          </Button>
        </Stack>
        <Typography variant="body2" color="text.secondary">
          Backups cover the database (infants, cries, models, reviews, settings, users, the audit log); audio
          working copies are never rewritten and belong in the hospital&apos;s file backup. Every 6 hours and
          before every restore a backup is made automatically.
        </Typography>
        {error && <Alert severity="error">{error}</Alert>}
        {made && (
          <Alert severity="success" data-testid="backup-made">
            Backup {made.id} made ({(made.sizeBytes / 1e6).toFixed(1)} MB), integrity-checked.
          </Alert>
        )}
        {report && (
          <Alert
            severity="success"
            action={
              <Button color="inherit" onClick={() => location.reload()}>
                Sign in again
              </Button>
            }
          >
            Restored {report.restored.id}: {report.counts.infants} infants, {report.counts.recordings}{' '}
            recordings, {report.counts.cries} cries; {report.carriedAuditEntries} newer audit entries carried
            over; the state before is kept as {report.preRestoreBackup}. Everyone has been signed out.
          </Alert>
        )}
        <LoadState
          loading={backups.loading && !backups.data}
          error={backups.error}
          empty={backups.data?.length === 0}
          emptyText="No backups yet."
        >
          <Table size="small" aria-label="backups">
            <TableHead>
              <TableRow>
                <TableCell>Made</TableCell>
                <TableCell>Why</TableCell>
                <TableCell align="right">Size</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {(backups.data ?? []).map((b) => (
                <TableRow key={b.id}>
                  <TableCell>
                    <When at={b.createdAt} seconds />
                  </TableCell>
                  <TableCell>{b.reason}</TableCell>
                  <TableCell align="right">{(b.sizeBytes / 1e6).toFixed(1)} MB</TableCell>
                  <TableCell align="right">
                    <Button size="small" color="warning" onClick={() => setRestoring(b)} disabled={busy}>
                      Restore…
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </LoadState>
      </Stack>
      <Dialog open={restoring !== null} onClose={() => !busy && setRestoring(null)} fullWidth maxWidth="sm">
        <DialogTitle>
          Restore the backup of {restoring && formatTime(restoring.createdAt, { seconds: true })}?
        </DialogTitle>
        <DialogContent>
          <Typography>
            The database goes back to this backup. The current state is kept as a backup first (so this can be
            undone), audit entries written since are carried over, and everyone — you too — is signed out.
            Wait for running imports to finish first.
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setRestoring(null)} disabled={busy}>
            Cancel
          </Button>
          <Button variant="contained" color="warning" onClick={() => void restore()} disabled={busy}>
            {busy ? 'Restoring…' : 'Restore'}
          </Button>
        </DialogActions>
      </Dialog>
    </Paper>
  )
}
