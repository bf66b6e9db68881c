import { decodeJwt, decodeProtectedHeader, errors as joseErrors } from 'jose'
import type { FastifyRequest } from 'fastify'
import { ENVELOPE_ALGS, GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { verifyJwt } from '../keys/jws.js'
import type { KeyDirectory } from '../keys/platform-keys.js'

export type Role = 'platform' | 'admin' | 'operator' | 'auditor' | 'checker'

/** Who is calling: a platform (its id) or an admin user (issuer and subject) with roles. */
export interface Principal {
  id: string
  platform: string | undefined
  roles: Role[]
  /**
   * For a department system (role `checker`): its configured name and home platform. `platform`
   * stays undefined: a department system never acts as its platform.
   */
  department?: { name: string, platform: string }
}

const unauthorized = (detail: string, cause?: unknown): GatewayError => new GatewayError('UNAUTHORIZED', detail, { cause })

/** The `typ` {@link mintToken} writes: a plain JWT (RFC 7519 §5.1). */
export const BEARER_TYP = 'JWT'
/**
 * The `typ` values a bearer token may carry (compared as RFC 7515 §4.1.9 does: case-insensitive,
 * `application/` optional): `JWT` or RFC 9068's `at+jwt`. Required so that no other signed object
 * of the federation (an envelope `yrd-envelope+jwt`, a receipt, a checkpoint: every `yrd-*` typ) can
 * be replayed as a token.
 */
export const BEARER_TYPS: readonly string[] = [BEARER_TYP, 'at+jwt']
const normaliseTyp = (typ: string): string => typ.toLowerCase().replace(/^application\//, '')
const bearerTyps = new Set(BEARER_TYPS.map(normaliseTyp))

/**
 * Authenticates `Authorization: Bearer <JWT>`: signed by a platform key (`iss` a platform id) or
 * by a configured admin key (`iss` an admin issuer, `sub` the user), `aud` YRD, `typ` one of
 * {@link BEARER_TYPS}, a short lifetime that has begun: `iat` not in the future and at most
 * `maxLifetimeSeconds` ago, `exp` at most that long after `iat`, `nbf` honoured, each with
 * `clockSkewSeconds` of tolerance (so `exp` ≤ now + lifetime + skew).
 */
export async function authenticate (
  request: FastifyRequest, keys: KeyDirectory, maxLifetimeSeconds: number, clockSkewSeconds: number
): Promise<Principal> {
  const header = request.headers.authorization
  if (header === undefined || !header.startsWith('Bearer ')) throw unauthorized('Authorization: Bearer <JWT> required')
  const token = header.slice(7).trim()
  let iss: unknown
  let typ: unknown
  try {
    typ = decodeProtectedHeader(token).typ
    iss = decodeJwt(token).iss
  } catch (err) {
    throw unauthorized('bearer token is not a JWT', err)
  }
  // Before any key is looked up: an envelope or receipt is signed by the same keys but is no token.
  if (typeof typ !== 'string' || !bearerTyps.has(normaliseTyp(typ))) throw unauthorized(`bearer token typ must be ${BEARER_TYPS.join(' or ')}`)
  if (typeof iss !== 'string') throw unauthorized('bearer token has no iss')
  const platformKey = keys.platform(iss)
  const admin = platformKey === undefined ? keys.admin(iss) : undefined
  const checker = platformKey === undefined && admin === undefined ? keys.checker?.(iss) : undefined
  const getKey = platformKey ?? admin?.getKey ?? checker?.getKey
  if (getKey === undefined) throw unauthorized('token issuer unknown')
  let payload
  try {
    ({ payload } = await verifyJwt(token, getKey, {
      audience: GATEWAY_ID,
      algorithms: ENVELOPE_ALGS,
      requiredClaims: ['exp', 'iat'],
      typ,
      // iat at most this long ago and not in the future; with the lifetime check below, exp ≤ now + max + skew.
      maxTokenAge: maxLifetimeSeconds,
      clockTolerance: clockSkewSeconds
    }))
  } catch (err) {
    if (err instanceof joseErrors.JWKSTimeout) throw new GatewayError('UNAVAILABLE', 'issuer key set unavailable', { cause: err })
    throw unauthorized('bearer token invalid or expired', err)
  }
  if ((payload.exp as number) - (payload.iat as number) > maxLifetimeSeconds) throw unauthorized(`bearer token lifetime exceeds ${maxLifetimeSeconds} s`)
  if (platformKey !== undefined) return { id: iss, platform: iss, roles: ['platform'] }
  if (checker !== undefined) {
    const sub = typeof payload.sub === 'string' && payload.sub !== '' ? `:${payload.sub}` : ''
    return { id: `${iss}${sub}`, platform: undefined, roles: ['checker'], department: { name: checker.name, platform: checker.platform } }
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthorized('admin token needs sub (the user)')
  return { id: `${iss}:${payload.sub}`, platform: undefined, roles: (admin?.roles ?? []) as Role[] }
}
