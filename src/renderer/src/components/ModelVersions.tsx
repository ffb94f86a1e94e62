// An infant's personal model versions, newest first: restore a past version (with a reason; audited) or refit now
// on the replay buffer (a job, with its progress here and in the app bar).
import { useState } from 'react'
import {
  Alert,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material'
import type { ModelVersion } from '../../../shared/contract'
import { api } from '../api/client'
import { formatTime } from '../view-model/format'
import { useJob, useLoad } from '../api/hooks'
import { LoadState } from './States'

export function ModelVersions({ infantId, canChange }: { infantId: number; canChange: boolean }) {
  const models = useLoad(() => api.listModels({ infantId }), [infantId], ['models'])
  const [restoring, setRestoring] = useState<ModelVersion | null>(null)
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [jobId, setJobId] = useState<string | null>(null)
  const job = useJob(jobId)
  const refit = async () => {
    setError(null)
    try {
      setJobId((await api.refitModel({ infantId })).jobId)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const restore = async () => {
    if (!restoring) return
    setError(null)
    try {
      await api.restoreModel({ modelId: restoring.id, ...(reason.trim() ? { reason: reason.trim() } : {}) })
      setRestoring(null)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const running = job?.state === 'running' || job?.state === 'queued'
  const result = job?.result as { version: number | null } | undefined
  return (
    <Stack spacing={1.5}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h6" component="h3" sx={{ flex: 1 }}>
          Model versions
        </Typography>
        {canChange && (
          <Button variant="outlined" onClick={() => void refit()} disabled={running}>
            Refit now
          </Button>
        )}
      </Stack>
      {error && <Alert severity="error">{error}</Alert>}
      {job && (
        <Stack spacing={0.5} data-testid="refit-job" data-state={job.state}>
          <Typography variant="body2">
            {job.state === 'running'
              ? `Refitting… ${(job.progress * 100).toFixed(0)}%${job.message ? ` (${job.message})` : ''}`
              : job.state === 'done'
                ? result?.version
                  ? `Refitted: version ${result.version} is active.`
                  : 'Nothing to refit: the replay buffer holds too few cries with embeddings.'
                : job.state === 'failed'
                  ? `Refit failed: ${job.error}`
                  : `Refit ${job.state}.`}
          </Typography>
          {running && <LinearProgress variant="determinate" value={job.progress * 100} />}
        </Stack>
      )}
      <LoadState
        loading={models.loading}
        error={models.error}
        empty={models.data?.length === 0}
        emptyText="No model yet: the infant is still collecting its baseline."
      >
        <Table size="small" aria-label="model versions">
          <TableHead>
            <TableRow>
              <TableCell>Version</TableCell>
              <TableCell>Model</TableCell>
              <TableCell>Backbone</TableCell>
              <TableCell align="right">Cries</TableCell>
              <TableCell>Why</TableCell>
              <TableCell>Made</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {(models.data ?? []).map((m) => (
              <TableRow key={m.id} selected={m.active}>
                <TableCell>
                  v{m.version} {m.active && <Chip size="small" color="primary" label="active" />}
                </TableCell>
                <TableCell>
                  {m.kind.toUpperCase()}{' '}
                  <Typography component="span" variant="caption" color="text.secondary">
                    {Object.entries(m.params)
                      .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
                      .join(', ')}
                  </Typography>
                </TableCell>
                <TableCell>{m.backbone}</TableCell>
                <TableCell align="right">{m.cryCount}</TableCell>
                <TableCell>{m.reason}</TableCell>
                <TableCell>
                  {formatTime(m.createdAt)} · {m.createdBy}
                </TableCell>
                <TableCell align="right">
                  {canChange && !m.active && (
                    <Button
                      size="small"
                      onClick={() => {
                        setReason('')
                        setRestoring(m)
                      }}
                    >
                      Restore…
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </LoadState>
      <Dialog open={restoring !== null} onClose={() => setRestoring(null)} fullWidth maxWidth="sm">
        <DialogTitle>Restore model v{restoring?.version}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <Typography>
              Version {restoring?.version} becomes the active model again (as a new version); its cries become
              the replay buffer. New cries are scored against it from now on.
            </Typography>
            <TextField
              label="Reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
              required
            />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setRestoring(null)}>Cancel</Button>
          <Button variant="contained" onClick={() => void restore()} disabled={!reason.trim()}>
            Restore
          </Button>
        </DialogActions>
      </Dialog>
    </Stack>
  )
}
