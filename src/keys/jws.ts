import { KeyObject } from 'node:crypto'
import {
  CompactSign, FlattenedSign, UnsecuredJWT, compactVerify, decodeProtectedHeader, errors, flattenedVerify, jwtVerify,
  type CompactJWSHeaderParameters, type CryptoKey, type FlattenedVerifyGetKey, type JWTPayload, type JWTVerifyGetKey,
  type JWTVerifyOptions
} from 'jose'
import { isSm2PublicKey, sm2Sign, sm2Verify, SM2_USER_ID } from './sm2.js'

/**
 * Every JWS the gateway signs or checks goes through here: ES256 and EdDSA through jose, and the
 * gateway-defined `SM2-SM3` (issue 19) through node:crypto (src/keys/sm2.ts), which jose cannot do.
 * `SM2-SM3` is an SM2 signature (GB/T 32918.2) with SM3 (GB/T 32905) and the user id
 * {@link SM2_USER_ID} (GB/T 35276's default) over the JWS signing input (RFC 7515 §5.1), carried as
 * r ‖ s (64 bytes), the way RFC 7518 §3.4 carries ECDSA. Its keys are JWKs `{ kty: 'EC', crv: 'SM2' }`.
 * The allow-list stays per call and per key: an `SM2-SM3` header is checked only with an SM2 key, and
 * an SM2 key never verifies another alg (jose's key sets skip a crv they do not know); nothing falls
 * back to another algorithm.
 */
export const SM2_ALG = 'SM2-SM3'
export { SM2_USER_ID }

/** A key to sign with: jose's for ES256 and EdDSA, an SM2 KeyObject (sm2PrivateKey) for SM2-SM3. */
export type SigningKeyInput = CryptoKey | KeyObject

/** A flattened JWS with a protected header only (no unprotected header), as its three parts. */
export interface JwsParts { protected: string, payload: string, signature: string }

/** What a verification gives: the payload's bytes and the protected header. */
export interface VerifiedJws { payload: Uint8Array, protectedHeader: CompactJWSHeaderParameters }

const B64U = /^[A-Za-z0-9_-]*$/
const b64u = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url')

function strictB64u (part: string, what: string): Buffer {
  if (!B64U.test(part)) throw new errors.JWSInvalid(`${what} is not base64url`)
  return Buffer.from(part, 'base64url')
}

/** An SM2-SM3 JWS (flattened parts) checked as jose checks the others. */
async function verifySm2 (
  jws: JwsParts, getKey: JWTVerifyGetKey, algorithms: readonly string[]
): Promise<VerifiedJws> {
  if (!algorithms.includes(SM2_ALG)) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed')
  const header = decodeProtectedHeader({ protected: jws.protected }) as CompactJWSHeaderParameters
  // jose refuses an unknown crit and b64 false; SM2-SM3 takes neither.
  if ('crit' in header || 'b64' in header) throw new errors.JWSInvalid('crit and b64 are not accepted with SM2-SM3')
  const key = await getKey(header, jws)
  if (!(key instanceof KeyObject) || !isSm2PublicKey(key)) {
    throw new errors.JOSEAlgNotAllowed('SM2-SM3 needs an SM2 public key (kty EC, crv SM2)')
  }
  const signature = strictB64u(jws.signature, 'signature')
  const payload = strictB64u(jws.payload, 'payload')
  if (!sm2Verify(key, Buffer.from(`${jws.protected}.${jws.payload}`, 'latin1'), signature)) {
    throw new errors.JWSSignatureVerificationFailed()
  }
  return { payload, protectedHeader: header }
}

const partsOf = (p: string[]): JwsParts => ({ protected: p[0] ?? '', payload: p[1] ?? '', signature: p[2] ?? '' })

function algOf (protectedPart: string): unknown {
  try {
    return decodeProtectedHeader({ protected: protectedPart }).alg
  } catch {
    return undefined // jose reports it
  }
}

