import { InboundRefusal } from '../../adapters/types.js'
import { toGatewayError } from '../errors/error-handler.js'
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
 * The gateway's judgement of anything a native route throws: an adapter's refusal keeps its
 * native code (or is a plain refusal when it names none), the rest as on every other route.
 */
export function toNativeError (err: unknown): GatewayError {
  if (!(err instanceof InboundRefusal)) return toGatewayError(err)
  const options = err.cause === undefined ? {} : { cause: err.cause }
  return err.nativeCode === undefined
    ? new GatewayError(err.code, err.message, options)
    : new NativeRefusal(err.code, err.nativeCode, err.message, options)
}
