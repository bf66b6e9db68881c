import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { JWTVerifyGetKey } from 'jose'
import type { PeerConfig } from '../../config/peer-schema.js'
import { RELAY_TYP, RelayClaimsV1 } from '../../contracts/relay-v1.js'
import { ENVELOPE_ALGS } from '../../contracts/envelope-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { decodePayloadPart, digestOf, parseJws } from '../envelopes/parse-jws.js'
import {
  checkedHeader, checkLifetime, EnvelopeVerifier, joseToGateway, type Claimed, type VerifiedEnvelope
} from '../envelopes/verify-envelope.js'
import { verifyFlattened } from '../keys/jws.js'
import { sharedBy } from './share-policy.js'

/** A peer gateway as the verifier needs it: its config, its key set, and its origins' key sets. */
export interface PeerKeys {
  peer: PeerConfig
  keys: JWTVerifyGetKey
  origin: (id: string) => JWTVerifyGetKey | undefined
}

/** A relay whose signature, path and nested envelope all hold, and which the peer may send here. */
export interface VerifiedRelay {
  peer: PeerConfig
  claims: RelayClaimsV1
  /** The original publisher's envelope, verified against the publisher's own keys. */
  original: VerifiedEnvelope
  /**
   * The relaying peer is the publisher: a `list.remove` it made on its origins' behalf (an objection
   * resolved as revoked, a granted repair, an expiry there), signed with its own key.
   */
  behalf: boolean
}

const claimsCheck = TypeCompiler.Compile(RelayClaimsV1)

/**
 * The list code and domain of entries held here, by entry id (for the share policy of a removal,
 * whose items name only the entry): an entry not held is absent.
 */
export type HeldLists = (owner: string, entryIds: string[]) => Promise<Map<string, HeldList>>
/** Where an entry held here is listed. */
export interface HeldList { listCode: string, domain: string }

/**
 * Items as the share policy sees them: a removal's with the list code and domain of the entry it
 * removes, `owner`'s (the publisher's own entries; a removal naming another owner is then refused
 * as NOT_OWNER by validation), or with `byItem` each item's `owner` (a gateway's removals on its
 * origins' behalf).
 */
export async function listedItems (
  kind: string, owner: string, items: unknown[], held: HeldLists | undefined, byItem = false
): Promise<unknown[]> {
  if (kind !== 'list.remove' || held === undefined) return items
  const refs = items.map((i) => i as { entryId?: unknown, owner?: unknown })
  const ownerOf = (r: { owner?: unknown }): string => byItem ? String(r.owner) : owner
  const ids = refs.map((r) => String(r.entryId))
  const owners = [...new Set(refs.map(ownerOf))]
  const lists = new Map(await Promise.all(owners.map(async (o) => [o, await held(o, ids)] as const)))
  return refs.map((r) => lists.get(ownerOf(r))?.get(String(r.entryId)) ?? {})
}

/**
 * Verifies what a peer gateway relays (docs/federation.md), cheapest and least trusting first: the
 * relay's header, its issuer (a configured, enabled, unpaused peer), its signature with the peer's
 * keys, its claims (addressed to this gateway, fresh, a path that ends with the peer and never
 * passed here before), then the nested envelope against its publisher's own keys (one of the peer's
 * origins, addressed to the gateway it was published to), and last the peer's share policy (a
 * removal judged by the list of the entry it removes, from `held`). Every
 * refusal has a platform's problem codes, and RELAY_LOOP or RELAY_NOT_SHARED.
 */
export class RelayVerifier {
  constructor (
    private readonly peers: (id: string) => PeerKeys | undefined,
    private readonly gatewayId: string,
    private readonly clockSkewSeconds: number,
    private readonly held?: HeldLists,
    /** Whether an admin paused the peer (src/federation/peer-pauses.ts), beside its config's `paused`. */
    private readonly pausedNow?: (peer: string) => Promise<boolean>
  ) {}

