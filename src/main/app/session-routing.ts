// Which window gets what, in the desktop app: the same rule as browser mode (src/main/server/server.ts), by the
// same core functions. Events reach only the windows whose session is signed in (its PIN rule met), filtered by
// role (Core.eventFor); recording audio is served only to a window whose session may hear it (Core.mediaFor).
// The media scheme's handler cannot tell which window asks, so each window's page carries a random media key
// (given to its preload once) in every media URL, and the key names the window. Electron-free: unit-tested.
import crypto from 'node:crypto'
import type { Core } from '../core/core'

/** One event for each window whose session may see it, with what that session may see of it. */
export function eventsForWindows(
  core: Pick<Core, 'eventFor'>,
  sessions: ReadonlyMap<number, string>,
  event: string,
  payload: unknown,
): { webContentsId: number; payload: unknown }[] {
  const out: { webContentsId: number; payload: unknown }[] = []
  for (const [webContentsId, sessionId] of sessions) {
    const visible = core.eventFor(sessionId, event, payload)
    if (visible !== null) out.push({ webContentsId, payload: visible })
  }
  return out
}

/** The random key of each window (webContents) that its media URLs carry. */
export class MediaKeys {
  private readonly byWindow = new Map<number, string>()
  private readonly byKey = new Map<string, number>()

  /** The window's key (the same for its life: a reload keeps it). */
  keyFor(webContentsId: number): string {
    let key = this.byWindow.get(webContentsId)
    if (!key) {
      key = crypto.randomBytes(24).toString('base64url')
      this.byWindow.set(webContentsId, key)
      this.byKey.set(key, webContentsId)
    }
    return key
  }

  windowOf(key: string): number | undefined {
    return this.byKey.get(key)
  }

  forget(webContentsId: number): void {
    const key = this.byWindow.get(webContentsId)
    if (key) this.byKey.delete(key)
    this.byWindow.delete(webContentsId)
  }
}

/** iclas-media://recordings/<id>.wav?k=<window key> → the recording and the key, or null. */
export function parseMediaUrl(url: string): { recordingId: number; key: string } | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  const m = /^\/(\d+)\.wav$/.exec(u.pathname)
  const key = u.searchParams.get('k')
  if (u.protocol !== 'iclas-media:' || u.hostname !== 'recordings' || !m || !key) return null
  const recordingId = Number(m[1])
  return Number.isSafeInteger(recordingId) ? { recordingId, key } : null
}
