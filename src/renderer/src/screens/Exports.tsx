// Exports: cries and their scores as CSV (for spreadsheets and statistics), and a recording's cries as a Praat
// TextGrid or an Audacity label track. Each export is a deliberate action and is written to the audit log.
import { useState } from 'react'
import { Alert, Button, MenuItem, Paper, Stack, TextField, Typography } from '@mui/material'
import { EXPORTERS, type ExportFile, type User } from '../../../shared/contract'
import { api } from '../api/client'
import { DateRange, InfantSelect } from '../components/Filters'
import { downloadExport } from '../api/download'
import { formatTime, fromLocalInput } from '../view-model/format'
import { useLoad } from '../api/hooks'

export function ExportsScreen({ user }: { user: User }) {
  const infants = useLoad(() => api.listInfants({}), [], ['infants'])
  const [csvInfant, setCsvInfant] = useState<number | ''>('')
  const [range, setRange] = useState({ from: '', to: '' })
  const [segInfant, setSegInfant] = useState<number | ''>('')
  const [recordingId, setRecordingId] = useState<number | ''>('')
  const recordings = useLoad(
    () => (segInfant === '' ? Promise.resolve([]) : api.listRecordings({ infantId: segInfant })),
    [segInfant],
    ['recordings'],
  )
  const [busy, setBusy] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  if (!EXPORTERS.includes(user.role))
    return <Alert severity="info">Exports are made by clinicians, researchers and administrators.</Alert>

  const run = async (what: string, make: () => Promise<ExportFile>) => {
    setBusy(what)
    setError(null)
    setDone(null)
    try {
      const file = await make()
      downloadExport(file)
      setDone(`${file.fileName} downloaded (${(file.content.length / 1024).toFixed(0)} KB).`)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(null)
    }
  }

  return (
    <Stack spacing={2} sx={{ maxWidth: 900 }}>
      <Typography variant="h5" component="h2">
        Exports
      </Typography>
      <Typography color="text.secondary">
        Exported files leave the workstation: each export is recorded in the audit log with your name.
      </Typography>
      {error && <Alert severity="error">{error}</Alert>}
      {done && (
        <Alert severity="success" data-testid="export-done">
          {done}
        </Alert>
      )}
      <Paper sx={{ p: 2 }} component="section" aria-label="Cries and scores">
        <Stack spacing={2}>
          <Typography variant="h6" component="h3">
            Cries and scores (CSV)
          </Typography>
          <Typography variant="body2" color="text.secondary">
            One row per cry: time, recording, acoustic measures, gate decision, anomaly score, flag and
            verdict.
          </Typography>
          <Stack direction="row" spacing={2} sx={{ flexWrap: 'wrap', rowGap: 1.5, alignItems: 'center' }}>
            <InfantSelect
              infants={infants.data}
              value={csvInfant}
              onChange={setCsvInfant}
              testId="csv-infant"
            />
            <DateRange from={range.from} to={range.to} onChange={setRange} />
            <Button
              variant="contained"
              disabled={busy !== null}
              onClick={() =>
                run('csv', () =>
                  api.exportCriesCsv({
                    ...(csvInfant !== '' ? { infantId: csvInfant } : {}),
                    ...(range.from ? { from: fromLocalInput(range.from) } : {}),
                    ...(range.to ? { to: fromLocalInput(range.to, true) } : {}),
                  }),
                )
              }
            >
              {busy === 'csv' ? 'Preparing…' : 'Download CSV'}
            </Button>
          </Stack>
        </Stack>
      </Paper>
      <Paper sx={{ p: 2 }} component="section" aria-label="Cry segments">
        <Stack spacing={2}>
          <Typography variant="h6" component="h3">
            Cry segments of a recording
          </Typography>
          <Typography variant="body2" color="text.secondary">
            Praat TextGrid (tier “cry”, plus a “review” tier with scores and verdicts) or an Audacity label
            track, to open beside the recording.
          </Typography>
          <Stack direction="row" spacing={2} sx={{ flexWrap: 'wrap', rowGap: 1.5, alignItems: 'center' }}>
            <InfantSelect
              infants={infants.data}
              value={segInfant}
              onChange={(v) => {
                setSegInfant(v)
                setRecordingId('')
              }}
              allLabel="Choose an infant"
            />
            <TextField
              select
              size="small"
              label="Recording"
              value={recordingId}
              onChange={(e) => setRecordingId(e.target.value === '' ? '' : Number(e.target.value))}
              sx={{ minWidth: 320 }}
              disabled={segInfant === ''}
            >
              {(recordings.data ?? []).map((r) => (
                <MenuItem key={r.id} value={r.id}>
                  {r.fileName} · {formatTime(r.recordedAt)} · {r.cryCount} cries
                </MenuItem>
              ))}
            </TextField>
            <SegmentButtons recordingId={recordingId === '' ? null : recordingId} busy={busy} run={run} />
          </Stack>
        </Stack>
      </Paper>
    </Stack>
  )
}

export function SegmentButtons(props: {
  recordingId: number | null
  busy: string | null
  run: (what: string, make: () => Promise<ExportFile>) => void
}) {
  const { recordingId } = props
  return (
    <>
      <Button
        variant="outlined"
        disabled={recordingId === null || props.busy !== null}
        onClick={() =>
          recordingId !== null &&
          props.run('textgrid', () => api.exportSegments({ recordingId, format: 'textgrid' }))
        }
      >
        Praat TextGrid
      </Button>
      <Button
        variant="outlined"
        disabled={recordingId === null || props.busy !== null}
        onClick={() =>
          recordingId !== null &&
          props.run('audacity', () => api.exportSegments({ recordingId, format: 'audacity' }))
        }
      >
        Audacity labels
      </Button>
    </>
  )
}
