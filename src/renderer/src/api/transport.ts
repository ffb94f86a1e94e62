// The one place in the renderer that knows how it talks to the core: the Electron preload bridge when it
// exists, otherwise the browser-mode WebSocket. Everything else uses src/renderer/src/api/client.ts.
import type { FileGrant } from '../../../shared/contract'
import type { WireResult } from '../../../shared/rpc'

export interface Transport {
  kind: 'desktop' | 'browser'
  call(method: string, params: unknown): Promise<WireResult>
  onEvent(listener: (event: string, payload: unknown) => void): () => void
  /** Let the user choose files or a folder. In browser mode they are uploaded to the core first. */
  chooseFiles(
    kind: 'files' | 'folder',
    onUpload?: (done: number, total: number, name: string) => void,
  ): Promise<FileGrant[]>
  /** Upload files dropped on the page (browser mode) or resolve their paths (desktop). */
  dropFiles(
    files: File[],
    onUpload?: (done: number, total: number, name: string) => void,
  ): Promise<FileGrant[]>
  mediaUrl(recordingId: number): string
  /** Resolves when the transport is connected. */
  ready: Promise<void>
  /** Connection state changes (browser mode reconnects). */
  onConnection(listener: (connected: boolean) => void): () => void
}
