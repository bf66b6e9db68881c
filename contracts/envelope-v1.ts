import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { PlatformIdV1 } from './common-v1.js'
import { GatewayNoticeItemV1 } from './gateway-notice-item-v1.js'
import { ListRemoveItemV1 } from './list-remove-item-v1.js'
import { ListUpsertItemV1 } from './list-upsert-item-v1.js'
import { ObjectionOpenItemV1, ObjectionResolveItemV1 } from './objection-items-v1.js'
import { PunishmentFeedbackItemV1 } from './punishment-feedback-item-v1.js'
import { PunishmentNoticeItemV1 } from './punishment-notice-item-v1.js'
import { RepairDecisionItemV1, RepairRequestItemV1 } from './repair-items-v1.js'

/** The JWS `typ` every envelope carries. */
export const ENVELOPE_TYP = 'yrd-envelope+jwt'
/** The shape of a gateway's id: `YRD`, or a peer gateway's (`CN`, `JJJ`; issue 18). */
export const GATEWAY_ID_PATTERN = '^[A-Z][A-Z0-9]{1,15}$'

/** The gateway's id from `GW_ID` (default `YRD`, CONTRACT.md); a malformed one stops the process at load. */
export function gatewayIdFrom (value: string | undefined): string {
  if (value === undefined || value === '') return 'YRD'
  if (!new RegExp(GATEWAY_ID_PATTERN).test(value)) throw new Error(`environment: GW_ID must match ${GATEWAY_ID_PATTERN} (got ${JSON.stringify(value)})`)
  return value
}

/**
 * The audience of every envelope sent to the gateway, and the gateway's own issuer id: `YRD` (the
 * contract's), unless `GW_ID` names another deployment, such as a national or another region's
 * gateway federated with this one (docs/federation.md). Fixed for the life of the process.
 */
export const GATEWAY_ID: string = gatewayIdFrom(
  // Read without Node's types: the dashboard's bundle imports the contracts too, and has no process (YRD there).
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.GW_ID
)
/**
 * Signature algorithms the gateway accepts, each only with its own kind of key (P-256, Ed25519, SM2);
 * everything else (none, HS*, RS*, ...) is refused. `SM2-SM3` is gateway-defined (docs/protocol.md#sm2-sm3):
 * SM2 with SM3 and the user id 1234567812345678, the signature r ‖ s.
 */
export const ENVELOPE_ALGS = ['ES256', 'EdDSA', 'SM2-SM3'] as const
/** The allow-list as words, for messages. */
export const ENVELOPE_ALGS_TEXT = 'ES256, EdDSA or SM2-SM3'
/** Most items one envelope may carry. */
export const MAX_ITEMS = 1000
/** Longest lifetime an envelope may claim (`exp` − `iat`), seconds. */
export const MAX_LIFETIME_SECONDS = 600

export const EnvelopeKindV1 = Type.Union([
  Type.Literal('list.upsert'),
  Type.Literal('list.remove'),
  Type.Literal('punishment.notice'),
  Type.Literal('punishment.feedback'),
  Type.Literal('objection.open'),
  Type.Literal('objection.resolve'),
  Type.Literal('gateway.notice'),
  Type.Literal('repair.request'),
  Type.Literal('repair.decision')
], { title: 'EnvelopeKindV1', description: 'gateway.notice is issued by the gateway only (iss YRD); repair.request and repair.decision go beyond the six kinds of the contract (credit repair, 国办发〔2020〕49号 (十一)(十二))' })
export type EnvelopeKindV1 = Static<typeof EnvelopeKindV1>

/** Kinds only the gateway issues: a platform's envelope of such a kind is refused. */
export const GATEWAY_ONLY_KINDS: ReadonlySet<EnvelopeKindV1> = new Set(['gateway.notice'])

/** The item schema of each kind. */
export const ITEM_SCHEMAS = {
  'list.upsert': ListUpsertItemV1,
  'list.remove': ListRemoveItemV1,
  'punishment.notice': PunishmentNoticeItemV1,
  'punishment.feedback': PunishmentFeedbackItemV1,
  'objection.open': ObjectionOpenItemV1,
  'objection.resolve': ObjectionResolveItemV1,
  'gateway.notice': GatewayNoticeItemV1,
  'repair.request': RepairRequestItemV1,
  'repair.decision': RepairDecisionItemV1
} as const satisfies Record<EnvelopeKindV1, TSchema>

export type ItemOf<K extends EnvelopeKindV1> = Static<(typeof ITEM_SCHEMAS)[K]>

/**
 * The JWS payload of every envelope. `items` is checked here only for its shape; each item is then
 * validated against the schema of `kind` (see {@link ITEM_SCHEMAS}).
 */
export const EnvelopeClaimsV1 = Type.Object({
  iss: PlatformIdV1,
  aud: Type.Union([Type.String({ maxLength: 64 }), Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 4 })], { description: 'YRD, or an array naming YRD and no one else' }),
  jti: Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$', description: 'Unique message id, printable ASCII' }),
  iat: Type.Integer({ minimum: 0, description: 'Issued at, seconds since the epoch' }),
  exp: Type.Integer({ minimum: 0, description: 'Expires, at most 10 minutes after iat' }),
  nbf: Type.Optional(Type.Integer({ minimum: 0, description: 'Not before (optional): refused until then, within the clock skew' })),
  kind: EnvelopeKindV1,
  items: Type.Array(Type.Unknown(), { minItems: 1 })
}, { $id: 'EnvelopeClaimsV1' })
export type EnvelopeClaimsV1 = Static<typeof EnvelopeClaimsV1>

/** The protected header the gateway requires. */
export const EnvelopeHeaderV1 = Type.Object({
  alg: Type.Union(ENVELOPE_ALGS.map((a) => Type.Literal(a))),
  kid: Type.String({ minLength: 1, maxLength: 256 }),
  typ: Type.Literal(ENVELOPE_TYP)
}, { $id: 'EnvelopeHeaderV1' })

/** Flattened JSON serialisation (`application/jose+json`). */
export const FlattenedJwsV1 = Type.Object({
  protected: Type.String({ minLength: 1 }),
  payload: Type.String({ minLength: 1 }),
  signature: Type.String({ minLength: 1 })
}, { $id: 'FlattenedJwsV1', additionalProperties: false, description: 'No unprotected header: alg, kid and typ must be signed' })
export type FlattenedJwsV1 = Static<typeof FlattenedJwsV1>
