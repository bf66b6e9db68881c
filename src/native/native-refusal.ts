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
