// A new drift alert reaches whoever is at the workstation at once: a notice beneath the app bar (it stays until
// dismissed or opened) that says what changed and links to the timeline, and in browser mode the browser's
// Notification where the user allowed it (the desktop app's notification is Electron's, shown by main:
// src/main/app/alert-notifications.ts). Both come from the core's `alert` events; alerts raised together
// make one notice.
import { useCallback, useEffect, useState } from 'react'
import { Alert as MuiAlert, AlertTitle, Box, Button, MenuItem, Stack } from '@mui/material'
import type { Alert } from '../../../shared/contract'
import { AlertBatcher, alertNotice, type AlertNotice } from '../../../shared/alert-notice'
import { notificationSetting, type NotificationSupport } from '../view-model/alert-badge'
import { onEvent, transport } from '../api/client'

function notificationSupport(): NotificationSupport {
  if (transport.kind === 'desktop') return 'desktop-app'
  if (typeof Notification === 'undefined') return 'unsupported'
  return Notification.permission
}

/** The browser's notification for a notice (browser mode, where the user allowed them). */
function notifyBrowser(notice: AlertNotice, open: () => void): void {
  if (notificationSupport() !== 'granted') return
  const n = new Notification(notice.title, {
    body: notice.body,
    // One notification per alert set: a later batch replaces it rather than piling up.
    tag: 'iclas-drift-alert',
    requireInteraction: true,
  })
  n.onclick = () => {
    window.focus()
    open()
    n.close()
  }
}

export function AlertNotifier({ go }: { go: (path: string) => void }) {
  // The alerts announced and not yet dismissed: a burst adds to them, an acknowledgement removes one.
  const [shown, setShown] = useState<Alert[]>([])
  // The permission is read at each render (the display settings may have changed it); asking re-renders.
  const [, setAsked] = useState(0)
  const support = notificationSupport()
  const notice = alertNotice(shown)

  useEffect(() => {
    const batcher = new AlertBatcher((alerts) => {
      setShown((before) => [...before.filter((a) => !alerts.some((n) => n.id === a.id)), ...alerts])
      const n = alertNotice(alerts)
      if (n) notifyBrowser(n, () => go(n.path))
    })
    const offAlert = onEvent('alert', (a) => {
      batcher.push(a)
      if (a.state !== 'new') setShown((before) => before.filter((s) => s.id !== a.id))
    })
    const offClick = onEvent('alertNotificationClicked', (c) =>
      go(c.infantId === null ? 'ward' : `timeline/${c.infantId}`),
    )
    return () => {
      batcher.dispose()
      offAlert()
      offClick()
    }
  }, [go])

  const ask = useCallback(async () => {
    if (typeof Notification === 'undefined') return
    await Notification.requestPermission()
    setAsked((n) => n + 1)
  }, [])

  // In the page's flow beneath the app bar, not floating over it: it never hides a control or the data.
  if (!notice) return null
  return (
    <MuiAlert
      severity="error"
      variant="filled"
      className="iclas-no-print"
      data-testid="alert-notice"
      data-alert-ids={notice.alertIds.join(',')}
      sx={{ mx: 3, mt: 2, alignItems: 'flex-start' }}
      action={
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <Button
            color="inherit"
            size="small"
            variant="outlined"
            sx={{ whiteSpace: 'nowrap' }}
            onClick={() => {
              go(notice.path)
              setShown([])
            }}
          >
            {notice.infantId === null ? 'Open the ward' : 'Open the timeline'}
          </Button>
          <Button color="inherit" size="small" onClick={() => setShown([])}>
            Dismiss
          </Button>
        </Stack>
      }
    >
      <AlertTitle>{notice.title}</AlertTitle>
      {notice.body.split('\n').map((line, i) => (
        <Box component="p" key={i} sx={{ m: 0, mb: 0.5 }}>
          {line}
        </Box>
      ))}
      {support === 'default' && (
        <Button
          color="inherit"
          size="small"
          sx={{ display: 'block', mt: 0.5, p: 0, textTransform: 'none', textDecoration: 'underline' }}
          onClick={() => void ask()}
        >
          Show drift alerts on this computer’s desktop too
        </Button>
      )}
    </MuiAlert>
  )
}

/** The display-settings entry for desktop notifications of drift alerts (asks the browser's permission). */
export function NotificationSettingItem({ onDone }: { onDone: () => void }) {
  const support = notificationSupport()
  const setting = notificationSetting(support)
  return (
    <MenuItem
      disabled={!setting.canAsk}
      data-testid="alert-notifications-setting"
      data-permission={support}
      onClick={async () => {
        if (typeof Notification !== 'undefined') await Notification.requestPermission()
        onDone()
      }}
    >
      {setting.label}
    </MenuItem>
  )
}
