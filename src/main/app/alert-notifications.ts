// The desktop app's notification of a new drift alert (Electron's Notification: the system's notification
// centre, seen with the window hidden or minimised). Alerts raised together make one notification; a click
// brings the window forward and asks the page to open the infant's timeline (or the ward, for several infants).
// The page's own notice and the Ward tab's badge come from the same core events.
import { BrowserWindow, Notification } from 'electron'
import { AlertBatcher, alertNotice } from '../../shared/alert-notice'
import { Alert, type EventPayload } from '../../shared/contract'

export class DesktopAlertNotifications {
  private readonly batcher = new AlertBatcher((alerts) => this.show(alerts))
  /** Shown notifications are kept referenced: one collected by the GC loses its click handler. */
  private readonly shown = new Set<Notification>()

  constructor(private readonly icon?: string) {}

  /** Every core event passes here; only drift alerts concern it. */
  onCoreEvent(event: string, payload: unknown): void {
    if (event !== 'alert' || !Notification.isSupported()) return
    const alert = Alert.safeParse(payload)
    if (alert.success) this.batcher.push(alert.data)
  }

  private show(alerts: Alert[]): void {
    const notice = alertNotice(alerts)
    if (!notice) return
    const n = new Notification({
      title: notice.title,
      body: notice.body,
      urgency: 'critical',
      timeoutType: 'never',
      ...(this.icon ? { icon: this.icon } : {}),
    })
    this.shown.add(n)
    n.on('click', () => {
      const win = BrowserWindow.getAllWindows()[0]
      if (win) {
        if (win.isMinimized()) win.restore()
        win.show()
        win.focus()
        const clicked: EventPayload<'alertNotificationClicked'> = { infantId: notice.infantId }
        win.webContents.send('iclas:event', 'alertNotificationClicked', clicked)
      }
      this.shown.delete(n)
    })
    n.on('close', () => this.shown.delete(n))
    n.show()
  }

  dispose(): void {
    this.batcher.dispose()
    for (const n of this.shown) n.close()
    this.shown.clear()
  }
}
