// Messages between Electron main (the router) and the core's utilityProcess.
import type { WireResult } from '../../shared/rpc'
import type { DamageReport } from '../core/offline-repair'

export type HostToCore =
  | { type: 'call'; id: number; webContentsId: number; method: string; params: unknown }
  | { type: 'grant'; id: number; webContentsId: number; paths: string[] }
  | { type: 'media'; id: number; recordingId: number }
  | { type: 'closeSession'; webContentsId: number }
  | { type: 'shutdown' }
  /** The user's way out of a damaged database (answer to 'damaged'). */
  | { type: 'repair'; action: 'restore' | 'set-aside' }

export type CoreToHost =
  | { type: 'ready' }
  | { type: 'reply'; id: number; response: WireResult }
  | { type: 'event'; event: string; payload: unknown }
  /** The database is damaged: main asks the user (restore the newest good backup, or start empty). */
  | { type: 'damaged'; report: DamageReport }
  /** The core cannot start and retrying will not help (e.g. another ICLAS holds the data folder). */
  | { type: 'fatal'; message: string }
