import type { JWTVerifyGetKey } from 'jose'
import type { PeerConfig } from '../../config/peer-schema.js'
import type { PeerKeys } from './verify-relay.js'

/** Who holds a key set: inline, or published at its `jwksUrl`. */
type Holder = { id: string, jwks?: { keys: unknown[] } | undefined, jwksUrl?: string | undefined }

/**
 * The configured peer gateways by id, each with its key set and its origins' key sets, made by
 * `keySet` as a platform's are (buildKeyDirectory's: inline, or fetched from their `jwksUrl` and
 * refetched on an unknown kid, fetch failures counted). One per app: `app.keyDirectory.peer`.
 */
export function peerDirectory (
  peers: readonly PeerConfig[], keySet: (holder: Holder) => JWTVerifyGetKey
): (id: string) => PeerKeys | undefined {
  const byId = new Map(peers.map((peer): [string, PeerKeys] => {
    const origins = new Map(Object.entries(peer.origins).map(([id, o]) => [id, keySet({ id, ...o })]))
    return [peer.id, { peer, keys: keySet(peer), origin: (id) => origins.get(id) }]
  }))
  return (id) => byId.get(id)
}
