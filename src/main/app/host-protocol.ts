// Messages between Electron main (the router) and the core's utilityProcess.
import type { WireResult } from '../../shared/rpc'

export type HostToCore =
  | { type: 'call'; id: number; webContentsId: number; method: string; params: unknown }
  | { type: 'grant'; id: number; webContentsId: number; paths: string[] }
  | { type: 'media'; id: number; recordingId: number }
  | { type: 'closeSession'; webContentsId: number }
  | { type: 'shutdown' }

export type CoreToHost =
  | { type: 'ready' }
  | { type: 'reply'; id: number; response: WireResult }
  | { type: 'event'; event: string; payload: unknown }
