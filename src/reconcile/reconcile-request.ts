import { createHash } from 'node:crypto'
import type { JWTVerifyGetKey } from 'jose'
import { ENVELOPE_ALGS } from '../../contracts/envelope-v1.js'
import { verifyCompact } from '../keys/jws.js'

/** What a signed reconciliation request must be, besides signed by `keys`. */
export interface ReconcileRequestRules {
  /** `yrd-reconcile+jwt` (version 1) or `yrd-reconcile-v2+jwt`. */
  typ: string
  /** Who is asked. */
  aud: string
  /** Who asks (the key set's holder). */
  iss: string
  clockSkewSeconds: number
  /** Version 2: the body, whose SHA-256 the request's `digest` names. */
  body?: Buffer | undefined
}

/** Why a request is refused, in the order checked: its `typ`, its signature, `aud`/`iss`, `exp`, the body's digest. */
export type ReconcileRequestRefusal = 'typ' | 'signature' | 'addressee' | 'expired' | 'digest'

/**
 * Checks a reconciliation request's JWS (adapters/README.md "Reconciliation"), asked of a platform's
 * replica by the gateway (the simulator) or of this gateway by a peer (peer-reconcile-routes.ts):
 * each maps a refusal to its own answer. Returns the claims of a request that holds.
 */
export async function checkReconcileRequest (
  jws: string, keys: JWTVerifyGetKey, rules: ReconcileRequestRules
): Promise<{ claims: Record<string, unknown> } | { refused: ReconcileRequestRefusal }> {
  let claims: Record<string, unknown>
  try {
    const { payload, protectedHeader } = await verifyCompact(jws, keys, ENVELOPE_ALGS)
    if (protectedHeader.typ !== rules.typ) return { refused: 'typ' }
    claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>
  } catch {
    return { refused: 'signature' }
  }
  if (claims.aud !== rules.aud || claims.iss !== rules.iss) return { refused: 'addressee' }
  if (typeof claims.exp !== 'number' || claims.exp < Date.now() / 1000 - rules.clockSkewSeconds) return { refused: 'expired' }
  if (rules.body !== undefined && claims.digest !== createHash('sha256').update(rules.body).digest('base64url')) {
    return { refused: 'digest' }
  }
  return { claims }
}
