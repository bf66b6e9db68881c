import type { EnvelopeKindV1 } from '../contracts/envelope-v1.js'
import { AdapterError } from './types.js'

/**
 * The kinds the native protocols (`sh-rest`, `js-batch`, `ah-xml`) have a message type for. Credit
 * repair (`repair.request`, `repair.decision`) came after their specifications and has none yet:
 * such a delivery fails permanently before anything is sent, like any record a platform cannot
 * represent (the delivery goes dead with the reason, visible and resendable by an operator once the
 * adapter learns the kind). `yrd-push` and `zj-pull` carry every kind.
 */
export const NATIVE_KINDS = [
  'list.upsert', 'list.remove', 'punishment.notice', 'punishment.feedback', 'objection.open', 'objection.resolve', 'gateway.notice'
] as const satisfies readonly EnvelopeKindV1[]
export type NativeKind = (typeof NATIVE_KINDS)[number]

const NATIVE: ReadonlySet<string> = new Set(NATIVE_KINDS)

/** Whether the native protocols have a message type for `kind`. */
export function isNativeKind (kind: EnvelopeKindV1): kind is NativeKind {
  return NATIVE.has(kind)
}

/** `kind` narrowed to a native one, or the permanent failure of a delivery the protocol cannot carry. */
export function nativeKindOf (adapter: string, kind: EnvelopeKindV1): NativeKind {
  if (isNativeKind(kind)) return kind
  throw new AdapterError(`${adapter} has no message type for ${kind}: not carried by this protocol`, { retryable: false })
}
