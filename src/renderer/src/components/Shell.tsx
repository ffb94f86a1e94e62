import { AppBar, Box, Button, Chip, IconButton, Tab, Tabs, Toolbar, Tooltip, Typography } from '@mui/material'
import type { User } from '../../../shared/contract'
import { api } from '../api/client'
import { useLoad, useRoute } from '../hooks'
import { ImportScreen } from '../screens/Import'
import { InfantScreen } from '../screens/Infant'
import { RecordingScreen } from '../screens/Recording'
import { WardScreen } from '../screens/Ward'
import type { ColorMode } from '../theme'
import { JobsIndicator } from './JobsIndicator'

const TABS = [
  { path: 'ward', label: 'Ward' },
  { path: 'import', label: 'Import' },
]

export function Shell(props: {
  user: User
  mode: ColorMode
  onToggleMode: () => void
  onSignOut: () => void
}) {
  const [route, go] = useRoute()
  const info = useLoad(() => api.systemInfo({}), [])
  const top = route[0] ?? 'ward'
  const tab = TABS.some((t) => t.path === top) ? top : false
  let screen: React.ReactNode
  if (top === 'import') screen = <ImportScreen go={go} />
  else if (top === 'infant' && route[1]) screen = <InfantScreen id={Number(route[1])} go={go} />
  else if (top === 'recording' && route[1]) screen = <RecordingScreen id={Number(route[1])} go={go} />
  else screen = <WardScreen go={go} />
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', minHeight: '100vh' }}>
      <AppBar position="static" color="default" elevation={1}>
        <Toolbar sx={{ gap: 2 }}>
          <Typography variant="h6" component="h1" sx={{ mr: 2 }}>
            ICLAS
          </Typography>
          <Tabs value={tab} onChange={(_e, v: string) => go(v)} textColor="primary" indicatorColor="primary">
            {TABS.map((t) => (
              <Tab key={t.path} value={t.path} label={t.label} />
            ))}
          </Tabs>
          <Box sx={{ flex: 1 }} />
          <JobsIndicator />
          {info.data && (
            <Tooltip title={`Embedding compute device (${info.data.mode} mode)`}>
              <Chip
                size="small"
                label={`Compute: ${info.data.computeProvider.toUpperCase()}`}
                data-testid="compute-device"
              />
            </Tooltip>
          )}
          <Tooltip title={props.mode === 'light' ? 'Dark mode (night shift)' : 'Light mode'}>
            <IconButton onClick={props.onToggleMode} aria-label="toggle dark mode">
              {props.mode === 'light' ? '☾' : '☀'}
            </IconButton>
          </Tooltip>
          <Typography variant="body2" data-testid="signed-in-user">
            {props.user.displayName} · {props.user.role}
          </Typography>
          <Button onClick={props.onSignOut}>Sign out</Button>
        </Toolbar>
      </AppBar>
      <Box component="main" sx={{ p: 3, flex: 1 }}>
        {screen}
      </Box>
    </Box>
  )
}
