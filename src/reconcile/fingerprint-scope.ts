import type { GatewayConfig } from '../../config/config-schema.js'
import type { Registries, ShareScope } from '../../config/registry-schema.js'
import { DEFAULT_SHARE_SCOPES, withheldFields } from '../delivery/share-scope.js'

/**
 * What a replica platform may hold of a list entry, for reconciliation: the catalogue fields its
 * share scopes withhold (every one of them is carried by a `list.upsert` item). Platforms with the
 * same withheld fields share one set of fingerprint tables (migration 022), keyed by `key`.
 */
export interface FingerprintScope {
  /** The withheld field paths, sorted, space-separated (recon_scopes.scope_key). */
  key: string
  withheld: string[]
}

/**
 * The fingerprint scope of a platform with `scopes`, or undefined when it withholds nothing: then
 * it holds entries exactly as the owner published them and is compared with the ledger's own hashes
 * (the default path, at no extra cost).
 */
export function fingerprintScopeOf (
  registries: Registries | undefined, scopes: readonly ShareScope[] = DEFAULT_SHARE_SCOPES
): FingerprintScope | undefined {
  if (registries === undefined) return undefined
  const withheld = [...new Set(withheldFields(registries, scopes))].sort()
  return withheld.length === 0 ? undefined : { key: withheld.join(' '), withheld }
}

/** The catalogue and the platforms' share scopes from the gateway's config, as a run reads them. */
export const configShares = (config: GatewayConfig): {
  registries: Registries | undefined
  shareScopesOf: (platform: string) => readonly ShareScope[] | undefined
} => ({
  registries: config.registries,
  shareScopesOf: (platform) => config.platforms.find((p) => p.id === platform)?.shareScopes
})
