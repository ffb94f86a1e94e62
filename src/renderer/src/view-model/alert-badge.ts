// The Ward tab's badge: how many drift alerts are open (new or acknowledged, not yet resolved), red while one
// of them is still unacknowledged; and what the notification setting says about the browser's permission.
import type { Alert } from '../../../shared/contract'

export interface WardBadge {
  open: number
  unacknowledged: number
  color: 'error' | 'warning'
  /** What the badge means, for its tooltip and screen readers. */
  text: string
}

/** The badge for the ward's alerts (any states; resolved ones do not count), or null when none is open. */
export function wardBadge(alerts: readonly Pick<Alert, 'id' | 'state'>[]): WardBadge | null {
  const seen = new Set<number>()
  let open = 0
  let unacknowledged = 0
  for (const a of alerts) {
    if (seen.has(a.id) || a.state === 'resolved') continue
    seen.add(a.id)
    open++
    if (a.state === 'new') unacknowledged++
  }
  if (!open) return null
  const alerts_ = open === 1 ? 'open drift alert' : 'open drift alerts'
  return {
    open,
    unacknowledged,
    color: unacknowledged ? 'error' : 'warning',
    text: `${open} ${alerts_}${unacknowledged ? ` (${unacknowledged} not yet acknowledged)` : ', all acknowledged'}`,
  }
}

export type NotificationSupport = 'desktop-app' | 'unsupported' | NotificationPermission

/** The display-settings line for desktop notifications of drift alerts, and whether choosing it asks. */
export function notificationSetting(support: NotificationSupport): { label: string; canAsk: boolean } {
  switch (support) {
    case 'desktop-app':
      return { label: 'Shown on this computer by the desktop app', canAsk: false }
    case 'unsupported':
      return { label: 'Not available in this browser', canAsk: false }
    case 'granted':
      return { label: 'Shown on this computer’s desktop', canAsk: false }
    case 'denied':
      return { label: 'Blocked by the browser: allow them in its site settings', canAsk: false }
    default:
      return { label: 'Also show them on this computer’s desktop…', canAsk: true }
  }
}
