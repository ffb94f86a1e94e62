// The demo ward on the ward screen: the build's progress while it runs (from its job's events), what the demo is
// once ready (simulated infants, not patients), and an offer to build it on a workstation without infants.
import { useEffect, useState } from 'react'
import { Alert, AlertTitle, Button, LinearProgress, Stack, Typography } from '@mui/material'
import type { Job } from '../../../shared/contract'
import { api, onEvent } from '../api/client'
import { useLoad } from '../api/hooks'

export function DemoBanner() {
  const status = useLoad(() => api.demoStatus({}), [], ['infants', 'recordings'])
  const me = useLoad(() => api.whoAmI({}), [])
  const [job, setJob] = useState<Job | null>(null)
  const [busy, setBusy] = useState(false)
  const [confirmRemove, setConfirmRemove] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const { reload } = status

  useEffect(
    () =>
      onEvent('job', (j) => {
        if (j.kind !== 'demo') return
        setJob(j)
        if (j.state !== 'running') reload()
      }),
    [reload],
  )
  // Opened mid-build: the job's progress so far, until its next event arrives.
  const s = status.data
  const jobId = s?.state === 'building' ? s.jobId : null
  useEffect(() => {
    if (!jobId) return
    let stale = false
    api.getJob({ jobId }).then(
      (j) => !stale && setJob((cur) => (cur?.id === j.id ? cur : j)),
      () => undefined,
    )
    return () => {
      stale = true
    }
  }, [jobId])

  if (!s) return null
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true)
    setError(null)
    try {
      await action()
      reload()
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setBusy(false)
    }
  }
  const build = () => act(() => api.buildDemoWard({}))
  const live = job && job.state === 'running' && (!s.jobId || job.id === s.jobId) ? job : null
  const building = s.state === 'building' || !!live
  const failure = error && <Typography variant="body2">{error}</Typography>

  if (building) {
    const progress = live?.progress ?? 0
    return (
      <Alert
        severity="info"
        data-testid="demo-banner"
        data-state="building"
        sx={{ '& .MuiAlert-message': { flex: 1 } }}
        action={
          live && (
            <Button
              color="inherit"
              size="small"
              disabled={busy}
              onClick={() => act(() => api.cancelJob({ jobId: live.id }))}
            >
              Stop
            </Button>
          )
        }
      >
        <AlertTitle>Building the demo ward</AlertTitle>
        <Stack spacing={1}>
          <Typography variant="body2">
            {s.message ?? 'Simulated infants, imported through the real pipeline.'} Infants fill in as their
            recordings are imported; this takes a few minutes.
          </Typography>
          <LinearProgress
            variant={live ? 'determinate' : 'indeterminate'}
            value={progress * 100}
            aria-label="demo ward progress"
            data-testid="demo-progress"
          />
          <Typography variant="body2" color="text.secondary">
            {(progress * 100).toFixed(0)} %{live?.message ? ` · ${live.message}` : ''}
            {live?.etaS ? ` · about ${formatEta(live.etaS)} left` : ''}
          </Typography>
          {failure}
        </Stack>
      </Alert>
    )
  }
  if (s.state === 'ready') {
    const admin = me.data?.role === 'admin'
    return (
      <Alert
        severity="info"
        data-testid="demo-banner"
        data-state="ready"
        action={
          admin &&
          (confirmRemove ? (
            <Stack direction="row" spacing={1}>
              <Button
                color="error"
                size="small"
                disabled={busy}
                onClick={() => act(() => api.removeDemoWard({}))}
              >
                Remove {s.infants} demo infants
              </Button>
              <Button color="inherit" size="small" onClick={() => setConfirmRemove(false)}>
                Keep
              </Button>
            </Stack>
          ) : (
            <Button color="inherit" size="small" onClick={() => setConfirmRemove(true)}>
              Remove demo ward
            </Button>
          ))
        }
      >
        <AlertTitle>Demo ward</AlertTitle>
        {s.message}
        {failure}
      </Alert>
    )
  }
  if (!s.canBuild) return null
  if (s.state === 'failed')
    return (
      <Alert
        severity="error"
        data-testid="demo-banner"
        data-state="failed"
        action={
          <Button color="inherit" size="small" disabled={busy} onClick={build}>
            Try again
          </Button>
        }
      >
        <AlertTitle>Demo ward</AlertTitle>
        {s.message}
        {failure}
      </Alert>
    )
  // Absent: offered only while the workstation has no infants of its own (canBuild).
  return (
    <Alert
      severity="info"
      data-testid="demo-banner"
      data-state="absent"
      action={
        <Button color="inherit" size="small" disabled={busy} onClick={build}>
          {s.message ? 'Carry on building' : 'Build demo ward'}
        </Button>
      }
    >
      <AlertTitle>Demo ward</AlertTitle>
      {s.message ??
        'No infants yet. Build a demo ward of simulated infants (clearly labelled, not patients) to see ICLAS at work; it takes a few minutes.'}
      {failure}
    </Alert>
  )
}

function formatEta(s: number): string {
  return s < 90 ? `${Math.max(1, Math.round(s))} s` : `${Math.round(s / 60)} min`
}
