import {
  createHash, createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync, type KeyObject
} from 'node:crypto'

/**
 * SM2 signatures with SM3 (GB/T 32918.2, GB/T 35276) on Node's own OpenSSL, for issue 19. jose has
 * no SM2, and Node's one-shot `crypto.sign` computes the SM2 digest with an empty user id, which
 * no other implementation uses; so the digest input Z_A ‖ M is built here (Z_A from the user id
 * and the public key, GB/T 32918.2 5.5) and signed through `createSign('SM3')`, which hashes it
 * and signs the digest. docs/research/sm2/FINDINGS.md has the evidence for every choice below.
 *
 * Keys travel as JWKs `{ kty: 'EC', crv: 'SM2', x, y[, d] }` (32-byte coordinates, base64url)
 * and become KeyObjects through DER (SPKI, PKCS#8): only that path yields OpenSSL's SM2 key type
 * (a key made by `generateKeyPairSync` is an EC-type key, which signs plain ECDSA).
 * Signatures are r ‖ s, 64 bytes, as JWS carries ECDSA ones (RFC 7518 3.4).
 */

/** The user id of every SM2 signature the gateway makes or checks: GB/T 35276-2017's default. */
export const SM2_USER_ID = '1234567812345678'

// The recommended curve's parameters (GB/T 32918.5), as Z_A takes them.
const CURVE = Buffer.from(
  'FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC' + // a
  '28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93' + // b
  '32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7' + // xG
  'BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0', // yG
  'hex')
const ORDER = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123')

// AlgorithmIdentifier: id-ecPublicKey with the named curve sm2p256v1 (1.2.156.10197.1.301).
const ALG_ID = Buffer.from('301306072a8648ce3d020106082a811ccf5501822d', 'hex')
const SPKI_PREFIX = Buffer.concat([Buffer.from('3059', 'hex'), ALG_ID, Buffer.from('03420004', 'hex')])
// PKCS#8 holding d alone: OpenSSL derives the public point from it.
const PKCS8_PREFIX = Buffer.concat([Buffer.from('3041020100', 'hex'), ALG_ID, Buffer.from('042730250201010420', 'hex')])

export interface Sm2Jwk { kty: 'EC', crv: 'SM2', x: string, y: string, d?: string, kid?: string, alg?: string, use?: string }

export class Sm2KeyError extends Error {
  override name = 'Sm2KeyError'
}

function coordinate (value: unknown, name: string): Buffer {
  const b = typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? Buffer.from(value, 'base64url') : undefined
  if (b?.length !== 32) throw new Sm2KeyError(`SM2 JWK ${name} is not 32 bytes of base64url`)
  return b
}

/** The raw public point (x ‖ y, 64 bytes) of an SM2 key. */
function pointOf (key: KeyObject): Buffer {
  const spki = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' })
  if (spki.length !== 91 || !spki.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)) throw new Sm2KeyError('not an SM2 public key')
  return spki.subarray(SPKI_PREFIX.length)
}

/** The SM2 public key of a JWK; a point off the curve is refused (by OpenSSL). */
export function sm2PublicKey (jwk: Sm2Jwk): KeyObject {
  if (jwk.kty !== 'EC' || jwk.crv !== 'SM2') throw new Sm2KeyError('not an SM2 JWK (kty EC, crv SM2)')
  const point = Buffer.concat([coordinate(jwk.x, 'x'), coordinate(jwk.y, 'y')])
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, point]), format: 'der', type: 'spki' })
  } catch (err) {
    throw new Sm2KeyError('SM2 JWK x, y is not a point of the curve', { cause: err })
  }
}

/** The SM2 private key of a JWK; its x, y must be d·G (OpenSSL would take a mismatched pair). */
export function sm2PrivateKey (jwk: Sm2Jwk): KeyObject {
  const pub = sm2PublicKey(jwk)
  const d = coordinate(jwk.d, 'd')
  const n = BigInt(`0x${d.toString('hex')}`)
  if (n === 0n || n >= ORDER - 1n) throw new Sm2KeyError('SM2 JWK d is out of range')
  let key: KeyObject
  try {
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, d]), format: 'der', type: 'pkcs8' })
  } catch (err) {
    throw new Sm2KeyError('SM2 JWK d is not a private key', { cause: err })
  }
  if (!pointOf(key).equals(pointOf(pub))) throw new Sm2KeyError('SM2 JWK x, y is not the public key of d')
  return key
}

