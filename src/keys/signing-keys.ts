import { readFileSync } from 'node:fs'
import { createPrivateKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto'
import { signCompactBytes } from './compact-jws.js'
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose'
import { SM2_ALG, signCompact, type SigningKeyInput } from './jws.js'
import { generateSm2Jwk, sm2PrivateKey, type Sm2Jwk } from './sm2.js'

/** The algorithms of every key the gateway signs or verifies with: ENVELOPE_ALGS (contracts/envelope-v1.ts). */
export type SigningAlg = 'ES256' | 'EdDSA' | typeof SM2_ALG

/** The gateway's signing keys: the active one signs, every one is published for verification. */
export interface GatewayKeys {
  kid: string
  alg: SigningAlg
  /** Public keys of every configured key (rotation: old keys stay published). */
  jwks: { keys: PublicJwk[] }
  sign: (payload: object, typ: string) => Promise<string>
  /** Signs a payload already serialised (its exact bytes), giving the compact JWS as bytes (compact-jws.ts). */
  signBytes: (payload: Uint8Array, typ: string) => Promise<Buffer>
}

export function algOfJwk (jwk: JWK): SigningAlg {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256'
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  if (jwk.kty === 'EC' && jwk.crv === 'SM2') return SM2_ALG
  throw new Error(`unsupported key (kty ${String(jwk.kty)}, crv ${String(jwk.crv)}): use EC P-256, Ed25519 or EC SM2`)
}

/**
 * A private JWK as a key to sign with (src/keys/jws.ts), with its alg: jose's key for ES256 and
 * EdDSA, an SM2 KeyObject (x, y checked against d) for SM2-SM3.
 */
export async function signingKeyOf (jwk: JWK): Promise<{ alg: SigningAlg, key: SigningKeyInput }> {
  const alg = algOfJwk(jwk)
  if (alg === SM2_ALG) return { alg, key: sm2PrivateKey(jwk as Sm2Jwk) }
  return { alg, key: await importJWK(jwk, alg) as CryptoKey }
}

/** A public JWK as published: kty and kid always present. */
export type PublicJwk = JWK & { kty: string, kid: string }

export function publicPart (jwk: JWK): PublicJwk {
  const { kty, crv, x, y, kid } = jwk
  if (typeof kty !== 'string' || typeof kid !== 'string') throw new Error('a published key needs kty and kid')
  const pub: PublicJwk = { kty, crv, x, kid, alg: algOfJwk(jwk), use: 'sig' }
  if (y !== undefined) pub.y = y
  return pub
}

/** Makes a new private JWK with a kid (used by `credit-gw keygen`, the demo and the tests). */
export async function generatePrivateJwk (alg: SigningAlg = 'ES256', kid: string = randomUUID()): Promise<JWK> {
  if (alg === SM2_ALG) return { ...generateSm2Jwk(kid), alg, use: 'sig' }
  const { privateKey } = await generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined })
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' }
}

/** Builds GatewayKeys from private JWKs; the first is the active signer. */
export async function gatewayKeysFrom (privateJwks: JWK[]): Promise<GatewayKeys> {
  const active = privateJwks[0]
  if (active === undefined) throw new Error('no signing key')
  if (typeof active.d !== 'string') throw new Error('the first key of the signing key set must be private')
  if (typeof active.kid !== 'string' || active.kid === '') throw new Error('every signing key needs a kid')
  const { alg, key } = await signingKeyOf(active)
  const kid = active.kid
  // The node:crypto key signCompactBytes signs with: an SM2 key already is one (its d·G check done once).
  const nodeKey = alg === SM2_ALG ? key as KeyObject : createPrivateKey({ key: active as JsonWebKey & { kty: string }, format: 'jwk' })
  return {
    kid,
    alg,
    jwks: { keys: privateJwks.map(publicPart) },
    sign: async (payload, typ) =>
      await signCompact(key, { alg, kid, typ }, new TextEncoder().encode(JSON.stringify(payload))),
    signBytes: async (payload, typ) => await signCompactBytes(nodeKey, alg, { alg, kid, typ }, payload)
  }
}

export interface SigningKeyOptions {
  /** Where the key was read from, for messages (`GW_SIGNING_KEY_FILE`). */
  file?: string | undefined
  /** The private JWK or JWK Set itself (`GW_SIGNING_KEY`, or the file's content); read from `file` when absent. */
  key?: string | undefined
  production: boolean
  warn: (msg: string) => void
}

/**
 * Loads the gateway's private key(s) from `GW_SIGNING_KEY` or the file `GW_SIGNING_KEY_FILE` names
 * (a JWK or a JWK Set). Without either, outside production, makes an ephemeral key and warns:
 * receipts it signs cannot be checked after a restart.
 */
export async function loadGatewayKeys (opts: SigningKeyOptions): Promise<GatewayKeys> {
  const file = opts.file === '' ? undefined : opts.file
  if (opts.key === undefined && file === undefined) {
    if (opts.production) throw new Error('GW_SIGNING_KEY_FILE (or GW_SIGNING_KEY) is required in production')
    opts.warn('GW_SIGNING_KEY_FILE not set: using an ephemeral signing key (receipts will not verify after a restart)')
    return await gatewayKeysFrom([await generatePrivateJwk('ES256', `ephemeral-${randomUUID()}`)])
  }
  const source = file === undefined ? 'GW_SIGNING_KEY' : `GW_SIGNING_KEY_FILE ${file}`
  let parsed: unknown
  try {
    parsed = JSON.parse(opts.key ?? readFileSync(file as string, 'utf8'))
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`, { cause: err })
  }
  const set = parsed as { keys?: unknown }
  const keys = Array.isArray(set.keys) ? set.keys as JWK[] : [parsed as JWK]
  return await gatewayKeysFrom(keys)
}
