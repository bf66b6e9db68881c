import type { JWTVerifyGetKey } from 'jose'
import type { PeerConfig } from '../../config/peer-schema.js'
import { keySetFor } from '../keys/platform-keys.js'
import type { PeerKeys } from './verify-relay.js'

/**
 * The configured peer gateways by id, each with its key set and its origins' key sets, made as a
 * platform's are (keySetFor: inline, or fetched from their `jwksUrl` and refetched on an unknown kid).
 */
export function peerDirectory (
  peers: readonly PeerConfig[], cacheMs: number, cooldownMs: number
): (id: string) => PeerKeys | undefined {
  const byId = new Map(peers.map((peer): [string, PeerKeys] => {
    const keySet = (holder: Parameters<typeof keySetFor>[0]): JWTVerifyGetKey =>
      keySetFor(holder, cacheMs, cooldownMs, [])
    const origins = new Map(Object.entries(peer.origins).map(([id, o]) => [id, keySet({ id, ...o })]))
    return [peer.id, { peer, keys: keySet(peer), origin: (id) => origins.get(id) }]
  }))
  return (id) => byId.get(id)
}
