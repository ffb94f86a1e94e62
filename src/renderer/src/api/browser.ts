// Browser-mode transport: the contract over a WebSocket to the loopback server (same origin; the access
// token travels as an HttpOnly cookie), uploads over HTTP POST, recording audio over HTTP with Range.
import type { FileGrant } from '../../../shared/contract'
import type { WireEvent, WireResponse, WireResult } from '../../../shared/rpc'
import type { ChosenFile, HandOverOptions, Transport } from './transport'

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

  // Uploads one file at a time with XMLHttpRequest, whose upload events report bytes sent (fetch has none),
  // so the page can show progress and time remaining for a folder of hour-long recordings.
  async function upload(chosen: ChosenFile[], options: HandOverOptions = {}): Promise<FileGrant[]> {
    await whenOpen()
    const { onProgress, signal, skip } = options
    const files = skip ? chosen.filter((f) => !skip(f.relativePath ?? f.file.name)) : chosen
    const bytesTotal = files.reduce((n, f) => n + f.file.size, 0)
    let bytesBefore = 0
    const grants: FileGrant[] = []
    for (let i = 0; i < files.length; i++) {
      const { file, relativePath } = files[i]!
      const report = (sent: number) =>
        onProgress?.({
          filesDone: i,
          filesTotal: files.length,
          bytesDone: bytesBefore + sent,
          bytesTotal,
          name: relativePath ?? file.name,
        })
      report(0)
      grants.push(await sendFile(file, relativePath, report, signal))
      bytesBefore += file.size
    }
    onProgress?.({
      filesDone: files.length,
      filesTotal: files.length,
      bytesDone: bytesTotal,
      bytesTotal,
      name: '',
    })
    return grants
  }

  function sendFile(
    file: File,
    relativePath: string | null,
    onSent: (bytes: number) => void,
    signal?: AbortSignal,
  ): Promise<FileGrant> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new DOMException('upload cancelled', 'AbortError'))
      const xhr = new XMLHttpRequest()
      xhr.open('POST', '/api/upload')
      xhr.setRequestHeader('X-Iclas-Session', sessionId)
      xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name))
      if (relativePath) xhr.setRequestHeader('X-Relative-Path', encodeURIComponent(relativePath))
      xhr.responseType = 'text'
      xhr.upload.onprogress = (e) => onSent(e.loaded)
      const onAbort = () => xhr.abort()
      signal?.addEventListener('abort', onAbort, { once: true })
      xhr.onloadend = () => signal?.removeEventListener('abort', onAbort)
      xhr.onload = () => {
        if (xhr.status === 200) resolve(JSON.parse(xhr.responseText) as FileGrant)
        else reject(new Error(`${file.name}: ${xhr.responseText || `upload failed (HTTP ${xhr.status})`}`))
      }
      xhr.onerror = () => reject(new Error(`${file.name}: the upload failed (connection lost?)`))
      xhr.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'))
      xhr.send(file)
    })
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
    chooseFiles(kind, options) {
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
          upload(chosen, options).then(resolve, reject)
        }
        input.oncancel = () => {
          input.remove()
          resolve([])
        }
        document.body.appendChild(input)
        input.click()
      })
    },
    dropFiles: (files, options) => upload(files, options),
    // Audio is served only to a signed-in session: the URL names this page's session.
    mediaUrl: (id) => `/media/recordings/${id}.wav?session=${encodeURIComponent(sessionId)}`,
  }
}
