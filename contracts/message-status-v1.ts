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

/** Where one message stands for one destination platform. */
export const DestinationStatusV1 = Type.Object({
  platform: Type.String(),
  status: DeliveryStatusV1,
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Nullable(Type.String()),
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
