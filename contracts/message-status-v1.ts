import { Type, type Static } from '@sinclair/typebox'
import { EnvelopeKindV1 } from './envelope-v1.js'

export const DeliveryStatusV1 = Type.Union([
  Type.Literal('queued'),
  Type.Literal('delivering'),
  Type.Literal('delivered'),
  Type.Literal('retrying'),
  Type.Literal('dead'),
  Type.Literal('partial')
], {
  title: 'DeliveryStatusV1',
  description: 'partial: the destination applied some items and refused others (see refusedItems); the applied ones ' +
    'are delivered, the refused ones dead with their reason until a resend has them applied'
})
export type DeliveryStatusV1 = Static<typeof DeliveryStatusV1>

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])

/** Why the last attempt failed, as a code (not the platform's wording): what dead deliveries are grouped by. */
const LastErrorCode = Nullable(Type.String({
  pattern: '^ADAPTER_[A-Z_]{1,40}$',
  description: 'Cause of lastError, one of the adapters\' closed list (ADAPTER_TIMEOUT, ADAPTER_UNREACHABLE, ' +
    'ADAPTER_UNAVAILABLE, ADAPTER_AUTH, ADAPTER_REFUSED, ADAPTER_PARTIAL, ADAPTER_INVALID_RECEIPT, ADAPTER_UNMAPPABLE, ' +
    'ADAPTER_PENDING, ADAPTER_UNSUPPORTED, ADAPTER_INTERNAL, …); null without an error or from before codes were kept'
}))

/** One item of a message a destination refused while applying the others (partial acceptance). */
export const RefusedItemV1 = Type.Object({
  index: Type.Integer({ minimum: 0, description: 'Index of the item in the message as its issuer sent it' }),
  owner: Nullable(Type.String({ description: 'Owner of the entry the item is about, where it names one' })),
  entryId: Nullable(Type.String({ description: 'The entry the item is about, where it names one' })),
  code: Type.String({ description: "The destination's own code for the refusal" }),
  reason: Type.String({ description: "Why, in the destination's words (identity numbers masked)" }),
  refusedAt: Type.String()
}, { title: 'RefusedItemV1' })
export type RefusedItemV1 = Static<typeof RefusedItemV1>

/** Where one message stands for one destination platform. */
export const DestinationStatusV1 = Type.Object({
  deliveryId: Type.String({ description: 'Id for GET /v1/deliveries and POST /v1/deliveries/{id}/resend' }),
  platform: Type.String(),
  status: DeliveryStatusV1,
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Nullable(Type.String()),
  lastErrorCode: LastErrorCode,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  deliveredAt: Nullable(Type.String()),
  receipt: Type.Union([Type.Unknown(), Type.Null()], { description: "The destination's receipt, once delivered" }),
  refusedItems: Type.Array(RefusedItemV1, {
    description: 'Items the destination refused and no resend has had applied yet (a partial delivery, or one being resent)'
  })
}, { title: 'DestinationStatusV1' })

/** Answer to `GET /v1/messages/{jti}`. */
export const MessageStatusV1 = Type.Object({
  jti: Type.String(),
  iss: Type.String(),
  kind: EnvelopeKindV1,
  digest: Type.String(),
  receivedAt: Type.String(),
  items: Type.Integer(),
  destinations: Type.Array(DestinationStatusV1)
}, { $id: 'MessageStatusV1' })
export type MessageStatusV1 = Static<typeof MessageStatusV1>

/** One row of `GET /v1/deliveries`. */
export const DeliveryRowV1 = Type.Object({
  deliveryId: Type.String(),
  jti: Type.String(),
  origin: Type.String(),
  kind: Type.String(),
  platform: Type.String(),
  status: DeliveryStatusV1,
  attempts: Type.Integer(),
  resends: Type.Integer(),
  lastError: Nullable(Type.String()),
  lastErrorCode: LastErrorCode,
  createdAt: Type.String(),
  updatedAt: Type.String()
}, { title: 'DeliveryRowV1' })

/** Answer to `GET /v1/deliveries`. */
export const DeliveryListV1 = Type.Object({
  deliveries: Type.Array(DeliveryRowV1),
  nextBefore: Nullable(Type.String({ description: 'Pass as `before` for the next page' }))
}, { $id: 'DeliveryListV1' })
export type DeliveryListV1 = Static<typeof DeliveryListV1>

/** One recorded attempt (the evidence trail). */
export const DeliveryAttemptV1 = Type.Object({
  attempt: Type.Integer(),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  outcome: Nullable(Type.String()),
  error: Nullable(Type.String()),
  sentDigest: Nullable(Type.String())
}, { title: 'DeliveryAttemptV1' })