/** A new SM2 key pair as a private JWK. */
export function generateSm2Jwk (kid: string): Sm2Jwk {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' })
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' })
  // The EC-type export: SEQ, INT 0, AlgId, OCTET STRING { SEQ, INT 1, OCTET STRING d, [1] point }.
  const at = pkcs8.indexOf(Buffer.from('020101' + '0420', 'hex'))
  if (at < 0) throw new Sm2KeyError('unexpected PKCS#8 layout of a generated SM2 key')
  const d = pkcs8.subarray(at + 5, at + 37)
  const point = pointOf(privateKey)
  const jwk: Sm2Jwk = { kty: 'EC', crv: 'SM2', x: point.subarray(0, 32).toString('base64url'), y: point.subarray(32).toString('base64url'), d: d.toString('base64url'), kid }
  sm2PrivateKey(jwk) // the pair checks out as the gateway will read it
  return jwk
}

/** Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2 5.5). */
export function sm2Za (publicKey: KeyObject, userId = SM2_USER_ID): Buffer {
  const id = Buffer.from(userId, 'utf8')
  const entl = Buffer.alloc(2)
  entl.writeUInt16BE(id.length * 8)
  return createHash('sm3').update(entl).update(id).update(CURVE).update(pointOf(publicKey)).digest()
}

/** r ‖ s (64 bytes) from the DER SEQUENCE { r INTEGER, s INTEGER } OpenSSL writes. */
function rawFromDer (der: Buffer): Buffer {
  const out = Buffer.alloc(64)
  let at = der[1] === 0x81 ? 3 : 2
  for (const half of [0, 32]) {
    if (der[at] !== 0x02) throw new Sm2KeyError('not a DER signature')
    const len = der[at + 1] ?? 0
    const int = der.subarray(at + 2, at + 2 + len)
    const trimmed = int[0] === 0 ? int.subarray(1) : int
    if (trimmed.length > 32) throw new Sm2KeyError('not a DER signature')
    trimmed.copy(out, half + 32 - trimmed.length)
    at += 2 + len
  }
  return out
}

/** The DER form of r ‖ s, for OpenSSL. */
function derFromRaw (raw: Uint8Array): Buffer {
  const int = (b: Buffer): Buffer => {
    let i = 0
    while (i < b.length - 1 && b[i] === 0) i++
    const v = b.subarray(i)
    const body = (v[0] ?? 0) >= 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v
    return Buffer.concat([Buffer.from([0x02, body.length]), body])
  }
  const body = Buffer.concat([int(Buffer.from(raw.subarray(0, 32))), int(Buffer.from(raw.subarray(32, 64)))])
  return Buffer.concat([Buffer.from([0x30, body.length]), body])
}

/** Whether `key` is an SM2-type public key (as sm2PublicKey makes), never an EC-type one that would do ECDSA. */
export function isSm2PublicKey (key: KeyObject): boolean {
  // OpenSSL's SM2 type shows as undefined on Node 20 and 22; an EC-type key (same SPKI) as 'ec'.
  if (key.type !== 'public' || key.asymmetricKeyType === 'ec') return false
  try {
    pointOf(key)
    return true
  } catch {
    return false
  }
}

/** SM2 signature of `data` with SM3 and user id `userId`: r ‖ s, 64 bytes. */
export function sm2Sign (privateKey: KeyObject, data: Uint8Array, userId = SM2_USER_ID): Buffer {
  const der = createSign('SM3').update(sm2Za(privateKey, userId)).update(data).sign(privateKey)
  return rawFromDer(der)
}

/** Whether `signature` (r ‖ s) is an SM2 signature of `data` under `publicKey` and `userId`. */
export function sm2Verify (
  publicKey: KeyObject, data: Uint8Array, signature: Uint8Array, userId = SM2_USER_ID
): boolean {
  if (signature.length !== 64) return false
  const r = BigInt(`0x${Buffer.from(signature.subarray(0, 32)).toString('hex')}`)
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`)
  if (r === 0n || s === 0n || r >= ORDER || s >= ORDER) return false
  try {
    return createVerify('SM3').update(sm2Za(publicKey, userId)).update(data).verify(publicKey, derFromRaw(signature))
  } catch {
    return false
  }
}
