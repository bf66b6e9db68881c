import type { ItemErrorV1 } from '../../contracts/problem-v1.js'
import { GatewayError, type ErrorCode } from '../errors/gateway-error.js'

/**
 * Collects what is wrong with the items of one message and rejects the whole envelope with the
 * first problem's code and every item error (the transaction it runs in rolls back).
 */
export class ItemErrors {
  private readonly errors: ItemErrorV1[] = []
  add (index: number, path: string, code: ErrorCode, detail: string): void {
    if (this.errors.length < 100) this.errors.push({ index, path, code, detail })
  }

  throwIfAny (what: string): void {
    const first = this.errors[0]
    if (first === undefined) return
    throw new GatewayError(first.code as ErrorCode, `${this.errors.length} item(s) ${what}; the envelope was not accepted`, { errors: this.errors })
  }
}
