// The one place in the renderer that knows how it talks to the core: the Electron preload bridge when it
// exists, otherwise the browser-mode WebSocket. Everything else uses src/renderer/src/api/client.ts.
import type { FileGrant } from '../../../shared/contract'
import type { WireResult } from '../../../shared/rpc'

/** A file the user chose or dropped, with its path inside the chosen/dropped folder ("Baby A/rec1.wav"). */
export interface ChosenFile {
  file: File
  relativePath: string | null
}

/** Progress of handing files to the core (browser mode uploads them; the desktop app only registers paths). */
export interface UploadProgress {
  filesDone: number
  filesTotal: number
  bytesDone: number
  bytesTotal: number
  /** The file being sent now ('' when done). */
  name: string
}

export interface HandOverOptions {
  onProgress?: (p: UploadProgress) => void
  signal?: AbortSignal
  /** Files to leave out before anything is sent (by path inside the folder, or name). */
  skip?: (path: string) => boolean
}

export interface Transport {
  kind: 'desktop' | 'browser'
  call(method: string, params: unknown): Promise<WireResult>
  onEvent(listener: (event: string, payload: unknown) => void): () => void
  /** Let the user choose files or a folder. In browser mode they are uploaded to the core first. */
  chooseFiles(kind: 'files' | 'folder', options?: HandOverOptions): Promise<FileGrant[]>
  /** Hand files dropped on the page to the core (browser mode uploads them). */
  dropFiles(files: ChosenFile[], options?: HandOverOptions): Promise<FileGrant[]>
  mediaUrl(recordingId: number): string
  /** Resolves when the transport is connected. */
  ready: Promise<void>
  /** Connection state changes (browser mode reconnects). */
  onConnection(listener: (connected: boolean) => void): () => void
}
