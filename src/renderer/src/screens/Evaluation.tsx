// Evaluation (researchers): run a protocol of docs/evaluation.md — A segmentation, B gate, C verification,
// D anomaly, E drift — on datasets the workstation knows (../shared/datasets, folders an administrator
// registered, the simulated ward), watch its progress, and read past runs as tables and ROC curves.
import { useMemo, useState } from 'react'
import {
  Alert,
  Box,
  Button,
  Checkbox,
  Chip,
  FormControlLabel,
  FormGroup,
  LinearProgress,
  List,
  ListItemButton,
  ListItemText,
  MenuItem,
  Paper,
  Stack,
  TextField,
  Typography,
} from '@mui/material'
import type { EvalDataset, EvalOptions, EvalProtocolName, EvaluationRun } from '../../../shared/contract'
import { api } from '../api/client'
import { EvalProtocolOptions } from '../components/EvalProtocolOptions'
import { EvaluationReport } from '../components/EvaluationReport'
import { RunParameters } from '../components/RunParameters'
import { LoadState } from '../components/States'
import { formatTime } from '../view-model/format'
import { useJob, useLoad } from '../api/hooks'

export const PROTOCOLS: { name: EvalProtocolName; letter: string; title: string; help: string }[] = [
  {
    name: 'segmentation',
    letter: 'A',
    title: 'Cry segmentation',
    help: 'Cries found against hand-marked expirations (TextGrids): frame and event F1.',
  },
  {
    name: 'gate',
    letter: 'B',
    title: 'Cry / non-cry gate',
    help: 'The shipped cry classifier on clips whose sources it was not trained on: ROC AUC, recall at 5 % FPR.',
  },
  {
    name: 'verification',
    letter: 'C',
    title: 'Infant verification',
    help: 'Same-infant vs other-infant recordings on one platform: EER, minDCF.',
  },
  {
    name: 'anomaly',
    letter: 'D',
    title: 'Per-infant anomaly table',
    help: 'Each infant’s personal model on its later recordings vs other infants’: AUC, AP, F1, recall, FPR.',
  },
  {
    name: 'drift',
    letter: 'E',
    title: 'Longitudinal drift',
    help: 'Gated vs always- vs never-updated baselines: detection delay, false alerts, contamination.',
  },
]

/** Which datasets a protocol can take. */
export function usable(protocol: EvalProtocolName, d: EvalDataset): boolean {
  if (d.problem) return false
  if (protocol === 'drift') return d.schema === 'simulated' || d.schema === 'donateacry'
  if (d.schema === 'simulated') return false
  if (protocol === 'verification' || protocol === 'anomaly') return d.schema === 'donateacry'
  return true
}

const DEFAULT_OPTIONS: Record<EvalProtocolName, EvalOptions> = {
  segmentation: { protocol: 'segmentation', method: 'cry', negatives: true },
  gate: { protocol: 'gate', method: 'classifier' },
  verification: { protocol: 'verification', backbones: [], segments: 'project', scoreNorm: 'none' },
  anomaly: { protocol: 'anomaly', models: ['gmm'], backbones: [], percentile: 95, seed: 1 },
  drift: { protocol: 'drift', model: 'gmm', backbone: 'default', seed: 1 },
}

function headline(run: EvaluationRun): string {
  const r = (run.report ?? {}) as Record<string, unknown>
  const n = (v: unknown, d = 3) => (typeof v === 'number' ? v.toFixed(d) : '—')
  if (run.state !== 'done')
    return run.state === 'running' ? `${(run.progress * 100).toFixed(0)} %` : run.state
  if (run.protocol === 'segmentation') return `frame F1 ${n(r.frame_f1)}, event F1 ${n(r.event_f1)}`
  if (run.protocol === 'gate') return `AUC ${n(r.auc)}`
  if (run.protocol === 'verification')
    return `EER ${typeof r.eer === 'number' ? (100 * r.eer).toFixed(1) : '—'} %`
  if (run.protocol === 'anomaly') return `AUC ${n((r.mean as Record<string, unknown> | undefined)?.auc)}`
  return 'done'
}

