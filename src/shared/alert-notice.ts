// What a new drift alert's notification says, wherever it appears (the app's own notice, the browser's
// Notification in browser mode, Electron's desktop notification): one text for all three. Alerts that arrive
// together (one import or one settings change can raise several) make one notice, not a burst.
import type { Alert } from './contract'

export interface AlertNotice {
  title: string
  body: string
  /** Where the notice leads: the infant's timeline, or the ward when several infants are concerned. */
  path: string
  /** The infant whose timeline it opens (null: several infants). */
  infantId: number | null
  alertIds: number[]
}

const MAX_LINES = 4

/** The notice for alerts raised together (null when none of them is new). */
export function alertNotice(alerts: readonly Alert[]): AlertNotice | null {
  const raised = alerts.filter((a) => a.state === 'new')
  if (!raised.length) return null
  const infants = [...new Set(raised.map((a) => a.infantId))]
  const alertIds = raised.map((a) => a.id)
  if (raised.length === 1) {
    const a = raised[0]!
    return {
      title: `Drift alert — ${a.infantLabel}`,
      body: a.message,
      path: `timeline/${a.infantId}`,
      infantId: a.infantId,
      alertIds,
    }
  }
  if (infants.length === 1) {
    const a = raised[0]!
    return {
      title: `${raised.length} drift alerts — ${a.infantLabel}`,
      body: lines(raised.map((r) => r.message)),
      path: `timeline/${a.infantId}`,
      infantId: a.infantId,
      alertIds,
    }
  }
  return {
    title: `${raised.length} drift alerts — ${infants.length} infants`,
    body: lines(raised.map((r) => `${r.infantLabel}: ${r.message}`)),
    path: 'ward',
    infantId: null,
    alertIds,
  }
}

function lines(all: string[]): string {
  const shown = all.slice(0, MAX_LINES)
  const more = all.length - shown.length
  return [...shown, ...(more > 0 ? [`and ${more} more`] : [])].join('\n')
}

/**
 * Collects alerts as they are raised and hands them on together, `waitMs` after the first of a burst: an
 * import that raises alerts for several infants gives one notification.
 */
export class AlertBatcher {
  private pending: Alert[] = []
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly onBatch: (alerts: Alert[]) => void,
    private readonly waitMs = 1000,
  ) {}

  /** A raised or changed alert; only newly raised ones are notified. */
  push(alert: Alert): void {
    if (alert.state !== 'new') {
      // Acknowledged or resolved before the notice went out: nothing to announce any more.
      this.pending = this.pending.filter((a) => a.id !== alert.id)
      return
    }
    if (this.pending.some((a) => a.id === alert.id)) return
    this.pending.push(alert)
    this.timer ??= setTimeout(() => this.flush(), this.waitMs)
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const batch = this.pending
    this.pending = []
    if (batch.length) this.onBatch(batch)
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pending = []
  }
}
