// Messages between Electron main (the router) and the core's utilityProcess.
import type { WireResult } from '../../shared/rpc'
import type { DamageReport } from '../core/offline-repair'

export type HostToCore =
  | { type: 'call'; id: number; webContentsId: number; method: string; params: unknown }
  | { type: 'grant'; id: number; webContentsId: number; paths: string[] }
  /** A recording's audio for the session of this window (null when it may not hear it or there is none). */
  | { type: 'media'; id: number; webContentsId: number; recordingId: number }
  | { type: 'closeSession'; webContentsId: number }
  | { type: 'shutdown' }
  /** The user's way out of a damaged database (answer to 'damaged'). */
  | { type: 'repair'; action: 'restore' | 'set-aside' }

export type CoreToHost =
  | { type: 'ready' }
  | { type: 'reply'; id: number; response: WireResult }
  /**
   * A core event: whole, for main's own use (never sent to a page as it is), and for each window whose session
   * may see it, as much of it as that session may see (Core.eventFor): main sends each window only its own.
   */
  | {
      type: 'event'
      event: string
      payload: unknown
      windows: { webContentsId: number; payload: unknown }[]
    }
  /** The database is damaged: main asks the user (restore the newest good backup, or start empty). */
  | { type: 'damaged'; report: DamageReport }
  /** The core cannot start and retrying will not help (e.g. another ICLAS holds the data folder). */
  | { type: 'fatal'; message: string }