export function EvaluationScreen() {
  const choices = useLoad(() => api.evaluationChoices({}), [])
  const [protocol, setProtocol] = useState<EvalProtocolName>('segmentation')
  const [picked, setPicked] = useState<Partial<Record<EvalProtocolName, string[]>>>({})
  const [options, setOptions] = useState<Record<EvalProtocolName, EvalOptions>>(DEFAULT_OPTIONS)
  const [jobId, setJobId] = useState<string | null>(null)
  const [shown, setShown] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const job = useJob(jobId)
  // The list follows the job: read again when it starts and when it ends.
  const ended = job && job.state !== 'running' && job.state !== 'queued' ? job.id : null
  const runs = useLoad(() => api.listEvaluations({ limit: 20 }), [jobId, ended])
  const datasets = useMemo(
    () => (choices.data?.datasets ?? []).filter((d) => usable(protocol, d)),
    [choices.data, protocol],
  )
  const chosen = picked[protocol] ?? choices.data?.defaults[protocol] ?? []
  const opt = options[protocol]
  const setOpt = (o: Partial<EvalOptions>) =>
    setOptions({ ...options, [protocol]: { ...opt, ...o } as EvalOptions })
  const run = async () => {
    setError(null)
    try {
      const { jobId: id } = await api.runEvaluation({ datasetIds: chosen, options: opt })
      setJobId(id)
      setShown(id)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const onScreen = runs.data?.find((r) => r.jobId === (shown ?? runs.data?.[0]?.jobId)) ?? null
  const running = job?.state === 'running' || job?.state === 'queued'
  const backbones = (choices.data?.backbones ?? []).filter((b) => !b.problem).map((b) => b.name)
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        Evaluation
      </Typography>
      <Typography color="text.secondary">
        The protocols of docs/evaluation.md, run by the same code as <code>iclas eval</code>, on datasets this
        workstation knows. Administrators add dataset folders with <code>iclas datasets add FOLDER</code>.
      </Typography>
      {error && <Alert severity="error">{error}</Alert>}
      <Box
        sx={{
          display: 'grid',
          gridTemplateColumns: { xs: '1fr', lg: '420px 1fr' },
          gap: 2,
          alignItems: 'start',
        }}
      >
        <Paper sx={{ p: 2 }} component="section" aria-label="Run a protocol">
          <LoadState loading={choices.loading} error={choices.error}>
            <Stack spacing={2}>
              <TextField
                select
                label="Protocol"
                value={protocol}
                onChange={(e) => setProtocol(e.target.value as EvalProtocolName)}
              >
                {PROTOCOLS.map((p) => (
                  <MenuItem key={p.name} value={p.name}>
                    {p.letter}. {p.title}
                  </MenuItem>
                ))}
              </TextField>
              <Typography variant="body2" color="text.secondary">
                {PROTOCOLS.find((p) => p.name === protocol)?.help}
              </Typography>
              <FormGroup aria-label="datasets">
                <Typography variant="subtitle2">Datasets</Typography>
                {datasets.length === 0 && (
                  <Typography variant="body2" color="text.secondary">
                    No dataset this protocol can use: ../shared/datasets is absent and none is registered.
                  </Typography>
                )}
                {datasets.map((d) => (
                  <FormControlLabel
                    key={d.id}
                    control={
                      <Checkbox
                        checked={chosen.includes(d.id)}
                        onChange={(e) =>
                          setPicked({
                            ...picked,
                            [protocol]: e.target.checked
                              ? [...chosen, d.id]
                              : chosen.filter((x) => x !== d.id),
                          })
                        }
                      />
                    }
                    label={
                      <span>
                        {d.name}{' '}
                        <Typography component="span" variant="caption" color="text.secondary">
                          {d.origin === 'builtin'
                            ? 'synthesizer'
                            : `${d.origin}, ${d.clips} clips${d.withSegments ? `, ${d.withSegments} with TextGrids` : ''}`}
                        </Typography>
                      </span>
                    }
                  />
                ))}
              </FormGroup>
              <EvalProtocolOptions opt={opt} setOpt={setOpt} backbones={backbones} />
              <Stack direction="row" spacing={1}>
                <Button variant="contained" onClick={() => void run()} disabled={!chosen.length || running}>
                  Run protocol {PROTOCOLS.find((p) => p.name === protocol)?.letter}
                </Button>
                {running && jobId && (
                  <Button onClick={() => void api.cancelJob({ jobId })} color="warning">
                    Cancel
                  </Button>
                )}
              </Stack>
              {job && (
                <Stack spacing={0.5} data-testid="evaluation-job" data-state={job.state}>
                  <Typography variant="body2">
                    {job.title}:{' '}
                    {job.state === 'running' ? `${(job.progress * 100).toFixed(0)} %` : job.state}
                    {job.error ? ` — ${job.error}` : ''}
                  </Typography>
                  {running && (
                    <LinearProgress
                      variant={job.progress ? 'determinate' : 'indeterminate'}
                      value={job.progress * 100}
                    />
                  )}
                  {running && job.message && (
                    <Typography variant="caption" color="text.secondary" noWrap>
                      {job.message}
                    </Typography>
                  )}
                </Stack>
              )}
            </Stack>
          </LoadState>
        </Paper>
        <Stack spacing={2} sx={{ minWidth: 0 }}>
          <Paper component="section" aria-label="Runs">
            <LoadState
              loading={runs.loading && !runs.data}
              error={runs.error}
              empty={runs.data?.length === 0}
              emptyText="No evaluation has run on this workstation yet."
            >
              <List dense aria-label="evaluation runs">
                {(runs.data ?? []).map((r) => (
                  <ListItemButton
                    key={r.jobId}
                    selected={r.jobId === onScreen?.jobId}
                    onClick={() => setShown(r.jobId)}
                  >
                    <ListItemText
                      primary={`${PROTOCOLS.find((p) => p.name === r.protocol)?.letter}. ${r.protocol} on ${r.datasetIds.map((d) => d.replace(/^\w+:/, '')).join(', ')}`}
                      secondary={`${formatTime(r.startedAt)} · ${r.by}`}
                    />
                    <Chip
                      size="small"
                      color={r.state === 'done' ? 'success' : r.state === 'failed' ? 'error' : 'default'}
                      // The run being watched follows its job (the list is fetched when a run starts and ends).
                      label={headline(
                        r.jobId === jobId && job?.state === 'running' ? { ...r, progress: job.progress } : r,
                      )}
                    />
                  </ListItemButton>
                ))}
              </List>
            </LoadState>
          </Paper>
          {onScreen && (
            <Paper sx={{ p: 2 }} component="section" aria-label="Report">
              <Typography variant="h6" component="h3">
                Protocol {PROTOCOLS.find((p) => p.name === onScreen.protocol)?.letter}: {onScreen.protocol}
              </Typography>
              <RunParameters run={onScreen} datasets={choices.data?.datasets} />
              {onScreen.state === 'done' ? (
                <EvaluationReport run={onScreen} />
              ) : onScreen.state === 'failed' ? (
                <Alert severity="error">{onScreen.error}</Alert>
              ) : (
                <Typography color="text.secondary">{onScreen.state}…</Typography>
              )}
            </Paper>
          )}
        </Stack>
      </Box>
    </Stack>
  )
}
