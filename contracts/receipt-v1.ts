import { Type, type Static } from '@sinclair/typebox'
import { InstantV1, PlatformIdV1, ProofHashV1 } from './common-v1.js'

/** The JWS `typ` of the gateway's receipts. */
export const RECEIPT_TYP = 'yrd-receipt+jwt'

/**
 * The payload of a receipt: the gateway's signed statement that it received and committed an
 * envelope. `digest` is the hash (base64url) of the exact bytes received: SHA-256, or the hash
 * `digestAlg` names (SM3 where the deployment's proofHash is); `items` their count.
 */
export const ReceiptClaimsV1 = Type.Object({
  jti: Type.String({ minLength: 1, maxLength: 128 }),
  iss: PlatformIdV1,
  digest: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'Hash of the received bytes (digestAlg; absent: SHA-256), base64url' }),
  digestAlg: Type.Optional(Type.Union(ProofHashV1.anyOf, {
    title: 'ProofHashV1', description: 'The hash of `digest`; present (SM3) only where the deployment\'s proofHash is SM3, absent: SHA-256'
  })),
  receivedAt: InstantV1,
  items: Type.Integer({ minimum: 1, description: 'Number of items committed' }),
  relay: Type.Optional(Type.Object({
    iss: Type.String({ description: 'The peer gateway that relayed the envelope' }),
    jti: Type.String({ description: 'The relay\'s own id' }),
    via: Type.Array(Type.String(), { description: 'The gateways the envelope passed before this one' })
  }, { description: 'Present when a peer gateway relayed the envelope (issue 18): the receipt names the publisher\'s envelope (jti, iss, digest) and the relay that brought it' }))
}, { $id: 'ReceiptClaimsV1' })
export type ReceiptClaimsV1 = Static<typeof ReceiptClaimsV1>

/** Answer to `POST /v1/envelopes`. */
export const AcceptedV1 = Type.Object({
  jti: Type.String(),
  receipt: Type.String({ description: 'Compact JWS signed by the gateway over ReceiptClaimsV1; verify with /.well-known/jwks.json' })
}, { $id: 'AcceptedV1' })
export type AcceptedV1 = Static<typeof AcceptedV1>
