import { signCompact } from '../src/keys/jws.js'
import { DELIVERY_RECEIPT_TYP, type DeliveryReceiptClaimsV1 } from '../contracts/delivery-receipt-v1.js'
import { GATEWAY_ID } from '../contracts/envelope-v1.js'
import type { PlatformSigner } from '../src/envelopes/sign-envelope.js'

/**
 * How a simulated platform answers with its receipt: `signed` (by its own current key, the
 * default), `unsigned` (the legacy `{ jti, digest, items? }`), or one way of getting it wrong —
 * `forged` (another key under the kid of its own), `unknown-kid` (a key outside its set, under its
 * own kid), `wrong-typ`, or claims naming another message, issuer or audience.
 */
export type ReceiptMode =
  | 'signed' | 'unsigned' | 'forged' | 'unknown-kid' | 'wrong-typ' | 'wrong-jti' | 'wrong-iss' | 'wrong-aud'

/** The keys a simulated platform signs receipts with: its own, and an impostor's for the forgeries. */
export interface ReceiptKeys { own: PlatformSigner, impostor: PlatformSigner }

/** What the platform says about one delivered message: the claims before any mode alters them. */
export type ReceiptFacts = Pick<DeliveryReceiptClaimsV1, 'jti' | 'digest' | 'items'>

/** The receipt body a simulated platform answers (docs/protocol.md#reference-push-protocol). */
export async function deliveryReceiptAnswer (
  mode: ReceiptMode, platformId: string, keys: ReceiptKeys, facts: ReceiptFacts, gateway: string = GATEWAY_ID
): Promise<Record<string, unknown>> {
  const withItems = facts.items === undefined ? {} : { items: facts.items }
  if (mode === 'unsigned') return { jti: facts.jti, digest: facts.digest, ...withItems }
  const claims: DeliveryReceiptClaimsV1 = {
    iss: mode === 'wrong-iss' ? (platformId === 'SH' ? 'JS' : 'SH') : platformId,
    aud: mode === 'wrong-aud' ? platformId : gateway,
    jti: mode === 'wrong-jti' ? `${facts.jti}-other` : facts.jti,
    digest: facts.digest,
    iat: Math.floor(Date.now() / 1000),
    ...withItems
  }
  const signer = mode === 'forged' || mode === 'unknown-kid' ? keys.impostor : keys.own
  const kid = mode === 'forged' ? keys.own.kid : signer.kid
  const typ = mode === 'wrong-typ' ? 'JWT' : DELIVERY_RECEIPT_TYP
  const payload = new TextEncoder().encode(JSON.stringify(claims))
  const receipt = await signCompact(signer.key, { alg: signer.alg, kid, typ }, payload)
  return { receipt }
}
