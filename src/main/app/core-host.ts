// The core in Electron's utilityProcess: off the main thread, and a native crash here cannot take the
// window down (main restarts it). Speaks to main over the process parent port.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Core } from '../core/core'
import type { HostToCore, CoreToHost } from './host-protocol'

process.env.ICLAS_MAIN_DIR ??= path.dirname(fileURLToPath(import.meta.url))

const port = process.parentPort
const dataDir = process.env.ICLAS_DATA_DIR!
const nativeBinding = process.env.ICLAS_SQLITE_BINDING || undefined
const core = new Core({ dataDir, mode: 'desktop', nativeBinding, log: (l) => console.log(`[core] ${l}`) })
core.recover()
const sessions = new Map<number, string>() // webContents id → core session

const post = (m: CoreToHost) => port.postMessage(m)
core.events.on('event', (event: string, payload: unknown) => post({ type: 'event', event, payload }))

function sessionFor(webContentsId: number): string {
  let s = sessions.get(webContentsId)
  if (!s) {
    s = core.openSession()
    sessions.set(webContentsId, s)
  }
  return s
}

port.on('message', async ({ data }: { data: HostToCore }) => {
  switch (data.type) {
    case 'call': {
      const response = await core.dispatch(sessionFor(data.webContentsId), data.method, data.params)
      return post({ type: 'reply', id: data.id, response })
    }
    case 'grant': {
      const grants = core.grantFiles(
        sessionFor(data.webContentsId),
        data.paths.map((p) => ({ path: p })),
      )
      return post({ type: 'reply', id: data.id, response: { ok: true, result: grants } })
    }
    case 'media': {
      return post({
        type: 'reply',
        id: data.id,
        response: { ok: true, result: core.recordingAudioFile(data.recordingId) ?? null },
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
post({ type: 'ready' })
