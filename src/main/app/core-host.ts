// The core in Electron's utilityProcess: off the main thread, and a native crash here cannot take the
// window down (main restarts it). Speaks to main over the process parent port.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Core } from '../core/core'
import { demoShapeFromEnv } from '../core/services/demo'
import { errorForLog } from '../core/log-redact'
import { describeDamage, restoreOffline, setAsideOffline } from '../core/offline-repair'
import { StoreDamagedError } from '../store/db'
import { StoreLockedError } from '../store/lock'
import type { HostToCore, CoreToHost } from './host-protocol'
import { eventsForWindows } from './session-routing'

process.env.ICLAS_MAIN_DIR ??= path.dirname(fileURLToPath(import.meta.url))

const port = process.parentPort
const dataDir = process.env.ICLAS_DATA_DIR!
const nativeBinding = process.env.ICLAS_SQLITE_BINDING || undefined
const log = (l: string) => console.log(`[core] ${l}`)
const sessions = new Map<number, string>() // webContents id → core session
const post = (m: CoreToHost) => port.postMessage(m)
let repairChosen: ((action: 'restore' | 'set-aside') => void) | null = null

/** Opens the core; a damaged database waits for the user's way out (asked by main), then opens again. */
async function openCore(): Promise<Core> {
  for (;;) {
    try {
      return new Core({ dataDir, mode: 'desktop', nativeBinding, log, demoShape: demoShapeFromEnv() })
    } catch (err) {
      if (err instanceof StoreLockedError) {
        post({ type: 'fatal', message: err.message })
        return new Promise<Core>(() => undefined) // main quits
      }
      if (!(err instanceof StoreDamagedError)) throw err
      log(`the database is damaged; asking the user`)
      post({ type: 'damaged', report: describeDamage(dataDir, err.message) })
      const action = await new Promise<'restore' | 'set-aside'>((r) => (repairChosen = r))
      const who = { userId: null, username: 'desktop start-up', role: 'system' }
      try {
        if (action === 'restore') restoreOffline(dataDir, who)
        else setAsideOffline(dataDir, who)
      } catch (e) {
        log(`repair failed: ${errorForLog(e)}`) // asked again on the next loop
      }
    }
  }
}

function sessionFor(core: Core, webContentsId: number): string {
  let s = sessions.get(webContentsId)
  if (!s) {
    s = core.openSession()
    sessions.set(webContentsId, s)
  }
  return s
}

port.on('message', async ({ data }: { data: HostToCore }) => {
  if (data.type === 'repair') return repairChosen?.(data.action)
  if (data.type === 'shutdown' && !opened) process.exit(0) // quit from the damaged-database dialog
  const core = await ready
  switch (data.type) {
    case 'call': {
      const response = await core.dispatch(sessionFor(core, data.webContentsId), data.method, data.params)
      return post({ type: 'reply', id: data.id, response })
    }
    case 'grant': {
      const grants = core.grantFiles(
        sessionFor(core, data.webContentsId),
        data.paths.map((p) => ({ path: p })),
      )
      return post({ type: 'reply', id: data.id, response: { ok: true, result: grants } })
    }
    case 'media': {
      // Only a window whose session is signed in (PIN rule met) with a role that may hear recordings; a window
      // that never called the core has no session and hears nothing.
      const sid = sessions.get(data.webContentsId)
      const file = sid ? core.mediaFor(sid, data.recordingId) : 'forbidden'
      return post({
        type: 'reply',
        id: data.id,
        response:
          file === 'forbidden'
            ? { ok: false, error: { code: 'forbidden', message: 'Sign in to listen to recordings' } }
            : { ok: true, result: file ?? null },
      })
    }
    case 'closeSession': {
      const s = sessions.get(data.webContentsId)
      if (s) core.closeSession(s)
      sessions.delete(data.webContentsId)
      return
    }
    case 'shutdown': {
      await core.close()
      process.exit(0)
    }
  }
})
let opened: Core | null = null
const ready = openCore().then((core) => {
  opened = core
  core.recover()
  // The first start of a new data folder builds the demo ward in the background (npm start -- --no-demo skips it).
  core.demo.startOnFirstRun({ skip: process.env.ICLAS_NO_DEMO === '1', shape: demoShapeFromEnv() })
  // Events only to the windows whose session may see them, filtered by role: browser mode's rule.
  core.events.on('event', (event: string, payload: unknown) =>
    post({ type: 'event', event, payload, windows: eventsForWindows(core, sessions, event, payload) }),
  )
  post({ type: 'ready' })
  return core
})
