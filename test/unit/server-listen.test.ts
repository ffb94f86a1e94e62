// Browser mode's address: the default port with its fallbacks, a named port alone, and only "in use"
// moving on to the next candidate.
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_PORT, FALLBACK_PORTS, listenFirstFree, portCandidates } from '../../src/main/server/listen'

const open: http.Server[] = []
const server = () => {
  const s = http.createServer()
  open.push(s)
  return s
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => new Promise((r) => (s.listening ? s.close(r) : r(null)))))
})

describe('browser-mode port', () => {
  it('tries the default port, its fallbacks, then any; a named port alone', () => {
    const c = portCandidates(undefined)
    expect(c[0]).toBe(DEFAULT_PORT)
    expect(c).toHaveLength(FALLBACK_PORTS + 2)
    expect(c.at(-2)).toBe(DEFAULT_PORT + FALLBACK_PORTS)
    expect(c.at(-1)).toBe(0)
    expect(portCandidates(8123)).toEqual([8123])
    expect(portCandidates(0)).toEqual([0])
  })

  it('moves past a taken port to the next free one', async () => {
    const blocker = server()
    const taken = await listenFirstFree(blocker, '127.0.0.1', 0)
    const s = server()
    const port = await listenFirstFree(s, '127.0.0.1', [taken, 0])
    expect(port).not.toBe(taken)
    expect(port).toBeGreaterThan(0)
  })

  it('fails when the only (named) port is taken', async () => {
    const taken = await listenFirstFree(server(), '127.0.0.1', 0)
    await expect(listenFirstFree(server(), '127.0.0.1', [taken])).rejects.toMatchObject({
      code: 'EADDRINUSE',
    })
  })
})
