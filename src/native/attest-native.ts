import { createHash } from 'node:crypto'
import { GATEWAY_ID, MAX_LIFETIME_SECONDS, type EnvelopeClaimsV1, type EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import type { GatewaySign, NativeAuth } from '../../adapters/types.js'
import type { TrustedEnvelope } from '../envelopes/ingest-service.js'

/** The `typ` of the JWS the gateway signs over what it received natively. */
export const ATTESTED_TYP = 'yrd-attested+jwt'

/** A native message, authenticated and mapped to contract items, not yet validated. */
export interface NativeMessage {
  platform: string
  adapter: string
  auth: NativeAuth
  /** The platform's own message id: becomes the envelope's jti. */
  msgId: string
  kind: EnvelopeKindV1
  items: unknown[]
  /** The exact bytes received. */
  body: Buffer
}

/** The `native` claim: where the envelope came from and how it was authenticated. */
export interface NativeClaim {
  adapter: string
  /** SHA-256 (base64url) of the native body. */
  digest: string
  auth: NativeAuth
}

/** SHA-256 (base64url) of a native body: the envelope's digest, so identical bytes replay idempotently. */
export const nativeDigest = (body: Uint8Array): string => createHash('sha256').update(body).digest('base64url')

/**
 * Turns a natively authenticated message into an attested envelope: the contract claims a platform
 * would have signed, plus `native`, signed by the gateway itself. A platform without a JOSE stack
 * has no signature of its own to keep, so the ledger keeps the gateway's statement of what it
 * received and how it checked it; the digest is that of the native bytes.
 */
export async function attestNative (
  sign: GatewaySign, m: NativeMessage, nowMs: number = Date.now()
): Promise<TrustedEnvelope> {
  const iat = Math.floor(nowMs / 1000)
  const digest = nativeDigest(m.body)
  const native: NativeClaim = { adapter: m.adapter, digest, auth: m.auth }
  const claims: EnvelopeClaimsV1 & { native: NativeClaim } = {
    iss: m.platform,
    aud: GATEWAY_ID,
    jti: m.msgId,
    iat,
    exp: iat + MAX_LIFETIME_SECONDS,
    kind: m.kind,
    items: m.items,
    native
  }
  const raw = await sign(claims, ATTESTED_TYP)
  // The signer serialises with JSON.stringify: the same text is what the payload segment holds.
  const payloadText = Buffer.from(raw.split('.')[1] ?? '', 'base64url').toString('utf8')
  return { raw, payloadText, digest, received: m.body, claims }
}
