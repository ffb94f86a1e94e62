import type { Transport } from './transport'

/** window.iclas, typed by the preload's declaration (src/preload/api.d.ts, visible to this project as a global). */
type PreloadBridge = NonNullable<Window['iclas']>

export function desktopTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'desktop',
    call: (method, params) => {
      const fn = (
        bridge as unknown as Record<
          string,
          (p: unknown) => Promise<ReturnType<Transport['call']> extends Promise<infer R> ? R : never>
        >
      )[method]
      if (typeof fn !== 'function')
        return Promise.resolve({
          ok: false,
          error: { code: 'unknown_method', message: `Unknown method "${method}"` },
        })
      return fn(params)
    },
    onEvent: (listener) => bridge.onEvent(listener),
    chooseFiles: (kind) => bridge.chooseFiles(kind),
    dropFiles: async () => {
      // Dropped files in the sandboxed renderer carry no path; the desktop app imports through its dialog.
      throw new Error('Drop is not available in the desktop app yet: use “Choose files” or “Choose folder”.')
    },
    mediaUrl: (id) => `${bridge.mediaScheme}://recordings/${id}.wav?k=${encodeURIComponent(bridge.mediaKey)}`,
    ready: Promise.resolve(),
    onConnection: () => () => undefined,
  }
}
