// Browser-mode transport: the contract over a WebSocket to the loopback server (same origin; the access
// token travels as an HttpOnly cookie), uploads over HTTP POST, recording audio over HTTP with Range.
import type { FileGrant } from '../../../shared/contract'
import type { WireEvent, WireResponse, WireResult } from '../../../shared/rpc'
import type { Transport } from './transport'

export function browserTransport(): Transport {
  let ws: WebSocket | null = null
  let sessionId = ''
  let nextId = 1
  const pending = new Map<number, (r: WireResult) => void>()
  const listeners = new Set<(event: string, payload: unknown) => void>()
  const connListeners = new Set<(c: boolean) => void>()
  let resolveReady!: () => void
  const ready = new Promise<void>((r) => (resolveReady = r))
  let readyWaiters: (() => void)[] = []

  const connect = () => {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
    const sock = new WebSocket(url)
    ws = sock
    sock.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as Partial<WireResponse & WireEvent>
      if (typeof msg.event === 'string') {
        if (msg.event === 'hello') {
          sessionId = (msg.payload as { sessionId: string }).sessionId
          resolveReady()
          readyWaiters.forEach((w) => w())
          readyWaiters = []
          connListeners.forEach((l) => l(true))
          return
        }
        listeners.forEach((l) => l(msg.event!, msg.payload))
        return
      }
      if (typeof msg.id === 'number') {
        pending.get(msg.id)?.(msg.response as WireResult)
        pending.delete(msg.id)
      }
    }
    sock.onclose = () => {
      sessionId = ''
      for (const [, resolve] of pending)
        resolve({
          ok: false,
          error: { code: 'unavailable', message: 'Connection to the workstation was lost' },
        })
      pending.clear()
      connListeners.forEach((l) => l(false))
      setTimeout(connect, 1000)
    }
  }
  connect()

  const whenOpen = () =>
    sessionId && ws?.readyState === WebSocket.OPEN
      ? Promise.resolve()
      : new Promise<void>((r) => readyWaiters.push(r))

  async function upload(
    files: { file: File; relativePath: string | null }[],
    onUpload?: (done: number, total: number, name: string) => void,
  ) {
    await whenOpen()
    const grants: FileGrant[] = []
    for (let i = 0; i < files.length; i++) {
      const { file, relativePath } = files[i]!
      onUpload?.(i, files.length, file.name)
      const res = await fetch('/api/upload', {
        method: 'POST',
        headers: {
          'X-Iclas-Session': sessionId,
          'X-File-Name': encodeURIComponent(file.name),
          ...(relativePath ? { 'X-Relative-Path': encodeURIComponent(relativePath) } : {}),
        },
        body: file,
      })
      if (!res.ok) throw new Error(`${file.name}: ${await res.text()}`)
      grants.push((await res.json()) as FileGrant)
    }
    onUpload?.(files.length, files.length, '')
    return grants
  }

  return {
    kind: 'browser',
    ready,
    async call(method, params) {
      await whenOpen()
      const id = nextId++
      return new Promise<WireResult>((resolve) => {
        pending.set(id, resolve)
        ws!.send(JSON.stringify({ id, method, params }))
      })
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onConnection(listener) {
      connListeners.add(listener)
      return () => connListeners.delete(listener)
    },
    chooseFiles(kind, onUpload) {
      return new Promise<FileGrant[]>((resolve, reject) => {
        const input = document.createElement('input')
        input.type = 'file'
        input.multiple = true
        if (kind === 'folder') input.setAttribute('webkitdirectory', '')
        input.style.display = 'none'
        input.onchange = () => {
          const chosen = [...(input.files ?? [])].map((file) => ({
            file,
            relativePath: file.webkitRelativePath || null,
          }))
          input.remove()
          upload(chosen, onUpload).then(resolve, reject)
        }
        input.oncancel = () => {
          input.remove()
          resolve([])
        }
        document.body.appendChild(input)
        input.click()
      })
    },
    dropFiles: (files, onUpload) =>
      upload(
        files.map((file) => ({ file, relativePath: file.webkitRelativePath || null })),
        onUpload,
      ),
    mediaUrl: (id) => `/media/recordings/${id}.wav`,
  }
}
