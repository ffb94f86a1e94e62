// The typed client every screen uses: `api.listInfants({})` etc., derived from the contract. Errors come back
// as data and are rethrown here as IclasError.
import { methodNames, type IclasApi, type EventName, type EventPayload } from '../../../shared/contract'
import { unwrap } from '../../../shared/rpc'
import { browserTransport } from './browser'
import { desktopTransport } from './desktop'
import type { Transport } from './transport'

export const transport: Transport = window.iclas ? desktopTransport(window.iclas) : browserTransport()

export const api = Object.fromEntries(
  methodNames.map((name) => [
    name,
    async (params: unknown) => unwrap(await transport.call(name, params ?? {})),
  ]),
) as IclasApi

export function onEvent<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  return transport.onEvent((name, payload) => {
    if (name === event) listener(payload as EventPayload<E>)
  })
}
