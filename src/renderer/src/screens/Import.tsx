// Import for the night-shift nurse: drop files or folders (or pick them), see each file's infant and recording
// time before anything is imported (and correct them), then follow the import with overall and per-file
// progress, time remaining, cancel, and a report of refused files. In browser mode the files are uploaded
// first, with their own progress; the page stays usable throughout.
import { useEffect, useRef, useState } from 'react'
import {
  Alert,
  Box,
  Button,
  CircularProgress,
  LinearProgress,
  MenuItem,
  Paper,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material'
import type { FileGrant, ImportItem, ImportPreviewItem, InfantRule, Job } from '../../../shared/contract'
import { api, onEvent, transport } from '../api/client'
import type { ChosenFile, UploadProgress } from '../api/transport'
import { ImportJobReport } from '../components/ImportJobReport'
import { ImportPreviewTable, NEW_INFANT } from '../components/ImportPreviewTable'
import { filesFromEntries, isHiddenFile, type EntryLike } from '../view-model/dropped-files'
import { formatDuration, fromLocalInput } from '../view-model/format'
import { secondsLeft } from '../view-model/import-progress'
import { useLoad, useRoute } from '../api/hooks'

export function ImportScreen({ go }: { go: (p: string) => void }) {
  const [route] = useRoute()
  const infants = useLoad(() => api.listInfants({}), [], ['infants'])
  const [rule, setRule] = useState<InfantRule>('dialog')
  const [infantId, setInfantId] = useState<number | ''>(route[1] ? Number(route[1]) : '')
  const [namePattern, setNamePattern] = useState('')
  const [grants, setGrants] = useState<FileGrant[]>([])
  const [hidden, setHidden] = useState(0)
  // The preview of the current files and rule; `request` says which files and rule it answers.
  const [previewed, setPreviewed] = useState<{ request: string; rows: ImportPreviewItem[] } | null>(null)
  const [assign, setAssign] = useState<Record<string, string>>({})
  const [times, setTimes] = useState<Record<string, string>>({})
  const [upload, setUpload] = useState<
    (UploadProgress & { startedAt: number; secondsLeft: number | null }) | null
  >(null)
  const uploadAbort = useRef<AbortController | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [job, setJob] = useState<Job | null>(null)
  const [jobSizes, setJobSizes] = useState<number[]>([])
  const [dragging, setDragging] = useState(false)

  useEffect(() => onEvent('job', (j) => setJob((cur) => (cur && cur.id === j.id ? j : cur))), [])

  // Re-run the preview whenever the files or the infant rule change.
  const request = JSON.stringify([
    grants.map((g) => g.id),
    rule,
    infantId,
    rule === 'filename' ? namePattern : '',
  ])
  useEffect(() => {
    if (!grants.length) return
    let stale = false
    const timer = setTimeout(() => {
      api
        .previewImport({
          grantIds: grants.map((g) => g.id),
          rule,
          ...(infantId !== '' ? { infantId } : {}),
          ...(rule === 'filename' && namePattern ? { namePattern } : {}),
        })
        .then((rows) => {
          if (stale) return
          setError(null)
          setPreviewed({ request, rows })
          setAssign(
            Object.fromEntries(
              rows.map((x) => [
                x.grantId,
                x.infantId !== null
                  ? String(x.infantId)
                  : x.newInfantLabel
                    ? NEW_INFANT + x.newInfantLabel
                    : '',
              ]),
            ),
          )
        })
        .catch((e: Error) => !stale && setError(e.message))
    }, 300)
    return () => {
      stale = true
      clearTimeout(timer)
    }
  }, [grants, rule, infantId, namePattern, request])
  const preview = grants.length ? (previewed?.rows ?? null) : null
  const previewing = grants.length > 0 && previewed?.request !== request && !error

  const handOver = async (get: (o: Parameters<typeof transport.chooseFiles>[1]) => Promise<FileGrant[]>) => {
    setError(null)
    const ac = new AbortController()
    uploadAbort.current = ac
    let skipped = 0
    try {
      const chosen = await get({
        signal: ac.signal,
        skip: (path) => {
          const hide = isHiddenFile(path)
          if (hide) skipped++
          return hide
        },
        onProgress: (p) =>
          setUpload((cur) => {
            const startedAt = cur?.startedAt ?? Date.now()
            return {
              ...p,
              startedAt,
              secondsLeft: secondsLeft(p.bytesDone, p.bytesTotal, Date.now() - startedAt),
            }
          }),
      })
      if (chosen.length) {
        setPreviewed(null)
        setGrants(chosen)
        setTimes({})
        setJob(null)
      }
      setHidden(skipped)
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError((e as Error).message)
    } finally {
      setUpload(null)
      uploadAbort.current = null
    }
  }

  const choose = (kind: 'files' | 'folder') => handOver((o) => transport.chooseFiles(kind, o))

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault()
    setDragging(false)
    // Entries must be taken while the drop event lasts; walking the folders can happen after.
    const entries = [...e.dataTransfer.items]
      .map((item) => item.webkitGetAsEntry?.())
      .filter((x): x is FileSystemEntry => !!x)
    const plain: ChosenFile[] = [...e.dataTransfer.files].map((file) => ({ file, relativePath: null }))
    void handOver(async (o) => {
      const files = entries.length
        ? (await filesFromEntries<File>(entries as unknown as EntryLike[])).files
        : plain
      return transport.dropFiles(files, o)
    })
  }

  const rows = preview ?? []
  const importable = rows.filter((p) => !p.problem && !p.duplicateOfRecordingId && assign[p.grantId])
  const start = async () => {
    setError(null)
    const bad = importable.find((p) => times[p.grantId] !== undefined && !fromLocalInput(times[p.grantId]!))
    if (bad) return setError(`The time of ${bad.relativePath ?? bad.name} is not a valid date and time.`)
    const items: ImportItem[] = importable.map((p) => {
      const a = assign[p.grantId]!
      const t = times[p.grantId] !== undefined ? fromLocalInput(times[p.grantId]!) : undefined
      return {
        grantId: p.grantId,
        ...(a.startsWith(NEW_INFANT)
          ? { newInfantLabel: a.slice(NEW_INFANT.length) }
          : { infantId: Number(a) }),
        ...(t ? { recordedAt: t } : {}),
      }
    })
    try {
      const sizes = new Map(grants.map((g) => [g.id, g.size]))
      const { jobId } = await api.startImport({ items })
      setJobSizes(items.map((it) => sizes.get(it.grantId) ?? 1))
      setJob(await api.getJob({ jobId }))
      setGrants([])
    } catch (e) {
      setError((e as Error).message)
    }
  }

  const running = job?.state === 'running'
  const uploadLeft = upload?.secondsLeft ?? null
  return (
    <Stack
      spacing={2}
      onDragOver={(e) => {
        e.preventDefault()
        setDragging(true)
      }}
      onDragLeave={(e) => e.currentTarget === e.target && setDragging(false)}
      onDrop={onDrop}
    >
      <Typography variant="h5" component="h2">
        Import recordings
      </Typography>
      <Paper
        data-testid="drop-zone"
        sx={{
          p: 2,
          outline: dragging ? '3px dashed' : '1px dashed',
          outlineColor: dragging ? 'primary.main' : 'divider',
          outlineOffset: -6,
        }}
      >
        <Stack spacing={2}>
          <Stack sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }} direction="row" spacing={2}>
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
            {rule === 'folder' && (
              <Typography color="text.secondary">
                Each infant's recordings in a folder named after the infant (bed/name or hospital id).
              </Typography>
            )}
            {rule === 'filename' && (
              <TextField
                label="Pattern (optional)"
                placeholder="e.g. ^(BED\d+)_"
                helperText="A regular expression whose first group names the infant; empty: Donate-a-Cry ids"
                value={namePattern}
                onChange={(e) => setNamePattern(e.target.value)}
                sx={{ minWidth: 300 }}
              />
            )}
          </Stack>
          <Stack sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }} direction="row" spacing={2}>
            <Button variant="contained" onClick={() => choose('files')} disabled={!!upload || running}>
              Choose files…
            </Button>
            <Button variant="outlined" onClick={() => choose('folder')} disabled={!!upload || running}>
              Choose folder…
            </Button>
            <Typography color="text.secondary">
              or drop files or folders here. WAV, FLAC, MP3, Ogg/Opus, 3GP/AMR, CAF, M4A.
            </Typography>
          </Stack>
          {upload && (
            <Box data-testid="upload-progress">
              <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
                <Typography variant="body2" sx={{ flex: 1 }}>
                  Sending {Math.min(upload.filesDone + 1, upload.filesTotal)} of {upload.filesTotal} to the
                  workstation: {upload.name}
                  {uploadLeft !== null ? ` — about ${formatDuration(uploadLeft)} left` : ''}
                </Typography>
                <Button size="small" color="warning" onClick={() => uploadAbort.current?.abort()}>
                  Cancel
                </Button>
              </Stack>
              <LinearProgress
                variant="determinate"
                value={(upload.bytesDone / Math.max(1, upload.bytesTotal)) * 100}
                aria-label="upload progress"
              />
            </Box>
          )}
        </Stack>
      </Paper>
      {error && <Alert severity="error">{error}</Alert>}
      {hidden > 0 && (
        <Alert severity="info">
          {hidden} hidden system file{hidden === 1 ? ' was' : 's were'} left out.
        </Alert>
      )}
      {previewing && !preview && (
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          <CircularProgress size={24} aria-label="checking files" />
          <Typography>Checking {grants.length} files…</Typography>
        </Stack>
      )}
      {preview && (
        <ImportPreviewTable
          rows={rows}
          infants={infants.data ?? []}
          assign={assign}
          onAssign={(id, v) => setAssign({ ...assign, [id]: v })}
          times={times}
          onTime={(id, v) => setTimes({ ...times, [id]: v })}
          importable={importable.length}
          refreshing={previewing}
          onStart={start}
          onClear={() => setGrants([])}
        />
      )}
      {job && <ImportJobReport job={job} sizes={jobSizes} go={go} />}
    </Stack>
  )
}
