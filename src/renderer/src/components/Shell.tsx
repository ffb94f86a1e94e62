import { lazy, Suspense, useState } from 'react'
import {
  AppBar,
  Box,
  Button,
  Chip,
  IconButton,
  LinearProgress,
  ListSubheader,
  Menu,
  MenuItem,
  Tab,
  Tabs,
  Toolbar,
  Tooltip,
  Typography,
} from '@mui/material'
import {
  AUDIT_READERS,
  EXPORTERS,
  HANDOVER_READERS,
  RESEARCH,
  type Role,
  type User,
} from '../../../shared/contract'
import { wardBadge } from '../view-model/alert-badge'
import { api } from '../api/client'
import { getTimeFormat, setTimeFormat, TIME_FORMATS, type TimeFormat } from '../view-model/format'
import { useLoad, useRoute } from '../api/hooks'
import type { ColorMode } from '../theme'
import { AlertNotifier, NotificationSettingItem } from './AlertNotifier'
import { JobsIndicator } from './JobsIndicator'

// Each screen is its own chunk, fetched when first opened: the first paint needs only the shell and the
// screen it shows (the timeline's and the cry view's charts and audio code wait for those screens). The
// screen of the address the workstation opens on is fetched as soon as the shell is.
const load = {
  admin: () => import('../screens/Admin').then((m) => ({ default: m.AdminScreen })),
  audit: () => import('../screens/Audit').then((m) => ({ default: m.AuditScreen })),
  cry: () => import('../screens/Cry').then((m) => ({ default: m.CryScreen })),
  evaluation: () => import('../screens/Evaluation').then((m) => ({ default: m.EvaluationScreen })),
  exports: () => import('../screens/Exports').then((m) => ({ default: m.ExportsScreen })),
  handover: () => import('../screens/Handover').then((m) => ({ default: m.HandoverScreen })),
  import: () => import('../screens/Import').then((m) => ({ default: m.ImportScreen })),
  infant: () => import('../screens/Infant').then((m) => ({ default: m.InfantScreen })),
  recording: () => import('../screens/Recording').then((m) => ({ default: m.RecordingScreen })),
  review: () => import('../screens/Review').then((m) => ({ default: m.ReviewScreen })),
  thresholds: () => import('../screens/Thresholds').then((m) => ({ default: m.ThresholdsScreen })),
  timeline: () => import('../screens/Timeline').then((m) => ({ default: m.TimelineScreen })),
  ward: () => import('../screens/Ward').then((m) => ({ default: m.WardScreen })),
}
const AdminScreen = lazy(load.admin)
const AuditScreen = lazy(load.audit)
const CryScreen = lazy(load.cry)
const EvaluationScreen = lazy(load.evaluation)
const ExportsScreen = lazy(load.exports)
const HandoverScreen = lazy(load.handover)
const ImportScreen = lazy(load.import)
const InfantScreen = lazy(load.infant)
const RecordingScreen = lazy(load.recording)
const ReviewScreen = lazy(load.review)
const ThresholdsScreen = lazy(load.thresholds)
const TimelineScreen = lazy(load.timeline)
const WardScreen = lazy(load.ward)
const opening = /^#\/?([a-z]+)/.exec(location.hash)?.[1] ?? 'ward'
if (opening in load) void load[opening as keyof typeof load]()

/** Tabs in the order each role uses them most; a role sees only the tabs of work it may do. */
const TABS: { path: string; label: string; roles?: readonly Role[] }[] = [
  { path: 'ward', label: 'Ward' },
  { path: 'review', label: 'Review' },
  { path: 'import', label: 'Import' },
  { path: 'exports', label: 'Exports', roles: EXPORTERS },
  { path: 'thresholds', label: 'Thresholds', roles: RESEARCH },
  { path: 'evaluation', label: 'Evaluation', roles: RESEARCH },
  { path: 'audit', label: 'Audit', roles: AUDIT_READERS },
  { path: 'admin', label: 'Admin', roles: ['admin'] },
]

