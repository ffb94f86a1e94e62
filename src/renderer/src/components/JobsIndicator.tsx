import { useEffect, useState } from 'react'
import { Chip, LinearProgress, Stack, Tooltip } from '@mui/material'
import type { Job } from '../../../shared/contract'
import { onEvent } from '../api/client'

/**
 * Running jobs in the app bar, so long work is visible from every screen. Each is a narrow chip, its percentage
 * first and its title cut short (the tooltip says it all): a long title ("Protocol A (segmentation) on …") pushed
 * the tabs behind scroll arrows at 1440 px.
 */
export function JobsIndicator() {
  const [jobs, setJobs] = useState<Record<string, Job>>({})
  useEffect(
    () =>
      onEvent('job', (job) =>
        setJobs((all) => {
          const next = { ...all, [job.id]: job }
          if (job.state !== 'running') delete next[job.id]
          return next
        }),
      ),
    [],
  )
  const running = Object.values(jobs)
  if (!running.length) return null
  return (
    <Stack direction="row" spacing={1} data-testid="jobs-indicator">
      {running.map((j) => (
        <Tooltip
          key={j.id}
          title={`${j.title}: ${(j.progress * 100).toFixed(0)} %${j.message ? ` — ${j.message}` : ''}`}
        >
          <Stack sx={{ width: 170 }}>
            <Chip
              size="small"
              color="primary"
              label={`${(j.progress * 100).toFixed(0)}% · ${j.title}`}
              sx={{ maxWidth: 170 }}
            />
            <LinearProgress variant="determinate" value={j.progress * 100} />
          </Stack>
        </Tooltip>
      ))}
    </Stack>
  )
}
