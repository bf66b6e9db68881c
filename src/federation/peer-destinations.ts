import type pg from 'pg'
import { DEFAULT_DELIVERY, type GatewayConfig, type PlatformConfig } from '../../config/config-schema.js'
import type { PeerConfig } from '../../config/peer-schema.js'
import { GATEWAY_ONLY_KINDS } from '../../contracts/envelope-v1.js'
import type { RoutedMessage } from '../envelopes/ingest-service.js'
import { sharedBy } from './share-policy.js'
import { listedItems, type HeldLists } from './verify-relay.js'

/** The list code and domain of entries held here, by entry id: what a removal's share policy is judged by. */
export function heldLists (pool: pg.Pool): HeldLists {
  return async (owner, entryIds) => {
    const { rows } = await pool.query<{ entry_id: string, list_code: string, domain: string }>(
      'SELECT entry_id, list_code, domain FROM entries WHERE owner = $1 AND entry_id = ANY($2::text[])', [owner, entryIds])
    return new Map(rows.map((r) => [r.entry_id, { listCode: r.list_code, domain: r.domain }]))
  }
}

/** Peers this gateway relays to: enabled, with an endpoint and something in `share.up`. */
export const relayedTo = (peers: readonly PeerConfig[] | undefined): PeerConfig[] =>
  (peers ?? []).filter((p) => p.enabled && p.endpoint !== undefined && p.share.up.length > 0)

/**
 * A peer as a delivery destination (the yrd-relay adapter): its own queue, delivery policy and share
 * scopes, one relay at a time, each waiting for the unfinished ones accepted before it (its worker's
 * `inOrder`, peer-order.ts), so the peer gets what is relayed in the order it was accepted here (a peer
 * gateway refuses an older version after a newer one as VERSION_CONFLICT; a platform drops it).
 */
export function peerDestination (peer: PeerConfig): PlatformConfig {
  return {
    id: peer.id,
    name: peer.name,
    regionCode: '000000',
    adapter: 'yrd-relay',
    endpoint: peer.endpoint ?? '',
    ...(peer.healthUrl === undefined ? {} : { healthUrl: peer.healthUrl }),
    enabled: true,
    delivery: { ...DEFAULT_DELIVERY, ...peer.delivery, concurrency: 1 },
    ...(peer.shareScopes === undefined ? {} : { shareScopes: peer.shareScopes })
  }
}

/**
 * The peers a message is relayed to (issue 18): each whose `share.up` admits every item (a removal
 * judged by the list of the entry it removes, as held here), never one it already passed (`via`: no
 * message goes back along its path), never a kind only a gateway issues (its notices are its own).
 */
export function peersFor (
  peers: readonly PeerConfig[] | undefined, held: HeldLists
): (iss: string, msg: RoutedMessage) => Promise<string[]> {
  const up = relayedTo(peers)
  return async (iss, msg) => {
    if (up.length === 0 || GATEWAY_ONLY_KINDS.has(msg.kind as never)) return []
    const via = msg.via ?? []
    const candidates = up.filter((p) => !via.includes(p.id))
    if (candidates.length === 0) return []
    const listed = await listedItems(msg.kind, iss, [...msg.items], held, true)
    return candidates.filter((p) => sharedBy(p.share.up, msg.kind, listed)).map((p) => p.id)
  }
}

/**
 * The peers holding a replica of list (`owner`, `listCode`) for reconciliation between gateways (item 5):
 * those a platform here's list entries are relayed to (a `share.up` rule for `list.upsert` naming the list,
 * or any list). A list owned behind a peer has no peer replica here: its publisher's gateway checks it.
 */
export function replicaPeers (config: Pick<GatewayConfig, 'platforms' | 'peers'>, owner: string, listCode: string): string[] {
  if (!config.platforms.some((p) => p.id === owner && p.enabled)) return []
  return relayedTo(config.peers).filter((p) => p.share.up.some((rule) =>
    rule.kinds.includes('list.upsert') && (rule.listCodes === undefined || rule.listCodes.length === 0 || rule.listCodes.includes(listCode))
  )).map((p) => p.id)
}
