import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { signCompact, type SigningKeyInput } from '../keys/jws.js'
import { BEARER_TYP } from './bearer-auth.js'

/**
 * Mints a short-lived bearer token for the read API (platforms, admin tools, the demo, tests), `typ`
 * {@link BEARER_TYP}, with any of the allowed algorithms (SM2-SM3 included: src/keys/jws.ts).
 */
export async function mintToken (
  key: { kid: string, alg: string, key: SigningKeyInput }, iss: string,
  opts: { sub?: string, lifetimeSeconds?: number } = {}
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000)
  const sub = opts.sub === undefined ? {} : { sub: opts.sub }
  const claims = { iss, ...sub, aud: GATEWAY_ID, iat, exp: iat + (opts.lifetimeSeconds ?? 300) }
  const header = { alg: key.alg, kid: key.kid, typ: BEARER_TYP }
  return await signCompact(key.key, header, new TextEncoder().encode(JSON.stringify(claims)))
}