  async verify (body: Buffer, claimed: Claimed, nowMs: number = Date.now()): Promise<VerifiedRelay> {
    const parts = parseJws(body, 'compact')
    checkedHeader(parts.protected, RELAY_TYP)
    const { value: unverified } = decodePayloadPart(parts.payload)
    const iss = unverified.iss
    if (typeof iss !== 'string') throw new GatewayError('ENVELOPE_MALFORMED', 'payload has no iss')
    claimed.iss = iss.slice(0, 32)
    if (typeof unverified.jti === 'string') claimed.jti = unverified.jti.slice(0, 128)
    const peer = this.peers(iss)
    if (peer === undefined || !peer.peer.enabled) throw new GatewayError('ISSUER_UNKNOWN', 'iss is not a configured peer gateway')
    if (peer.peer.paused || await this.pausedNow?.(peer.peer.id) === true) {
      throw new GatewayError('UNAVAILABLE', `peer ${peer.peer.id} is paused; try again once it is resumed`, { retryable: true })
    }
    try {
      const { protected: p, payload, signature } = parts
      await verifyFlattened({ protected: p, payload, signature }, peer.keys, ENVELOPE_ALGS)
    } catch (err) {
      throw joseToGateway(err)
    }
    claimed.authenticated = true

    if (!claimsCheck.Check(unverified)) {
      const first = claimsCheck.Errors(unverified).First()
      throw new GatewayError('ENVELOPE_MALFORMED', `relay claims invalid at ${first?.path ?? '/'}: ${first?.message ?? 'invalid'}`)
    }
    const claims = unverified
    if (claims.aud !== this.gatewayId) throw new GatewayError('AUDIENCE_INVALID', `aud must be ${this.gatewayId}`)
    checkLifetime(claims, nowMs, this.clockSkewSeconds, 'relay')
    if (claims.via[claims.via.length - 1] !== iss) throw new GatewayError('ENVELOPE_MALFORMED', 'via must end with the relaying gateway (iss)')
    if (claims.via.includes(this.gatewayId)) {
      throw new GatewayError('RELAY_LOOP', `the message already passed ${this.gatewayId} (via ${claims.via.join(' → ')})`)
    }
    if (new Set(claims.via).size !== claims.via.length) throw new GatewayError('RELAY_LOOP', `via repeats a gateway (${claims.via.join(' → ')})`)

    // The peer itself as publisher: only its removals on its origins' behalf (checked below).
    const behalf = claims.origin === iss
    const originKeys = behalf ? peer.keys : peer.origin(claims.origin)
    if (originKeys === undefined) throw new GatewayError('ISSUER_UNKNOWN', `${claims.origin} is not an origin ${peer.peer.id} may relay`)
    const envelopeBytes = Buffer.from(claims.envelope, 'utf8')
    const inner = new EnvelopeVerifier(
      { platform: (id) => id === claims.origin ? originKeys : undefined, admin: () => undefined },
      this.clockSkewSeconds,
      { audience: claims.via[0] as string, checkTimes: false }
    )
    let original: VerifiedEnvelope
    try {
      original = await inner.verify(envelopeBytes, 'compact', { digest: digestOf(envelopeBytes) }, nowMs)
    } catch (err) {
      if (err instanceof GatewayError) throw new GatewayError(err.code, `relayed envelope: ${err.message}`, { cause: err })
      throw err
    }
    if (behalf) {
      const owners = original.claims.items.map((i) => String((i as { owner?: unknown }).owner))
      if (original.claims.kind !== 'list.remove' || !owners.every((o) => Object.hasOwn(peer.peer.origins, o))) {
        throw new GatewayError('FORBIDDEN', `${peer.peer.id} publishes here only removals of its origins' entries on their behalf`)
      }
    }
    const listed = await listedItems(original.claims.kind, claims.origin, original.claims.items, this.held, behalf)
    if (!sharedBy(peer.peer.share.down, original.claims.kind, listed)) {
      throw new GatewayError('RELAY_NOT_SHARED', `${peer.peer.id}'s share policy does not let it relay this ${original.claims.kind} here`)
    }
    return { peer: peer.peer, claims, original, behalf }
  }
}
