// Owns the core's utilityProcess: forwards calls with ids, restarts the process if it crashes (calls in
// flight fail with 'unavailable'), and times out calls that never answer.
import { utilityProcess, webContents, type UtilityProcess } from 'electron'
import type { FileGrant } from '../../shared/contract'
import type { WireResult } from '../../shared/rpc'
import type { DamageReport } from '../core/offline-repair'
import type { CoreToHost, HostToCore } from './host-protocol'

const CALL_TIMEOUT_MS = 10 * 60_000

export class CoreProcess {
  private child: UtilityProcess | null = null
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (r: WireResult) => void; timer: NodeJS.Timeout }>()
  private stopping = false
  private restarts = 0
  private ready: Promise<void> = Promise.resolve()

  constructor(
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly ask: {
      /** The database is damaged: ask the user for the way out (null: quit). */
      damaged(report: DamageReport): Promise<'restore' | 'set-aside' | null>
      /** The core cannot start (e.g. the data folder is in use by another ICLAS). */
      fatal(message: string): void
      /** Every core event, after it went to the windows (desktop notifications of drift alerts). */
      event?(event: string, payload: unknown): void
    },
  ) {}

  start(): void {
    let markReady!: () => void
    this.ready = new Promise((r) => (markReady = r))
    const child = utilityProcess.fork(this.entry, [], {
      serviceName: 'ICLAS core',
      env: { ...process.env, ...this.env },
      stdio: 'inherit',
    })
    this.child = child
    child.on('message', (m: CoreToHost) => {
      if (m.type === 'ready') {
        this.restarts = 0
        markReady()
      } else if (m.type === 'reply') {
        const p = this.pending.get(m.id)
        if (!p) return
        clearTimeout(p.timer)
        this.pending.delete(m.id)
        p.resolve(m.response)
      } else if (m.type === 'damaged') {
        void this.ask.damaged(m.report).then((action) => {
          if (action) child.postMessage({ type: 'repair', action } satisfies HostToCore)
          else this.ask.fatal('')
        })
      } else if (m.type === 'fatal') {
        this.stopping = true
        this.ask.fatal(m.message)
      } else if (m.type === 'event') {
        // Each window gets what its own session may see (addressed by the core), never a broadcast.
        for (const w of m.windows) {
          const wc = webContents.fromId(w.webContentsId)
          if (wc && !wc.isDestroyed()) wc.send('iclas:event', m.event, w.payload)
        }
        // Desktop notifications only of what a signed-in window may see: no infant's name while signed out.
        if (m.windows.length) this.ask.event?.(m.event, m.payload)
      }
    })
    child.on('exit', (code) => {
      this.child = null
      for (const [, p] of this.pending) {
        clearTimeout(p.timer)
        p.resolve({
          ok: false,
          error: {
            code: 'unavailable',
            message: `The workstation core stopped (code ${code}); it is restarting.`,
          },
        })
      }
      this.pending.clear()
      if (!this.stopping && this.restarts < 5) {
        this.restarts++
        setTimeout(() => this.start(), 500 * this.restarts)
      }
    })
  }

  private async send(msg: HostToCore & { id: number }): Promise<WireResult> {
    await this.ready
    const child = this.child
    if (!child)
      return { ok: false, error: { code: 'unavailable', message: 'The workstation core is not running' } }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(msg.id)
        resolve({
          ok: false,
          error: { code: 'unavailable', message: 'The workstation core did not answer in time' },
        })
      }, CALL_TIMEOUT_MS)
      this.pending.set(msg.id, { resolve, timer })
      child.postMessage(msg)
    })
  }

  call(webContentsId: number, method: string, params: unknown): Promise<WireResult> {
    return this.send({ type: 'call', id: this.nextId++, webContentsId, method, params })
  }

  async grant(webContentsId: number, paths: string[]): Promise<FileGrant[]> {
    const r = await this.send({ type: 'grant', id: this.nextId++, webContentsId, paths })
    return r.ok ? (r.result as FileGrant[]) : []
  }

  /** The audio of a recording for this window's session: 'forbidden' when it may not hear it. */
  async mediaFile(webContentsId: number, recordingId: number): Promise<string | null | 'forbidden'> {
    const r = await this.send({ type: 'media', id: this.nextId++, webContentsId, recordingId })
    if (!r.ok) return r.error.code === 'forbidden' ? 'forbidden' : null
    return r.result as string | null
  }

  closeSession(webContentsId: number): void {
    this.child?.postMessage({ type: 'closeSession', webContentsId } satisfies HostToCore)
  }

  stop(): void {
    this.stopping = true
    this.child?.postMessage({ type: 'shutdown' } satisfies HostToCore)
  }
}
