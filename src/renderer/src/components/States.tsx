import { Alert, Box, CircularProgress, Typography } from '@mui/material'

/** Loading, error and empty states, the same everywhere. */
export function LoadState(props: {
  loading: boolean
  error?: Error
  empty?: boolean
  emptyText?: string
  children?: React.ReactNode
}) {
  if (props.error) return <Alert severity="error">{props.error.message}</Alert>
  if (props.loading && props.empty !== false) {
    return (
      <Box sx={{ p: 4, display: 'flex', justifyContent: 'center' }}>
        <CircularProgress aria-label="loading" />
      </Box>
    )
  }
  if (props.empty)
    return (
      <Typography color="text.secondary" sx={{ p: 2 }}>
        {props.emptyText ?? 'Nothing here yet.'}
      </Typography>
    )
  return <>{props.children}</>
}
