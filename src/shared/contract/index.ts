// The one IPC contract: every method the UI may call, with its zod request/response schema and access rule.
// Domain files add their methods here; preload, WebSocket bridge, client and core dispatch derive from it.
import type { z } from 'zod'
import { adminMethods } from './admin'
import { analysisMethods } from './analysis'
import { cryMethods } from './cries'
import type { MethodSpec } from './define'
import { demoMethods } from './demo'
import { evaluationMethods } from './evaluation'
import { handoverMethods } from './handover'
import { importMethods } from './imports'
import { infantMethods } from './infants'
import { recordingMethods } from './recordings'
import { reportMethods } from './reports'
import { sessionMethods } from './session'

export const contract = {
  ...adminMethods,
  ...sessionMethods,
  ...infantMethods,
  ...recordingMethods,
  ...importMethods,
  ...cryMethods,
  ...analysisMethods,
  ...reportMethods,
  ...handoverMethods,
  ...evaluationMethods,
  ...demoMethods,
} satisfies Record<string, MethodSpec>

export type Contract = typeof contract
export type MethodName = keyof Contract
export type Req<M extends MethodName> = z.input<Contract[M]['request']>
export type Res<M extends MethodName> = z.output<Contract[M]['response']>

/** The client-side API shape: one async function per method. */
export type IclasApi = { [M in MethodName]: (params: Req<M>) => Promise<Res<M>> }

export const methodNames = Object.keys(contract) as MethodName[]

export * from './cries'
export * from './admin'
export * from './analysis'
export * from './define'
export * from './demo'
export * from './evaluation'
export * from './events'
export * from './handover'
export * from './imports'
export * from './infants'
export * from './recordings'
export * from './reports'
export * from './session'
