import { errors as joseErrors } from 'jose'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import {
  ENVELOPE_ALGS, ENVELOPE_ALGS_TEXT, ENVELOPE_TYP, EnvelopeClaimsV1, GATEWAY_ID, MAX_ITEMS, MAX_LIFETIME_SECONDS
} from '../../contracts/envelope-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { verifyFlattened } from '../keys/jws.js'
import type { KeyDirectory } from '../keys/platform-keys.js'
import { decodeJsonPart, decodePayloadPart, parseJws, type JwsSerialisation } from './parse-jws.js'

/** An envelope whose signature, header and claims all hold. Items are not validated yet. */
export interface VerifiedEnvelope {
  raw: string
  /** The payload's JSON text as signed (handed to the ledger as is). */
  payloadText: string
  digest: string
  kid: string
  alg: string
  claims: EnvelopeClaimsV1
}

/** What is known of an envelope before it is verified, for the security log only. */
export interface Claimed {
  iss?: string
  jti?: string
  digest: string
  /** Set once the signature holds: from then on a refusal is the issuer's own doing. */
  authenticated?: boolean
}

const claimsCheck = TypeCompiler.Compile(EnvelopeClaimsV1)
const allowedAlgs: readonly string[] = ENVELOPE_ALGS

/** A jose (or src/keys/jws.ts) failure as the gateway's problem code. */
export function joseToGateway (err: unknown): GatewayError {
  if (err instanceof GatewayError) return err
  if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return new GatewayError('KEY_UNKNOWN', 'kid is not in the issuer\'s key set', { cause: err })
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new GatewayError('SIGNATURE_INVALID', 'signature does not verify', { cause: err })
  if (err instanceof joseErrors.JOSEAlgNotAllowed || err instanceof joseErrors.JOSENotSupported) {
    return new GatewayError('ALG_NOT_ALLOWED', 'algorithm not allowed for this key', { cause: err })
  }
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || err instanceof TypeError) {
    return new GatewayError('UNAVAILABLE', 'the issuer\'s key set could not be fetched; try again later', { cause: err, retryable: true })
  }
  if (err instanceof joseErrors.JOSEError) return new GatewayError('ENVELOPE_MALFORMED', `invalid JWS (${err.code})`, { cause: err })
  return new GatewayError('INTERNAL', 'verification failed unexpectedly', { cause: err })
}

/**
 * The protected header of a signed message the gateway takes (an envelope, a relay), checked before
 * any key is looked up: an allowed `alg`, the `typ` expected, a `kid`, and none of the parameters
 * that would let the message choose its own key or processing.
 */
export function checkedHeader (protectedPart: string, typ: string): { alg: string, kid: string } {
  const header = decodeJsonPart(protectedPart, 'protected header')
  const alg = header.alg
  if (typeof alg !== 'string') throw new GatewayError('ENVELOPE_MALFORMED', 'protected header has no alg')
  if (!allowedAlgs.includes(alg)) throw new GatewayError('ALG_NOT_ALLOWED', `alg ${alg.slice(0, 20)} is not allowed (${ENVELOPE_ALGS_TEXT})`)
  if (header.typ !== typ) throw new GatewayError('ENVELOPE_MALFORMED', `typ must be ${typ}`)
  const kid = header.kid
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) throw new GatewayError('ENVELOPE_MALFORMED', 'protected header needs a kid')
  if ('crit' in header || 'b64' in header || 'jku' in header || 'x5u' in header || 'jwk' in header) {
    throw new GatewayError('ENVELOPE_MALFORMED', 'crit, b64, jku, x5u and jwk header parameters are not accepted')
  }
  return { alg, kid }
}

/**
 * The lifetime rules of a signed message the gateway takes (an envelope, a relay): `exp` after `iat`
 * and at most {@link MAX_LIFETIME_SECONDS} later, and now within [iat, exp] (and past `nbf`), give or
 * take `skewSeconds`.
 */
