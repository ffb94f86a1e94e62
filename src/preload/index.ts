// Preload (sandboxed, context-isolated): exposes `window.iclas` — one named function per contract method,
// an event subscription and the file dialog. No raw ipcRenderer reaches the page.
import { contextBridge, ipcRenderer } from 'electron'
import { methodNames } from '../shared/contract'
import type { PreloadBridge } from './api'

const api: Record<string, unknown> = {
  onEvent(listener: (event: string, payload: unknown) => void) {
    const handler = (_e: unknown, event: string, payload: unknown) => listener(event, payload)
    ipcRenderer.on('iclas:event', handler)
    return () => ipcRenderer.removeListener('iclas:event', handler)
  },
  chooseFiles: (kind: 'files' | 'folder') =>
    ipcRenderer.invoke('iclas:choose-files', kind === 'folder' ? 'folder' : 'files'),
  mediaScheme: 'iclas-media',
  // This window's media key, asked once: media URLs carry it so main serves audio only to a signed-in window.
  mediaKey: String(ipcRenderer.sendSync('iclas:media-key') ?? ''),
}
for (const name of methodNames) {
  api[name] = (params: unknown) => ipcRenderer.invoke('iclas:call', name, params)
}

contextBridge.exposeInMainWorld('iclas', api as PreloadBridge)