/** Verifies a compact JWS: jose's compactVerify, or SM2-SM3 when the header says so and `algorithms` allows it. */
export async function verifyCompact (
  jws: string, getKey: JWTVerifyGetKey, algorithms: readonly string[]
): Promise<VerifiedJws> {
  const parts = jws.split('.')
  if (parts.length === 3 && algOf(parts[0] as string) === SM2_ALG) {
    return await verifySm2(partsOf(parts), getKey, algorithms)
  }
  const r = await compactVerify(jws, getKey, { algorithms: [...algorithms] })
  return { payload: r.payload, protectedHeader: r.protectedHeader }
}

/** Verifies a flattened JWS without an unprotected header (the envelopes' JSON serialisation). */
export async function verifyFlattened (
  jws: JwsParts, getKey: JWTVerifyGetKey, algorithms: readonly string[]
): Promise<VerifiedJws> {
  const alg = algOf(jws.protected)
  if (alg === SM2_ALG) return await verifySm2(jws, getKey, algorithms)
  // (A JWT key set asks for `alg` typed as present; it is, or jose refuses the header before asking.)
  const key: FlattenedVerifyGetKey = async (h, token) => await getKey({ ...h, alg: h.alg ?? String(alg) }, token)
  const r = await flattenedVerify(jws, key, { algorithms: [...algorithms] })
  return { payload: r.payload, protectedHeader: r.protectedHeader as CompactJWSHeaderParameters }
}

/**
 * Verifies a JWT: jose's jwtVerify, or for SM2-SM3 the signature here and then the claims by jose's
 * own claim rules (UnsecuredJWT.decode runs the same check jwtVerify does, with the same options, on
 * the signed payload and typ), so both algorithms accept exactly the same claims.
 */
export async function verifyJwt (
  token: string, getKey: JWTVerifyGetKey, options: Omit<JWTVerifyOptions, 'algorithms'> & { algorithms: readonly string[] }
): Promise<{ payload: JWTPayload, protectedHeader: CompactJWSHeaderParameters }> {
  const parts = token.split('.')
  if (parts.length !== 3 || algOf(parts[0] as string) !== SM2_ALG) {
    const r = await jwtVerify(token, getKey, { ...options, algorithms: [...options.algorithms] })
    return { payload: r.payload, protectedHeader: r.protectedHeader }
  }
  const { protectedHeader } = await verifySm2(partsOf(parts), getKey, options.algorithms)
  const unsigned = `${b64u(JSON.stringify({ alg: 'none', typ: protectedHeader.typ }))}.${parts[1] as string}.`
  const { payload } = UnsecuredJWT.decode(unsigned, options)
  return { payload, protectedHeader }
}

function sm2Key (key: SigningKeyInput): KeyObject {
  if (!(key instanceof KeyObject) || key.type !== 'private') throw new TypeError('SM2-SM3 signs with an SM2 private KeyObject (sm2PrivateKey)')
  return key
}

/** Signs `payload` as a compact JWS with `header` (whose alg picks the path). */
export async function signCompact (
  key: SigningKeyInput, header: CompactJWSHeaderParameters, payload: Uint8Array
): Promise<string> {
  if (header.alg !== SM2_ALG) return await new CompactSign(payload).setProtectedHeader(header).sign(key)
  const input = `${b64u(JSON.stringify(header))}.${b64u(payload)}`
  return `${input}.${b64u(sm2Sign(sm2Key(key), Buffer.from(input, 'latin1')))}`
}

/** Signs `payload` as a flattened JWS (protected header only). */
export async function signFlattened (
  key: SigningKeyInput, header: CompactJWSHeaderParameters, payload: Uint8Array
): Promise<{ protected: string, payload: string, signature: string }> {
  if (header.alg !== SM2_ALG) {
    const r = await new FlattenedSign(payload).setProtectedHeader(header).sign(key)
    return { protected: r.protected as string, payload: r.payload, signature: r.signature }
  }
  const [p, body, signature] = (await signCompact(key, header, payload)).split('.') as [string, string, string]
  return { protected: p, payload: body, signature }
}
