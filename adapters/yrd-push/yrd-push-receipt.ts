import { TypeCompiler } from '@sinclair/typebox/compiler'
import { decodeProtectedHeader, errors as joseErrors, type JWTVerifyGetKey } from 'jose'
import {
  DELIVERY_RECEIPT_TYP, DeliveryReceiptClaimsV1, type DeliveryItemOutcomeV1
} from '../../contracts/delivery-receipt-v1.js'
import { ENVELOPE_ALGS, ENVELOPE_ALGS_TEXT, GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { verifyCompact } from '../../src/keys/jws.js'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'
import {
  AdapterError, type AdapterContext, type Delivery, type DeliveryReceipt, type ItemRefusal
} from '../types.js'

// Every failure here is permanent: the platform did answer, so sending again would only ask it
// the same question; an admin resends once the platform is fixed. No message carries a value the
// platform sent (an identity number could be among them), only what was wrong with it.
const invalid = (what: string, cause?: unknown): AdapterError =>
  new AdapterError(`invalid receipt: ${what}`, { code: 'ADAPTER_INVALID_RECEIPT', retryable: false, cause })

const claimsCheck = TypeCompiler.Compile(DeliveryReceiptClaimsV1)
const allowedAlgs: readonly string[] = ENVELOPE_ALGS

/** Reads a destination's answer to one delivered message (the single form's body, or one entry of a batch answer). */
export type ReceiptReader = (answer: unknown, d: Delivery, sentDigest: string) => Promise<DeliveryReceipt>

function verificationFailure (err: unknown): AdapterError {
  if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return invalid('kid is not in the platform\'s key set', err)
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return invalid('signature does not verify', err)
  if (err instanceof joseErrors.JOSEAlgNotAllowed || err instanceof joseErrors.JOSENotSupported) {
    return invalid('algorithm not allowed for this key', err)
  }
  // The platform's key set could not be fetched (no answer, not 200, not a key set: jose's generic
  // error is only its fetch's): the receipt may well be good. The platform drops the duplicate jti
  // of a retry and signs a receipt for it again.
  const unfetched = (err instanceof joseErrors.JOSEError && err.code === 'ERR_JOSE_GENERIC') ||
    err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || err instanceof TypeError
  if (unfetched) {
    return new AdapterError('the platform\'s key set could not be fetched to verify its receipt', { code: 'ADAPTER_UNAVAILABLE', retryable: true, cause: err })
  }
  if (err instanceof joseErrors.JOSEError) return invalid(`unverifiable JWS (${err.code})`, err)
  return new AdapterError('receipt verification failed unexpectedly', { code: 'ADAPTER_INTERNAL', retryable: true, cause: err })
}

/**
 * Verifies a signed receipt as docs/protocol.md#receipts-version-2-signed states it, cheapest checks
 * first: the header before any key is looked up, the claims only once the signature holds. The
 * key is one of the platform's published set, with the same algorithm allow-list as envelopes.
 */
async function verifySigned (
  jws: unknown, keys: JWTVerifyGetKey | undefined
): Promise<{ claims: unknown, kid: string, alg: string }> {
  if (typeof jws !== 'string' || jws.length > 1_048_576 || jws.split('.').length !== 3) throw invalid('not a compact JWS')
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(jws)
  } catch (err) {
    throw invalid('unreadable protected header', err)
  }
  const { alg, kid } = header
  if (typeof alg !== 'string' || !allowedAlgs.includes(alg)) throw invalid(`alg not allowed (${ENVELOPE_ALGS_TEXT})`)
  if (header.typ !== DELIVERY_RECEIPT_TYP) throw invalid(`typ must be ${DELIVERY_RECEIPT_TYP}`)
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) throw invalid('protected header needs a kid')
  if ('crit' in header || 'b64' in header || 'jku' in header || 'x5u' in header || 'jwk' in header) {
    throw invalid('crit, b64, jku, x5u and jwk header parameters are not accepted')
  }
  if (keys === undefined) {
    throw new AdapterError('cannot verify receipts: the adapter was given no key set for this platform', { code: 'ADAPTER_INTERNAL', retryable: false })
  }
  let payload: Uint8Array
  try {
    ({ payload } = await verifyCompact(jws, keys, allowedAlgs))
  } catch (err) {
    throw verificationFailure(err)
  }
  try {
    return { claims: JSON.parse(new TextDecoder().decode(payload)), kid, alg }
  } catch (err) {
    throw invalid('payload is not JSON', err)
  }
}

