import type { JWTVerifyGetKey } from 'jose'

/** Told of every failed fetch of a remote key set: whose set, and a closed code of why. */
export type KeySetFailureListener = (issuer: string, code: string) => void

// jose's codes that say the set was fetched and read: the kid is simply not (or ambiguously) in it.
const NOT_A_FETCH_FAILURE = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'])

/**
 * Why a remote key set could not be had, as a closed code: jose's (ERR_JWKS_TIMEOUT, ERR_JWKS_INVALID,
 * ERR_JOSE_GENERIC for an answer other than 200, …) or NETWORK (refused, reset, DNS); undefined when
 * the set was read and the key is just not in it.
 */
export function keySetFailureCode (err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code.startsWith('ERR_J')) return NOT_A_FETCH_FAILURE.has(code) ? undefined : code
  return 'NETWORK'
}

/** `getKey` (a remote set), telling `listeners` of each failed fetch before the failure goes on. */
export function reportingFetchFailures (
  issuer: string, getKey: JWTVerifyGetKey, listeners: readonly KeySetFailureListener[]
): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token)
    } catch (err) {
      const code = keySetFailureCode(err)
      if (code !== undefined) for (const l of listeners) l(issuer, code)
      throw err
    }
  }
}