export function Shell(props: {
  user: User
  mode: ColorMode
  onToggleMode: () => void
  onSignOut: () => void
}) {
  const [route, go] = useRoute()
  const info = useLoad(() => api.systemInfo({}), [])
  // The Ward tab's badge: open drift alerts, kept current by the core's alert changes.
  const openAlerts = useLoad(
    () =>
      Promise.all([api.listAlerts({ state: 'new' }), api.listAlerts({ state: 'acknowledged' })]).then(
        ([fresh, acknowledged]) => wardBadge([...fresh, ...acknowledged]),
      ),
    [],
    ['alerts'],
  )
  const badge = openAlerts.data ?? null
  // The workstation's display preferences, under the user's name. Changing the time format re-renders the
  // screen with it.
  const [menu, setMenu] = useState<HTMLElement | null>(null)
  const [timeFormat, setFormat] = useState<TimeFormat>(getTimeFormat)
  const chooseFormat = (f: TimeFormat) => {
    setTimeFormat(f)
    setFormat(f)
    setMenu(null)
  }
  const { user } = props
  const tabs = TABS.filter((t) => !t.roles || t.roles.includes(user.role))
  const top = route[0] ?? 'ward'
  const tab = tabs.some((t) => t.path === top)
    ? top
    : top === 'cry'
      ? 'review'
      : top === 'timeline' || top === 'infant' || top === 'recording' || top === 'handover'
        ? 'ward'
        : false
  const id = Number(route[1])
  let screen: React.ReactNode
  if (top === 'import') screen = <ImportScreen go={go} />
  else if (top === 'review') screen = <ReviewScreen user={user} go={go} />
  else if (top === 'exports') screen = <ExportsScreen user={user} />
  else if (top === 'thresholds') screen = <ThresholdsScreen user={user} go={go} />
  else if (top === 'evaluation') screen = <EvaluationScreen />
  else if (top === 'audit') screen = <AuditScreen />
  else if (top === 'admin' && user.role === 'admin') screen = <AdminScreen />
  else if (top === 'handover' && HANDOVER_READERS.includes(user.role)) screen = <HandoverScreen go={go} />
  else if (top === 'cry' && id) screen = <CryScreen id={id} user={user} go={go} />
  else if (top === 'infant' && id) screen = <InfantScreen id={id} user={user} go={go} />
  else if (top === 'timeline' && id) screen = <TimelineScreen id={id} user={user} go={go} />
  else if (top === 'recording' && id) screen = <RecordingScreen id={id} user={user} go={go} />
  else screen = <WardScreen user={user} go={go} />
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', minHeight: '100vh' }}>
      <AppBar position="static" color="default" elevation={1}>
        <Toolbar sx={{ gap: 1 }}>
          <Typography variant="h6" component="h1" sx={{ mr: 1 }}>
            ICLAS
          </Typography>
          <Tabs
            value={tab}
            onChange={(_e, v: string) => go(v)}
            textColor="primary"
            indicatorColor="primary"
            variant="scrollable"
            scrollButtons="auto"
            sx={{ minWidth: 0, '& .MuiTab-root': { minWidth: 0, px: 1.25 } }}
          >
            {tabs.map((t) => (
              // A click on the highlighted tab (Ward while on a timeline) goes back to its screen too.
              <Tab
                key={t.path}
                value={t.path}
                label={t.path === 'ward' && badge ? <WardLabel badge={badge} /> : t.label}
                onClick={() => go(t.path)}
              />
            ))}
          </Tabs>
          <Box sx={{ flex: 1 }} />
          <JobsIndicator />
          {info.data && (
            // Short, so that every tab and the user's whole name fit at 1440 px; the tooltip says what it is.
            <Tooltip title={`Embedding compute device (${info.data.mode} mode)`}>
              <Chip
                size="small"
                label={info.data.computeProvider.toUpperCase()}
                aria-label={`compute device ${info.data.computeProvider}`}
                data-testid="compute-device"
              />
            </Tooltip>
          )}
          <Tooltip title={props.mode === 'light' ? 'Dark mode (night shift)' : 'Light mode'}>
            <IconButton onClick={props.onToggleMode} aria-label="toggle dark mode">
              {props.mode === 'light' ? '☾' : '☀'}
            </IconButton>
          </Tooltip>
          <Button
            color="inherit"
            onClick={(e) => setMenu(e.currentTarget)}
            aria-haspopup="menu"
            aria-label={`${props.user.displayName} · ${props.user.role}: display settings`}
            sx={{ textTransform: 'none', whiteSpace: 'nowrap', flexShrink: 0 }}
          >
            <Typography variant="body2" data-testid="signed-in-user" noWrap component="span">
              {props.user.displayName} · {props.user.role}
            </Typography>
          </Button>
          <Menu anchorEl={menu} open={menu !== null} onClose={() => setMenu(null)}>
            <ListSubheader>Dates and times</ListSubheader>
            {TIME_FORMATS.map((f) => (
              <MenuItem
                key={f.value}
                selected={f.value === timeFormat}
                onClick={() => chooseFormat(f.value)}
                data-testid={`time-format-${f.value}`}
              >
                {f.label}
              </MenuItem>
            ))}
            <ListSubheader>Drift alert notifications</ListSubheader>
            <NotificationSettingItem onDone={() => setMenu(null)} />
          </Menu>
          <Button onClick={props.onSignOut} sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
            Sign out
          </Button>
        </Toolbar>
      </AppBar>
      <AlertNotifier go={go} />
      <Box component="main" sx={{ p: 3, flex: 1 }}>
        <Suspense fallback={<LinearProgress aria-label="opening the screen" />}>{screen}</Suspense>
      </Box>
    </Box>
  )
}

/** "Ward" with the count of open drift alerts beside it (inside the tab: a tab clips what sticks out). */
function WardLabel({ badge }: { badge: NonNullable<ReturnType<typeof wardBadge>> }) {
  return (
    // describeChild: the tooltip describes the tab, whose name stays "Ward …" (a label would replace it).
    // disableInteractive: the tooltip never takes a click meant for what lies beneath the app bar.
    <Tooltip title={badge.text} describeChild disableInteractive>
      <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.75 }}>
        Ward
        <Box
          component="span"
          data-testid="ward-alert-badge"
          data-color={badge.color}
          aria-label={badge.text}
          sx={{
            minWidth: 20,
            height: 20,
            px: 0.5,
            borderRadius: 10,
            fontSize: '0.75rem',
            fontWeight: 700,
            lineHeight: '20px',
            textAlign: 'center',
            bgcolor: `${badge.color}.main`,
            color: `${badge.color}.contrastText`,
          }}
        >
          {badge.open}
        </Box>
      </Box>
    </Tooltip>
  )
}
