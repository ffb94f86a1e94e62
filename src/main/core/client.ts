// The typed in-process client: the contract's IclasApi over Core.dispatch for one session, so the CLI and the
// tests call the core as the UI does (access rules, the PIN rule, plain-JSON copies, request validation) while
// the compiler checks method names, params and results. Refusals are thrown as IclasError, as in the renderer's
// client (src/renderer/src/api/client.ts); `coreWire` gives the same calls answering the raw WireResult, for
// tests that look at a refusal's code.
import { methodNames, type IclasApi, type MethodName, type Req, type Res } from '../../shared/contract'
import { unwrap, type WireResult } from '../../shared/rpc'
import type { Core } from './core'

/** What the client needs of a core: its dispatch. */
export type Dispatcher = Pick<Core, 'dispatch'>

export type IclasWire = { [M in MethodName]: (params: Req<M>) => Promise<WireResult<Res<M>>> }

/** One async function per contract method, for the session `sessionId`; errors are thrown as IclasError. */
export function coreClient(core: Dispatcher, sessionId: string): IclasApi {
  return Object.fromEntries(
    methodNames.map((name) => [
      name,
      async (params: unknown) => unwrap(await core.dispatch(sessionId, name, params ?? {})),
    ]),
  ) as IclasApi
}

/** The same calls answering the WireResult as it comes back (ok and result, or the error's code and message). */
export function coreWire(core: Dispatcher, sessionId: string): IclasWire {
  return Object.fromEntries(
    methodNames.map((name) => [name, (params: unknown) => core.dispatch(sessionId, name, params ?? {})]),
  ) as IclasWire
}
