// Demo mode, said where everyone sees it: on the sign-in screen and above every screen while the workstation
// holds only the demo ward and its accounts may sign in without PINs (src/main/core/pin-policy.ts).
import { Alert, AlertTitle } from '@mui/material'
import { api } from '../api/client'
import { useLoad } from '../api/hooks'

export function DemoModeBanner() {
  const info = useLoad(() => api.systemInfo({}), [], ['users', 'infants'])
  if (!info.data?.demoMode) return null
  return (
    <Alert severity="warning" data-testid="demo-mode-banner" sx={{ borderRadius: 0 }}>
      <AlertTitle>Demo mode: accounts without PINs</AlertTitle>
      This workstation holds only the demo ward, so its accounts may sign in without a PIN. Demo mode ends
      when an administrator removes the demo ward or the first patient is added: then every account needs a
      PIN.
    </Alert>
  )
}
