import { randomUUID } from 'node:crypto'
import { MAX_LIFETIME_SECONDS } from '../../contracts/envelope-v1.js'
import { MAX_VIA, RELAY_TYP, type RelayClaimsV1 } from '../../contracts/relay-v1.js'
import type { GatewaySign } from '../../adapters/types.js'

export interface RelayInput {
  /** The relaying gateway (this one's id, or a test's second gateway). */
  from: string
  /** The peer it goes to. */
  to: string
  /** The original publisher's compact JWS envelope, unchanged. */
  envelope: string
  /** Its publisher (the envelope's iss). */
  origin: string
  /** The gateways it passed before `from`: empty when `from` is the one it was published to. */
  via?: readonly string[]
  jti?: string
  /** Seconds since the epoch; defaults to now. */
  iat?: number
  lifetime?: number
}

/**
 * A relay as a gateway signs it (docs/federation.md): the original envelope nested unchanged, the
 * path with `from` appended. Refuses to make one that would loop (`to` already on the path) or
 * outgrow {@link MAX_VIA}.
 */
export async function signRelay (
  keys: { sign: GatewaySign }, input: RelayInput
): Promise<{ jws: string, claims: RelayClaimsV1 }> {
  const via = [...(input.via ?? []), input.from]
  if (via.includes(input.to)) throw new Error(`relay to ${input.to} would loop: it already passed ${via.join(' → ')}`)
  if (via.length > MAX_VIA || new Set(via).size !== via.length) throw new Error(`relay path ${via.join(' → ')} is too long or repeats a gateway`)
  const iat = input.iat ?? Math.floor(Date.now() / 1000)
  const claims: RelayClaimsV1 = {
    iss: input.from,
    aud: input.to,
    jti: input.jti ?? `${input.from}-relay-${randomUUID()}`,
    iat,
    exp: iat + Math.min(input.lifetime ?? 300, MAX_LIFETIME_SECONDS),
    via,
    origin: input.origin,
    envelope: input.envelope
  }
  return { jws: await keys.sign(claims, RELAY_TYP), claims }
}
