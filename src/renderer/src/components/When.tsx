// A moment where recency matters (last cry, drift alerts, verdicts, backups): the time as the ward reads it
// and how long ago, kept current while the screen stays open.
import { Box } from '@mui/material'
import { useEffect, useState } from 'react'
import { formatAgo, formatTime } from '../view-model/format'

/** The current time, renewed every `everyMs` (default a minute) while the component is shown. */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(t)
  }, [everyMs])
  return now
}

export function When(props: { at: string | null | undefined; seconds?: boolean; stacked?: boolean }) {
  const now = useNow()
  if (!props.at) return <>—</>
  const ago = formatAgo(props.at, now)
  return (
    <Box
      component="span"
      sx={{ whiteSpace: 'nowrap' }}
      data-testid="when"
      title={formatTime(props.at, { seconds: true })}
    >
      {formatTime(props.at, { seconds: props.seconds })}{' '}
      <Box
        component="span"
        sx={{
          color: 'text.secondary',
          ...(props.stacked ? { display: 'block', fontSize: '0.85em' } : {}),
        }}
        data-testid="when-ago"
      >
        {props.stacked ? ago : `· ${ago}`}
      </Box>
    </Box>
  )
}