/** Checks the claims against the message sent; for a signed receipt also who signed it and for whom. */
function checkClaims (claims: unknown, d: Delivery, sentDigest: string, signedBy?: string): DeliveryReceiptClaimsV1 {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw invalid('not an object')
  if (!claimsCheck.Check(claims)) {
    const first = claimsCheck.Errors(claims).First()
    throw invalid(`claims invalid at ${first?.path ?? '/'}: ${first?.message ?? 'invalid'}`)
  }
  if (signedBy !== undefined) {
    if (claims.iss !== signedBy) throw invalid('iss is not the platform')
    if (claims.aud !== GATEWAY_ID) throw invalid(`aud must be ${GATEWAY_ID}`)
    if (claims.iat === undefined) throw invalid('a signed receipt needs iat')
  }
  if (claims.jti !== d.jti) throw invalid('jti does not match')
  if (claims.digest !== sentDigest) throw invalid('digest does not match what was sent')
  return claims
}

/**
 * Per-item outcomes, checked against the items sent (each index once, within their number), with
 * the platform's words scrubbed: the copy kept in clear as evidence, and the refusals.
 */
function itemOutcomes (
  items: DeliveryItemOutcomeV1[] | undefined, sent: number
): { kept: DeliveryItemOutcomeV1[] | undefined, refused: ItemRefusal[] } {
  if (items === undefined) return { kept: undefined, refused: [] }
  const seen = new Set<number>()
  const kept: DeliveryItemOutcomeV1[] = []
  const refused: ItemRefusal[] = []
  for (const item of items) {
    if (item.index >= sent) throw invalid(`item index ${item.index} is beyond the ${sent} items sent`)
    if (seen.has(item.index)) throw invalid(`item index ${item.index} named twice`)
    seen.add(item.index)
    const code = item.code === undefined ? undefined : scrubIdNumbers(item.code)
    const reason = item.reason === undefined ? undefined : scrubIdNumbers(item.reason)
    kept.push({
      index: item.index,
      outcome: item.outcome,
      ...(code === undefined ? {} : { code }),
      ...(reason === undefined ? {} : { reason })
    })
    if (item.outcome === 'refused') {
      if (code === undefined || code === '') throw invalid(`refused item ${item.index} has no code`)
      refused.push({ index: item.index, code, reason: reason ?? '' })
    }
  }
  return { kept, refused }
}

/**
 * The reader of this platform's receipts (docs/protocol.md#reference-push-protocol): the signed
 * form `{ receipt: <JWS> }`, verified against the platform's published keys, or, only where its
 * delivery policy says `receipts: unsigned-allowed`, the unsigned `{ jti, digest, items? }`. Either
 * way jti is the message's and digest the SHA-256 of the exact JWS sent; `items` may name
 * refused items, returned as `refused` (an item not named was applied).
 */
export function receiptReader (ctx: AdapterContext): ReceiptReader {
  const unsignedAllowed = ctx.policy.receipts === 'unsigned-allowed'
  const platformId = ctx.platform.id
  return async (answer, d, sentDigest) => {
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw invalid('not an object')
    if ('receipt' in answer) {
      // A signed receipt is verified even where unsigned ones are allowed: never a fallback.
      const { claims, kid, alg } = await verifySigned(answer.receipt, ctx.platformKeys)
      const checked = checkClaims(claims, d, sentDigest, platformId)
      const { kept, refused } = itemOutcomes(checked.items, d.items.length)
      return {
        evidence: {
          receipt: answer.receipt, signature: 'verified', kid, alg, jti: checked.jti, digest: checked.digest, ...(kept === undefined ? {} : { items: kept })
        },
        sentDigest,
        ...(refused.length === 0 ? {} : { refused })
      }
    }
    if (!unsignedAllowed) throw invalid('receipt not signed')
    const checked = checkClaims(answer, d, sentDigest)
    const { kept, refused } = itemOutcomes(checked.items, d.items.length)
    return {
      evidence: { jti: checked.jti, digest: checked.digest, ...(kept === undefined ? {} : { items: kept }), signature: 'unsigned' },
      sentDigest,
      ...(refused.length === 0 ? {} : { refused })
    }
  }
}
