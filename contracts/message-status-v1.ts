import { Type, type Static } from '@sinclair/typebox'
import { EnvelopeKindV1 } from './envelope-v1.js'

export const DeliveryStatusV1 = Type.Union([
  Type.Literal('queued'),
  Type.Literal('delivering'),
  Type.Literal('delivered'),
  Type.Literal('retrying'),
  Type.Literal('dead')
], { title: 'DeliveryStatusV1' })
export type DeliveryStatusV1 = Static<typeof DeliveryStatusV1>

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])

/** Why the last attempt failed, as a code (not the platform's wording): what dead deliveries are grouped by. */
const LastErrorCode = Nullable(Type.String({
  pattern: '^ADAPTER_[A-Z_]{1,40}$',
  description: 'Cause of lastError, one of the adapters\' closed list (ADAPTER_TIMEOUT, ADAPTER_UNREACHABLE, ' +
    'ADAPTER_UNAVAILABLE, ADAPTER_AUTH, ADAPTER_REFUSED, ADAPTER_PARTIAL, ADAPTER_INVALID_RECEIPT, ADAPTER_UNMAPPABLE, ' +
    'ADAPTER_PENDING, ADAPTER_UNSUPPORTED, ADAPTER_INTERNAL, …); null without an error or from before codes were kept'
}))

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
  receipt: Type.Union([Type.Unknown(), Type.Null()], { description: "The destination's receipt, once delivered" })
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
