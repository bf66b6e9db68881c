import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose'
import type { GatewayConfig } from '../../config/config-schema.js'
import { localKeySet, remoteKeySet } from './key-sets.js'
import { reportingFetchFailures, type KeySetFailureListener } from './key-set-failures.js'
import { peerDirectory } from '../federation/peer-directory.js'
import type { PeerKeys } from '../federation/verify-relay.js'

/** Resolves the verification keys of every configured issuer (platforms, admin issuers, checkers, peer gateways). */
export interface KeyDirectory {
  /** The key getter of a platform, or undefined when the id is not an enabled platform. */
  platform: (id: string) => JWTVerifyGetKey | undefined
  /** The key getter and roles of an admin issuer. */
  admin: (id: string) => { getKey: JWTVerifyGetKey, roles: string[] } | undefined
  /** The key getter and home platform of an authorised department system (config/checkers.json). */
  checker?: (id: string) => { getKey: JWTVerifyGetKey, platform: string, name: string } | undefined
  /** A configured peer gateway with its key set and its origins' (config/peers/), or undefined. */
  peer?: (id: string) => PeerKeys | undefined
  /** Listens to failed fetches of remote key sets (jwksUrl): the metrics count them per issuer and code. */
  onFetchFailure?: (listener: KeySetFailureListener) => void
}

/** An issuer's key set: inline, or fetched from its jwksUrl (cached, refetched on a new kid), failures reported. */
export function keySetFor (
  holder: { id: string, jwks?: { keys: unknown[] } | undefined, jwksUrl?: string | undefined },
  cacheMs: number, cooldownMs: number, listeners: readonly KeySetFailureListener[]
): JWTVerifyGetKey {
  if (holder.jwks !== undefined) return localKeySet(holder.jwks as JSONWebKeySet)
  // A remote set is cached and refetched when a kid is not in it (rotation), at most once per cooldown.
  return reportingFetchFailures(holder.id, remoteKeySet(new URL(holder.jwksUrl as string), {
    cacheMaxAge: cacheMs,
    cooldownDuration: cooldownMs,
    timeoutDuration: 5000
  }), listeners)
}

export function buildKeyDirectory (config: GatewayConfig): KeyDirectory {
  const cacheMs = config.settings.jwksCacheSeconds * 1000
  const cooldownMs = config.settings.jwksRefetchCooldownSeconds * 1000
  const listeners: KeySetFailureListener[] = []
  const keySetOf = (holder: Parameters<typeof keySetFor>[0]): JWTVerifyGetKey =>
    keySetFor(holder, cacheMs, cooldownMs, listeners)
  const platforms = new Map(config.platforms.filter((p) => p.enabled)
    .map((p) => [p.id, keySetOf(p)]))
  const admins = new Map(
    config.admins.map((a) => [a.id, { getKey: keySetOf(a), roles: [...a.roles] }])
  )
  const checkers = new Map(
    (config.checkers ?? []).map(
      (c) => [c.id, { getKey: keySetOf(c), platform: c.platform, name: c.name }]
    )
  )
  const peers = peerDirectory(config.peers ?? [], keySetOf)
  return {
    platform: (id) => platforms.get(id),
    peer: peers,
    admin: (id) => admins.get(id),
    checker: (id) => checkers.get(id),
    onFetchFailure: (listener) => { listeners.push(listener) }
  }
}
