import type { KeyObject } from 'node:crypto'
import {
  createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWK, type JWTVerifyGetKey,
  type RemoteJWKSetOptions
} from 'jose'
import { SM2_ALG } from './jws.js'
import { Sm2KeyError, sm2PublicKey, type Sm2Jwk } from './sm2.js'

/**
 * Key sets that resolve SM2 keys too. jose resolves ES256 and EdDSA keys (and never picks an SM2
 * key for them: it matches crv P-256 and OKP Ed25519 only); an `SM2-SM3` header gets the set's one
 * usable SM2 key, chosen by the rules jose applies to the others (kid, alg, use, key_ops; several or
 * none is an error, a private member is refused), as an SM2 public KeyObject for src/keys/jws.ts.
 */

function usableSm2 (jwk: JWK, kid: unknown): boolean {
  const ops = jwk.key_ops
  return jwk.kty === 'EC' && jwk.crv === 'SM2' &&
    (kid === undefined || kid === jwk.kid) &&
    (jwk.alg === undefined || jwk.alg === SM2_ALG) &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (ops === undefined || (Array.isArray(ops) && ops.includes('verify')))
}

/** Imported keys by coordinates, so a set fetched again (a fresh copy) does not import them again. */
const imported = new Map<string, KeyObject>()

function sm2KeyOf (keys: readonly JWK[], kid: unknown): KeyObject {
  const candidates = keys.filter((k) => usableSm2(k, kid))
  const [jwk] = candidates
  if (jwk === undefined) throw new errors.JWKSNoMatchingKey()
  if (candidates.length > 1) throw new errors.JWKSMultipleMatchingKeys()
  if (jwk.d !== undefined) throw new errors.JWKSInvalid('JSON Web Key Set members must be public keys')
  const id = `${String(jwk.x)}.${String(jwk.y)}`
  let key = imported.get(id)
  if (key === undefined) {
    try {
      key = sm2PublicKey(jwk as Sm2Jwk)
    } catch (err) {
      if (err instanceof Sm2KeyError) throw new errors.JWKInvalid(err.message, { cause: err })
      throw err
    }
    if (imported.size >= 1024) imported.clear()
    imported.set(id, key)
  }
  return key
}

/** A key set given as a JWK Set (config, a file). */
export function localKeySet (jwks: JSONWebKeySet): JWTVerifyGetKey {
  const jose = createLocalJWKSet(jwks)
  const keys = structuredClone(jwks.keys)
  return async (header, token) => header.alg === SM2_ALG ? sm2KeyOf(keys, header.kid) : await jose(header, token)
}

/**
 * A key set fetched from a URL, with jose's cache, timeout and cool-down: a kid not in the set
 * fetches it again (rotation) unless it was fetched within the cool-down.
 */
export function remoteKeySet (url: URL, options?: RemoteJWKSetOptions): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, options)
  return async (header, token) => {
    if (header.alg !== SM2_ALG) return await remote(header, token)
    if (!remote.fresh) await remote.reload()
    try {
      return sm2KeyOf(remote.jwks()?.keys ?? [], header.kid)
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || remote.coolingDown) throw err
      await remote.reload()
      return sm2KeyOf(remote.jwks()?.keys ?? [], header.kid)
    }
  }
}
