// A running or finished import: overall progress with time remaining, each file's state (the one being
// imported with its own bar), cancel, the refused files with their reasons, and why no cry was found in a file
// that imported without one (too short, clipped, too quiet, only non-cry sound).
import {
  Alert,
  Box,
  Button,
  LinearProgress,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material'
import type { Job } from '../../../shared/contract'
import { api } from '../api/client'
import { formatDuration } from '../view-model/format'
import { fileFractions } from '../view-model/import-progress'

const STATUS: Record<Job['files'][number]['status'], string> = {
  pending: 'waiting',
  imported: 'imported',
  duplicate: 'already imported',
  refused: 'refused',
  cancelled: 'cancelled',
}

export function ImportJobReport({ job, sizes, go }: { job: Job; sizes: number[]; go: (p: string) => void }) {
  const running = job.state === 'running'
  const refused = job.files.filter((f) => f.status === 'refused')
  const fractions = fileFractions(job.files, sizes, job.progress)
  const current = running ? job.files.findIndex((f) => f.status === 'pending') : -1
  const counts = {
    imported: job.files.filter((f) => f.status === 'imported').length,
    duplicate: job.files.filter((f) => f.status === 'duplicate').length,
    noCry: job.files.filter((f) => f.status === 'imported' && f.cries === 0).length,
  }
  return (
    <Paper sx={{ p: 2 }} data-testid="import-job" data-state={job.state}>
      <Stack spacing={1.5}>
        <Stack sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }} direction="row" spacing={2}>
          <Typography variant="h6" component="h3" sx={{ flex: 1 }}>
            {job.title}: {running ? `${(job.progress * 100).toFixed(0)}%` : job.state}
          </Typography>
          {running && (
            <Typography color="text.secondary" data-testid="import-eta">
              {job.etaS !== null ? `about ${formatDuration(job.etaS)} left` : 'estimating time left…'}
            </Typography>
          )}
          {running && (
            <Button color="warning" variant="outlined" onClick={() => void api.cancelJob({ jobId: job.id })}>
              Cancel import
            </Button>
          )}
          {!running && (
            <Button onClick={() => go('ward')} variant="outlined">
              Go to ward
            </Button>
          )}
        </Stack>
        <LinearProgress
          variant="determinate"
          value={job.progress * 100}
          aria-label="import progress"
          sx={{ height: 10, borderRadius: 1 }}
        />
        {job.message && <Typography variant="body2">{job.message}</Typography>}
        {job.error && <Alert severity="error">The import stopped: {job.error}</Alert>}
        <Box sx={{ maxHeight: 420, overflow: 'auto' }}>
          <Table size="small" aria-label="import report" stickyHeader>
            <TableHead>
              <TableRow>
                <TableCell>File</TableCell>
                <TableCell>State</TableCell>
                <TableCell sx={{ width: 200 }}>Progress</TableCell>
                <TableCell>Cries</TableCell>
                <TableCell>Reason</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {job.files.map((f, i) => (
                <TableRow key={i} selected={i === current}>
                  <TableCell>{f.name}</TableCell>
                  <TableCell>{i === current ? 'importing' : STATUS[f.status]}</TableCell>
                  <TableCell>
                    {fractions[i] !== null && (
                      <LinearProgress
                        variant="determinate"
                        value={fractions[i]! * 100}
                        aria-label={`progress of ${f.name}`}
                      />
                    )}
                  </TableCell>
                  <TableCell>{f.cries !== null ? f.cries : ''}</TableCell>
                  <TableCell
                    sx={{
                      color:
                        f.status === 'refused'
                          ? 'error.main'
                          : f.status === 'imported' && f.cries === 0
                            ? 'warning.main'
                            : undefined,
                    }}
                    data-testid={f.status === 'imported' && f.cries === 0 ? 'no-cry-reason' : undefined}
                  >
                    {f.reason ?? ''}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
        {!running && (
          <Alert
            severity={refused.length || counts.noCry ? 'warning' : 'success'}
            data-testid="import-summary"
          >
            {counts.imported} imported
            {counts.noCry ? ` (${counts.noCry} with no cry found: see the reason beside each)` : ''},{' '}
            {counts.duplicate} already present
            {refused.length
              ? `, ${refused.length} refused: ${refused.map((f) => `${f.name} (${f.reason ?? 'no reason given'})`).join('; ')}`
              : '.'}
          </Alert>
        )}
      </Stack>
    </Paper>
  )
}
