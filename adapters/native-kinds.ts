import type { EnvelopeKindV1 } from '../contracts/envelope-v1.js'

/**
 * The kinds the native protocols (`sh-rest`, `js-batch`, `ah-xml`) have a message type for: every
 * contract kind. Credit repair (`repair.request`, `repair.decision`, 国办发〔2020〕49号 (十一)(十二))
 * came after their specifications; the message types the adapters use for it are our assumption
 * (see each adapter's README), like the rest of the native tables.
 */
export const NATIVE_KINDS = [
  'list.upsert', 'list.remove', 'punishment.notice', 'punishment.feedback', 'objection.open', 'objection.resolve', 'gateway.notice',
  'repair.request', 'repair.decision'
] as const satisfies readonly EnvelopeKindV1[]
export type NativeKind = (typeof NATIVE_KINDS)[number]

/** Compile-time check that no contract kind is left without a native message type. */
type Missing = Exclude<EnvelopeKindV1, NativeKind>
const everyKindIsNative: [Missing] extends [never] ? true : Missing = true
void everyKindIsNative
