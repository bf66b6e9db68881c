import { GATEWAY_ONLY_KINDS, type EnvelopeKindV1 } from '../contracts/envelope-v1.js'
import { InboundRefusal } from './types.js'

/**
 * Refuses (FORBIDDEN, answered with the platform's `nativeCode`) a native message of a kind only
 * the gateway issues, before any of its records is read: a platform never publishes a
 * `gateway.notice`. `what` names the kind in the platform's own terms.
 */
export function refuseGatewayOnly (kind: EnvelopeKindV1, nativeCode: string, what: string): void {
  if (GATEWAY_ONLY_KINDS.has(kind)) {
    const detail = `${what} (${kind}) is issued by the gateway only; a platform may not send it`
    throw new InboundRefusal('FORBIDDEN', nativeCode, detail)
  }
}
