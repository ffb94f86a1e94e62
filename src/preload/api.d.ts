// The object the preload exposes as `window.iclas` (desktop app). Each contract method answers a WireResult;
// the renderer client (src/renderer/src/api) rethrows errors.
import type { FileGrant, MethodName } from '../shared/contract'
import type { WireResult } from '../shared/rpc'

export type PreloadBridge = { [M in MethodName]: (params: unknown) => Promise<WireResult> } & {
  /** Subscribe to core events; returns an unsubscribe function. */
  onEvent(listener: (event: string, payload: unknown) => void): () => void
  /** Native file dialog in the main process; the chosen files come back as grants. */
  chooseFiles(kind: 'files' | 'folder'): Promise<FileGrant[]>
  /** URL scheme the desktop app serves recording audio on. */
  readonly mediaScheme: 'iclas-media'
  /** This window's media key, carried by its media URLs (main serves audio to signed-in windows only). */
  readonly mediaKey: string
}

declare global {
  interface Window {
    iclas?: PreloadBridge
  }
}
