import type { EnvelopeKindV1 } from '../contracts/envelope-v1.js'

/**
 * The kinds the native protocols (`sh-rest`, `js-batch`, `ah-xml`) have a message type for: every
 * contract kind (a kind added to the contract without one does not compile here). Credit repair
 * (`repair.request`, `repair.decision`, 国办发〔2020〕49号 (十一)(十二)) came after their
 * specifications; the message types the adapters use for it are our assumption (see each
 * adapter's README), like the rest of the native tables.
 */
const CARRIED: Readonly<Record<EnvelopeKindV1, true>> = {
  'list.upsert': true,
  'list.remove': true,
  'punishment.notice': true,
  'punishment.feedback': true,
  'objection.open': true,
  'objection.resolve': true,
  'gateway.notice': true,
  'repair.request': true,
  'repair.decision': true
}

export type NativeKind = EnvelopeKindV1
export const NATIVE_KINDS: readonly NativeKind[] = Object.keys(CARRIED) as NativeKind[]
