import { useEffect, useState } from 'react'
import {
  Alert,
  Box,
  Button,
  LinearProgress,
  MenuItem,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material'
import type { FileGrant, ImportItem, ImportPreviewItem, InfantRule, Job } from '../../../shared/contract'
import { api, onEvent, transport } from '../api/client'
import { formatDuration, formatTime } from '../format'
import { useLoad, useRoute } from '../hooks'

const NEW = 'new:'

export function ImportScreen({ go }: { go: (p: string) => void }) {
  const [route] = useRoute()
  const infants = useLoad(() => api.listInfants({}), [], ['infants'])
  const [rule, setRule] = useState<InfantRule>('dialog')
  const [infantId, setInfantId] = useState<number | ''>(route[1] ? Number(route[1]) : '')
  const [grants, setGrants] = useState<FileGrant[]>([])
  const [preview, setPreview] = useState<ImportPreviewItem[] | null>(null)
  const [assign, setAssign] = useState<Record<string, string>>({})
  const [upload, setUpload] = useState<{ done: number; total: number; name: string } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [job, setJob] = useState<Job | null>(null)
  const [dragging, setDragging] = useState(false)

  useEffect(() => onEvent('job', (j) => setJob((cur) => (cur && cur.id === j.id ? j : cur))), [])

  // Re-run the preview whenever files or the infant rule change.
  useEffect(() => {
    if (!grants.length) return setPreview(null)
    let stale = false
    api
      .previewImport({ grantIds: grants.map((g) => g.id), rule, ...(infantId !== '' ? { infantId } : {}) })
      .then((p) => {
        if (stale) return
        setPreview(p)
        setAssign(
          Object.fromEntries(
            p.map((x) => [
              x.grantId,
              x.infantId !== null ? String(x.infantId) : x.newInfantLabel ? NEW + x.newInfantLabel : '',
            ]),
          ),
        )
      })
      .catch((e: Error) => !stale && setError(e.message))
    return () => {
      stale = true
    }
  }, [grants, rule, infantId])

  const choose = async (kind: 'files' | 'folder') => {
    setError(null)
    try {
      const chosen = await transport.chooseFiles(kind, (done, total, name) =>
        setUpload({ done, total, name }),
      )
      if (chosen.length) {
        setGrants(chosen)
        setJob(null)
      }
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setUpload(null)
    }
  }
  const onDrop = async (e: React.DragEvent) => {
    e.preventDefault()
    setDragging(false)
    try {
      const chosen = await transport.dropFiles([...e.dataTransfer.files], (done, total, name) =>
        setUpload({ done, total, name }),
      )
      if (chosen.length) setGrants(chosen)
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setUpload(null)
    }
  }

  const importable = (preview ?? []).filter(
    (p) => !p.problem && !p.duplicateOfRecordingId && assign[p.grantId],
  )
  const start = async () => {
    setError(null)
    const items: ImportItem[] = importable.map((p) => {
      const a = assign[p.grantId]!
      return a.startsWith(NEW)
        ? { grantId: p.grantId, newInfantLabel: a.slice(NEW.length) }
        : { grantId: p.grantId, infantId: Number(a) }
    })
    try {
      const { jobId } = await api.startImport({ items })
      setJob(await api.getJob({ jobId }))
      setGrants([])
    } catch (e) {
      setError((e as Error).message)
    }
  }

  const running = job?.state === 'running'
  return (
    <Stack
      spacing={2}
      onDragOver={(e) => (e.preventDefault(), setDragging(true))}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <Typography variant="h5" component="h2">
        Import recordings
      </Typography>
      <Paper sx={{ p: 2, outline: dragging ? '3px dashed' : 'none', outlineColor: 'primary.main' }}>
        <Stack spacing={2}>
          <Stack sx={{ alignItems: 'center', flexWrap: 'wrap' }} direction="row" spacing={2}>
            <ToggleButtonGroup
              exclusive
              value={rule}
              onChange={(_e, v: InfantRule | null) => v && setRule(v)}
              aria-label="how to assign infants"
            >
              <ToggleButton value="dialog">One infant</ToggleButton>
              <ToggleButton value="folder">One folder per infant</ToggleButton>
              <ToggleButton value="filename">From file names</ToggleButton>
            </ToggleButtonGroup>
            {rule === 'dialog' && (
              <TextField
                select
                label="Infant"
                value={infantId}
                onChange={(e) => setInfantId(e.target.value === '' ? '' : Number(e.target.value))}
                sx={{ minWidth: 240 }}
                slotProps={{ htmlInput: { 'data-testid': 'import-infant' } }}
              >
                {(infants.data ?? []).map((i) => (
                  <MenuItem key={i.id} value={i.id}>
                    {i.bed ? `${i.bed} · ` : ''}
                    {i.label}
                  </MenuItem>
                ))}
              </TextField>
            )}
          </Stack>
          <Stack sx={{ alignItems: 'center' }} direction="row" spacing={2}>
            <Button variant="contained" onClick={() => choose('files')} disabled={!!upload || running}>
              Choose files…
            </Button>
            <Button variant="outlined" onClick={() => choose('folder')} disabled={!!upload || running}>
              Choose folder…
            </Button>
            <Typography color="text.secondary">
              or drop files here. WAV, FLAC, MP3, Ogg/Opus, 3GP/AMR, CAF, M4A.
            </Typography>
          </Stack>
          {upload && (
            <Box>
              <Typography variant="body2">
                Uploading {upload.done + 1 > upload.total ? upload.total : upload.done + 1} of {upload.total}:{' '}
                {upload.name}
              </Typography>
              <LinearProgress variant="determinate" value={(upload.done / Math.max(1, upload.total)) * 100} />
            </Box>
          )}
        </Stack>
      </Paper>
      {error && <Alert severity="error">{error}</Alert>}
      {preview && (
        <Paper>
          <Table size="small" aria-label="import preview">
            <TableHead>
              <TableRow>
                <TableCell>File</TableCell>
                <TableCell>Format</TableCell>
                <TableCell align="right">Duration</TableCell>
                <TableCell>Recorded (source)</TableCell>
                <TableCell>Infant</TableCell>
                <TableCell>Status</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {preview.map((p) => (
                <TableRow key={p.grantId}>
                  <TableCell>{p.relativePath ?? p.name}</TableCell>
                  <TableCell>{p.format ?? '—'}</TableCell>
                  <TableCell align="right">
                    {p.durationS !== null ? formatDuration(p.durationS) : '—'}
                  </TableCell>
                  <TableCell>
                    {formatTime(p.recordedAt)} {p.timeSource ? `(${p.timeSource})` : ''}
                  </TableCell>
                  <TableCell>
                    <TextField
                      select
                      size="small"
                      value={assign[p.grantId] ?? ''}
                      onChange={(e) => setAssign({ ...assign, [p.grantId]: e.target.value })}
                      sx={{ minWidth: 200 }}
                      disabled={!!p.problem}
                    >
                      {p.newInfantLabel && (
                        <MenuItem value={NEW + p.newInfantLabel}>New: {p.newInfantLabel}</MenuItem>
                      )}
                      {(infants.data ?? []).map((i) => (
                        <MenuItem key={i.id} value={String(i.id)}>
                          {i.label}
                        </MenuItem>
                      ))}
                    </TextField>
                  </TableCell>
                  <TableCell>
                    {p.problem ? (
                      <Typography color="error" variant="body2">
                        {p.problem}
                      </Typography>
                    ) : p.duplicateOfRecordingId ? (
                      'already imported'
                    ) : (
                      'ready'
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Stack direction="row" spacing={2} sx={{ p: 2, alignItems: 'center' }}>
            <Button variant="contained" onClick={start} disabled={!importable.length}>
              Import {importable.length} file{importable.length === 1 ? '' : 's'}
            </Button>
            <Typography color="text.secondary">
              {preview.length - importable.length} will be skipped
            </Typography>
          </Stack>
        </Paper>
      )}
      {job && <JobReport job={job} go={go} />}
    </Stack>
  )
}

function JobReport({ job, go }: { job: Job; go: (p: string) => void }) {
  const running = job.state === 'running'
  const refused = job.files.filter((f) => f.status === 'refused')
  return (
    <Paper sx={{ p: 2 }} data-testid="import-job">
      <Stack spacing={1}>
        <Stack sx={{ alignItems: 'center' }} direction="row" spacing={2}>
          <Typography variant="h6" sx={{ flex: 1 }}>
            {job.title}: {running ? `${(job.progress * 100).toFixed(0)}%` : job.state}
          </Typography>
          {job.etaS !== null && running && (
            <Typography color="text.secondary">about {formatDuration(job.etaS)} left</Typography>
          )}
          {running && (
            <Button color="warning" variant="outlined" onClick={() => api.cancelJob({ jobId: job.id })}>
              Cancel
            </Button>
          )}
          {!running && (
            <Button onClick={() => go('ward')} variant="outlined">
              Go to ward
            </Button>
          )}
        </Stack>
        <LinearProgress variant="determinate" value={job.progress * 100} aria-label="import progress" />
        {job.message && <Typography variant="body2">{job.message}</Typography>}
        <Table size="small" aria-label="import report">
          <TableBody>
            {job.files.map((f, i) => (
              <TableRow key={i}>
                <TableCell>{f.name}</TableCell>
                <TableCell>{f.status}</TableCell>
                <TableCell>{f.cries !== null ? `${f.cries} cries` : ''}</TableCell>
                <TableCell sx={{ color: f.status === 'refused' ? 'error.main' : undefined }}>
                  {f.reason ?? ''}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {!running && refused.length > 0 && (
          <Alert severity="warning">
            {refused.length} file(s) were refused; the reasons are listed above. The other files were
            imported.
          </Alert>
        )}
      </Stack>
    </Paper>
  )
}
