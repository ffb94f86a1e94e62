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
  /** Stages 1–4 for an imported recording (the ward's analysis, WardAnalysis, wired when the core is built). */
  analyseRecording: (recordingId: number, signal?: AbortSignal) => Promise<{ cries: number; flagged: number }>
}

export type Handler<M extends MethodName> = (
  params: z.output<Contract[M]['request']>,
  call: CallContext,
) => Res<M> | Promise<Res<M>>

export type Handlers = { [M in MethodName]: Handler<M> }

/**
 * A service: the handlers of its part of the contract, and what it must finish when the core closes (after its
 * jobs stopped, before the worker pool and the store close). Every module of core/services/ that answers methods
 * exports one factory `(ctx, deps?) => Service<its methods>`, called once when the core is built (core.ts);
 * what a service needs of another (the ward's analysis, the backup scheduler) is passed in `deps` then.
 */
export interface Service<M extends MethodName> {
  handlers: Pick<Handlers, M>
  close?: () => Promise<void>
}

/** A service of these handlers, with nothing to close. */
export function service<M extends MethodName>(handlers: Pick<Handlers, M>): Service<M> {
  return { handlers }
}
