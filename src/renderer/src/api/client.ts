// The typed client every screen uses: `api.listInfants({})` etc., derived from the contract. Errors come back
// as data and are rethrown here as IclasError.
import { methodNames, type IclasApi, type EventName, type EventPayload } from '../../../shared/contract'
import { unwrap } from '../../../shared/rpc'
import { browserTransport } from './browser'
import { desktopTransport } from './desktop'
import type { Transport } from './transport'

export const transport: Transport = window.iclas ? desktopTransport(window.iclas) : browserTransport()

const pinRequired = new Set<() => void>()

/**
 * Called when the core answers a call 'pin_required' (PINs became mandatory under this session, e.g. demo mode
 * ended): the app goes to the first-start setup or back to sign-in. Sign-in's own refusals are not reported.
 */
export function onPinRequired(listener: () => void): () => void {
  pinRequired.add(listener)
  return () => pinRequired.delete(listener)
}

export const api = Object.fromEntries(
  methodNames.map((name) => [
    name,
    async (params: unknown) => {
      const result = await transport.call(name, params ?? {})
      if (!result.ok && result.error.code === 'pin_required' && name !== 'signIn' && name !== 'resumeSession')
        for (const listener of pinRequired) listener()
      return unwrap(result)
    },
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