export function checkLifetime (
  claims: { iat: number, exp: number, nbf?: number | undefined }, nowMs: number, skewSeconds: number, what: string
): void {
  const now = Math.floor(nowMs / 1000)
  if (claims.exp <= claims.iat) throw new GatewayError('ENVELOPE_MALFORMED', 'exp must be after iat')
  if (claims.exp - claims.iat > MAX_LIFETIME_SECONDS) throw new GatewayError('ENVELOPE_MALFORMED', `exp may be at most ${MAX_LIFETIME_SECONDS} s after iat`)
  if (now > claims.exp + skewSeconds) throw new GatewayError('ENVELOPE_EXPIRED', `${what} expired`)
  if (claims.iat > now + skewSeconds) throw new GatewayError('ENVELOPE_EXPIRED', `${what} issued in the future (check the clock)`)
  if (claims.nbf !== undefined && claims.nbf > now + skewSeconds) throw new GatewayError('ENVELOPE_EXPIRED', `${what} not valid yet (nbf; check the clock)`)
}

/**
 * Verifies an envelope as docs/protocol.md#envelopes states it, cheapest and least trusting checks
 * first: the alg allow-list and `typ` before any key is looked up, the issuer before the
 * signature, the claims only once the signature holds.
 */
export class EnvelopeVerifier {
  private readonly audience: string
  private readonly checkTimes: boolean

  /**
   * `options` for an envelope relayed by a peer gateway (src/federation/verify-relay.ts): addressed
   * to the gateway it was published to (`audience`), and checked for its signature and claims but not
   * for its lifetime (`checkTimes: false`), which the relay's own covers on each hop.
   */
  constructor (
    private readonly keys: KeyDirectory,
    private readonly clockSkewSeconds: number,
    options: { audience?: string, checkTimes?: boolean } = {}
  ) {
    this.audience = options.audience ?? GATEWAY_ID
    this.checkTimes = options.checkTimes ?? true
  }

  /** Fills `claimed` as facts become known, so a rejection can be logged with what was claimed. */
  async verify (
    body: Buffer, serialisation: JwsSerialisation, claimed: Claimed, nowMs: number = Date.now()
  ): Promise<VerifiedEnvelope> {
    const parts = parseJws(body, serialisation)
    const { alg, kid } = checkedHeader(parts.protected, ENVELOPE_TYP)

    const { text: payloadText, value: unverified } = decodePayloadPart(parts.payload)
    const iss = unverified.iss
    if (typeof iss !== 'string') throw new GatewayError('ENVELOPE_MALFORMED', 'payload has no iss')
    claimed.iss = iss.slice(0, 32)
    if (typeof unverified.jti === 'string') claimed.jti = unverified.jti.slice(0, 128)
    const getKey = this.keys.platform(iss)
    if (getKey === undefined) throw new GatewayError('ISSUER_UNKNOWN', 'iss is not a configured platform')

    try {
      // Without an unprotected header (refused by parseJws) both serialisations verify alike, as
      // the parts parseJws found: no compact text built again for jose to split (a bulk envelope's
      // 1.6 MB, copied and scanned once more).
      const jws = { protected: parts.protected, payload: parts.payload, signature: parts.signature }
      await verifyFlattened(jws, getKey, ENVELOPE_ALGS)
    } catch (err) {
      throw joseToGateway(err)
    }
    claimed.authenticated = true

    if (!claimsCheck.Check(unverified)) {
      const first = claimsCheck.Errors(unverified).First()
      throw new GatewayError('ENVELOPE_MALFORMED', `claims invalid at ${first?.path ?? '/'}: ${first?.message ?? 'invalid'}`)
    }
    const claims = unverified
    const aud = claims.aud
    // An envelope addressed to the gateway and someone else could be replayed to that someone (or
    // by them to us): the gateway accepts only what is addressed to it alone.
    if (!(aud === this.audience || (Array.isArray(aud) && aud.every((a) => a === this.audience)))) {
      throw new GatewayError('AUDIENCE_INVALID', `aud must be ${this.audience} (an array may name no one else)`)
    }
    if (this.checkTimes) checkLifetime(claims, nowMs, this.clockSkewSeconds, 'envelope')
    if (claims.items.length > MAX_ITEMS) throw new GatewayError('PAYLOAD_TOO_LARGE', `at most ${MAX_ITEMS} items per envelope`)

    return { raw: parts.text, payloadText, digest: claimed.digest, kid, alg, claims }
  }
}
