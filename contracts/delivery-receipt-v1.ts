import { Type, type Static } from '@sinclair/typebox'
import { PlatformIdV1 } from './common-v1.js'

/** The JWS `typ` of a destination platform's signed receipt (yrd-push). */
export const DELIVERY_RECEIPT_TYP = 'yrd-delivery-receipt+jwt'

/** What a destination did with one item of a delivered message. */
export const DeliveryItemOutcomeV1 = Type.Object({
  index: Type.Integer({ minimum: 0, description: 'Index of the item in the message as sent' }),
  outcome: Type.Union([Type.Literal('applied'), Type.Literal('refused')]),
  code: Type.Optional(Type.String({ maxLength: 64, description: "The platform's code for a refusal" })),
  reason: Type.Optional(Type.String({ maxLength: 1000 }))
}, { $id: 'DeliveryItemOutcomeV1' })
export type DeliveryItemOutcomeV1 = Static<typeof DeliveryItemOutcomeV1>

/**
 * A destination's acknowledgement of one delivered message (docs/protocol.md, reference push
 * protocol): `digest` is the SHA-256 (base64url) of the exact JWS it received. `items`, when
 * present, says per item what it applied and refused (none: every item applied). Signed by the
 * platform's own key as a JWS of typ {@link DELIVERY_RECEIPT_TYP}, it is non-repudiable evidence.
 */
export const DeliveryReceiptClaimsV1 = Type.Object({
  jti: Type.String({ minLength: 1, maxLength: 128 }),
  digest: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
  iss: Type.Optional(PlatformIdV1),
  aud: Type.Optional(Type.String()),
  iat: Type.Optional(Type.Integer()),
  items: Type.Optional(Type.Array(DeliveryItemOutcomeV1, { maxItems: 100_000 }))
}, { $id: 'DeliveryReceiptClaimsV1' })
export type DeliveryReceiptClaimsV1 = Static<typeof DeliveryReceiptClaimsV1>
