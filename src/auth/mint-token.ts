import { SignJWT, type CryptoKey } from 'jose'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { BEARER_TYP } from './bearer-auth.js'

/** Mints a short-lived bearer token for the read API (platforms, admin tools, the demo, tests), `typ` {@link
 * BEARER_TYP}. */
export async function mintToken (
  key: { kid: string, alg: string, key: CryptoKey }, iss: string, opts: { sub?: string, lifetimeSeconds?: number } = {}
): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: BEARER_TYP })
    .setIssuer(iss).setAudience(GATEWAY_ID).setIssuedAt().setExpirationTime(`${opts.lifetimeSeconds ?? 300}s`)
  if (opts.sub !== undefined) jwt.setSubject(opts.sub)
  return await jwt.sign(key.key)
}
