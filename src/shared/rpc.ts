// The wire envelope shared by every transport (Electron IPC, WebSocket, utilityProcess port).
// Errors cross as data ({ ok: false, error }) and are rethrown as IclasError by the client.

export type ErrorCode =
  | 'invalid_request' // payload failed its zod schema
  | 'unknown_method'
  | 'unauthenticated' // no signed-in user
  | 'forbidden' // role may not call this method
  | 'pin_required' // PINs are mandatory here and this account has none yet (first-start setup)
  | 'not_found'
  | 'conflict'
  | 'refused' // a domain rule refused the action (e.g. unreadable file)
  | 'cancelled'
  | 'unavailable' // e.g. the core is restarting
  | 'internal'

export interface WireError {
  code: ErrorCode
  message: string
  details?: unknown
}

export type WireResult<T = unknown> = { ok: true; result: T } | { ok: false; error: WireError }

export interface WireRequest {
  id: number
  method: string
  params: unknown
}

export interface WireResponse {
  id: number
  response: WireResult
}

export interface WireEvent {
  event: string
  payload: unknown
}

export class IclasError extends Error {
  readonly code: ErrorCode
  readonly details?: unknown
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'IclasError'
    this.code = code
    this.details = details
  }
  toWire(): WireError {
    return {
      code: this.code,
      message: this.message,
      ...(this.details === undefined ? {} : { details: this.details }),
    }
  }
}

export function unwrap<T>(result: WireResult<T>): T {
  if (result.ok) return result.result
  throw new IclasError(result.error.code, result.error.message, result.error.details)
}
