import { GATEWAY_ONLY_KINDS, type EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import { GatewayError, type ErrorCode, type GatewayErrorOptions } from '../errors/gateway-error.js'

/**
 * A refusal that the platform's own protocol names more precisely than the gateway's codes do
 * (Shanghai's 1003 "nonce reused", Anhui's E102 "does not decrypt"): the gateway code keeps the
 * security log and metrics uniform, `nativeCode` is what the platform is answered.
 */
export class NativeRefusal extends GatewayError {
  readonly nativeCode: string

  constructor (code: ErrorCode, nativeCode: string, detail: string, options: GatewayErrorOptions = {}) {
    super(code, detail, options)
    this.name = 'NativeRefusal'
    this.nativeCode = nativeCode
  }
}

/**
 * Refuses (FORBIDDEN, answered with the platform's `nativeCode`) a native message of a kind only
 * the gateway issues, before any of its records is read: a platform never publishes a
 * `gateway.notice`. `what` names the kind in the platform's own terms.
 */
export function refuseGatewayOnly (kind: EnvelopeKindV1, nativeCode: string, what: string): void {
  if (GATEWAY_ONLY_KINDS.has(kind)) throw new NativeRefusal('FORBIDDEN', nativeCode, `${what} (${kind}) is issued by the gateway only; a platform may not send it`)
}
