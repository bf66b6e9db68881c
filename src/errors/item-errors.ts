import type { ItemErrorV1 } from '../../contracts/problem-v1.js'
import { GatewayError, type ErrorCode, type RefusalTally } from './gateway-error.js'

/** Most item errors one answer lists. */
export const MAX_ITEM_ERRORS = 100

/**
 * Collects what is wrong with the items of one message (up to {@link MAX_ITEM_ERRORS}) and rejects
 * the whole envelope with the first problem's code and every item error listed. Messages name the
 * check, never the value: they end up in answers and the security log.
 */
export class ItemErrors {
  readonly errors: ItemErrorV1[] = []

  add (index: number, path: string, code: ErrorCode, detail: string): void {
    if (this.errors.length < MAX_ITEM_ERRORS) this.errors.push({ index, path, code, detail })
  }

  /** Throws when anything was found; `describe` words the detail from the number of errors. */
  throwIfAny (describe: (n: number) => string, tally?: () => RefusalTally): void {
    const first = this.errors[0]
    if (first === undefined) return
    throw new GatewayError(
      first.code as ErrorCode,
      describe(this.errors.length),
      { errors: this.errors, ...(tally === undefined ? {} : { tally: tally() }) }
    )
  }
}
