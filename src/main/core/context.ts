// What services see: the store, the data folder, the worker pool, jobs, events, file grants and the
// signed-in user of the calling session.
import type { z } from 'zod'
import type { Contract, EventName, EventPayload, MethodName, Res, User } from '../../shared/contract'
import type { Db } from '../store/db'
import type { WorkerPool } from '../workers/pool'
import type { FileGrants } from './grants'
import type { JobRunner } from './jobs'
import type { PinPolicy } from './pin-policy'
import type { SessionTickets } from './session-tickets'

export interface Session {
  id: string
  user: User | null
  /** Signed in by its host without the contract (CLI, tests): whoever runs it holds the data folder anyway. */
  vouched?: boolean
  /** The last ticket this session took (sessionTicket): it ends when the session signs out. */
  ticket?: string
}

export interface CallContext {
  session: Session
  /** The signed-in user (dispatch guarantees one for non-public methods). */
  user: User
}

export interface ServiceContext {
  db: Db
  dataDir: string
  pool: WorkerPool
  jobs: JobRunner
  grants: FileGrants
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  mode: 'desktop' | 'browser' | 'cli' | 'test'
  version: string
  /** Whether PINs are mandatory (outside demo mode) and which accounts must still set one. */
  pins: PinPolicy
  /** Tickets that sign a reloaded browser tab back in (src/main/core/session-tickets.ts). */
  tickets: SessionTickets
  /** Stages 1–4 for an imported recording (the analysis service, wired when the core is built). */
  analyseRecording: (recordingId: number, signal?: AbortSignal) => Promise<{ cries: number; flagged: number }>
}

export type Handler<M extends MethodName> = (
  params: z.output<Contract[M]['request']>,
  call: CallContext,
) => Res<M> | Promise<Res<M>>

export type Handlers = { [M in MethodName]: Handler<M> }
