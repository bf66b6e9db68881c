import { sign as cryptoSign, type KeyObject } from 'node:crypto'
import type { SigningAlg } from './signing-keys.js'
import { SM2_ALG } from './jws.js'
import { sm2Sign } from './sm2.js'

const DOT = Buffer.from('.', 'latin1')

/** The node:crypto digest of each algorithm (RFC 7518 §3.4, RFC 8037 §3.1: Ed25519 hashes itself). */
const DIGEST: Readonly<Record<Exclude<SigningAlg, typeof SM2_ALG>, string | null>> = { ES256: 'sha256', EdDSA: null }

/**
 * A compact JWS (RFC 7515 §7.1) of `payload`'s exact bytes, as bytes. For what the gateway signs in
 * bulk (a delivery of 1,000 items is 1.6 MB): the JWS is never a JavaScript string, so it is not
 * encoded again to be hashed, signed or sent, and the signature (with its hash of the whole input)
 * is computed off the main thread. ES256 signatures are r‖s (RFC 7518 §3.4), as jose writes them;
 * jose verifies what this signs (test/unit/compact-jws.test.ts). SM2-SM3 (src/keys/jws.ts) is signed
 * on the main thread: node:crypto has no one-shot SM2 signature with the standard's user id.
 */
export async function signCompactBytes (
  key: KeyObject, alg: SigningAlg, header: Readonly<Record<string, string>>, payload: Uint8Array
): Promise<Buffer> {
  const encodedHeader = Buffer.from(Buffer.from(JSON.stringify(header), 'utf8').toString('base64url'), 'latin1')
  const encodedPayload = Buffer.from(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64url'), 'latin1')
  const input = Buffer.concat([encodedHeader, DOT, encodedPayload])
  if (alg === SM2_ALG) return Buffer.concat([input, DOT, Buffer.from(sm2Sign(key, input).toString('base64url'), 'latin1')])
  const signature = await new Promise<Buffer>((resolve, reject) => {
    cryptoSign(DIGEST[alg], input, { key, dsaEncoding: 'ieee-p1363' }, (err, sig) => {
      if (err !== null) reject(err)
      else resolve(sig)
    })
  })
  return Buffer.concat([input, DOT, Buffer.from(signature.toString('base64url'), 'latin1')])
}
