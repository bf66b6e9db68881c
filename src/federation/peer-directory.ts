import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose'
import type { PeerConfig } from '../../config/peer-schema.js'
import { localKeySet, remoteKeySet } from '../keys/key-sets.js'
import type { PeerKeys } from './verify-relay.js'

type KeyHolder = { jwks?: { keys: unknown[] } | undefined, jwksUrl?: string | undefined }

function keySetOf (holder: KeyHolder, cacheMs: number, cooldownMs: number): JWTVerifyGetKey {
  if (holder.jwks !== undefined) return localKeySet(holder.jwks as JSONWebKeySet)
  const options = { cacheMaxAge: cacheMs, cooldownDuration: cooldownMs, timeoutDuration: 5000 }
  return remoteKeySet(new URL(holder.jwksUrl as string), options)
}

/**
 * The configured peer gateways by id, each with its key set and its origins' key sets (inline, or
 * fetched from their `jwksUrl` and refetched on an unknown kid, as for platforms).
 */
export function peerDirectory (
  peers: readonly PeerConfig[], cacheMs: number, cooldownMs: number
): (id: string) => PeerKeys | undefined {
  const byId = new Map(peers.map((peer): [string, PeerKeys] => {
    const origins = new Map(Object.entries(peer.origins).map(([id, o]) => [id, keySetOf(o, cacheMs, cooldownMs)]))
    return [peer.id, { peer, keys: keySetOf(peer, cacheMs, cooldownMs), origin: (id) => origins.get(id) }]
  }))
  return (id) => byId.get(id)
}
