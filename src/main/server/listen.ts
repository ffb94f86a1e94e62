// Browser mode's address: a stable port by default, so a bookmark and the browser's history keep working
// across starts, with a fallback when it is taken (a second workstation, another program), and any port the
// user names with `--port`.
import http from 'node:http'

/** The port browser mode tries first when none is named. */
export const DEFAULT_PORT = 4280
/** How many ports after DEFAULT_PORT are tried before the system picks a free one. */
export const FALLBACK_PORTS = 9

/**
 * The ports to try, in order: the named one alone (`--port N`; 0 lets the system choose), or by default
 * DEFAULT_PORT, the next FALLBACK_PORTS, then any free port.
 */
export function portCandidates(named: number | undefined): number[] {
  if (named !== undefined) return [named]
  return [...Array.from({ length: FALLBACK_PORTS + 1 }, (_, i) => DEFAULT_PORT + i), 0]
}

/**
 * Listen on the first of `ports` that is free on `host` and return the port. Only "in use" moves on to the
 * next candidate; any other error (no permission, bad host) and a taken last candidate reject.
 */
export async function listenFirstFree(
  server: http.Server,
  host: string,
  ports: number | readonly number[],
): Promise<number> {
  const list = typeof ports === 'number' ? [ports] : ports.length ? ports : [0]
  for (let i = 0; i < list.length; i++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err)
        server.once('error', onError)
        server.listen(list[i], host, () => {
          server.off('error', onError)
          resolve()
        })
      })
      return (server.address() as { port: number }).port
    } catch (err) {
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
      if (!inUse || i === list.length - 1) throw err
    }
  }
  throw new Error('no port to listen on')
}
