import type { Delivery } from '../../adapters/types.js'
import type { Registries, ShareScope } from '../../config/registry-schema.js'
import type { Principal } from '../auth/bearer-auth.js'
import { applyShareScope } from '../delivery/share-scope.js'

/** Where a reader's share scopes come from: the gateway's registries and each platform's config. */
export interface ScopeSource {
  registries: Registries | undefined
  shareScopesOf: (platform: string) => readonly ShareScope[] | undefined
}

/**
 * Whether `principal` may learn the salt of a change's leaf, that is, may recompute its dataHash
 * from content. With the salt and the masked identity number a reader could test every candidate
 * against dataHash, so it goes only to whoever would receive the whole item anyway: the entry's
 * owner platform, and a platform whose share scopes withhold nothing of this item (the same
 * shaping deliveries and feeds apply). Admin, operator and auditor roles and restricted platforms
 * still verify the leaf's inclusion, not its content.
 */
export function mayReadContent (
  principal: Principal | null | undefined, owner: string, action: string, item: unknown, scopes: ScopeSource
): boolean {
  const platform = principal?.platform
  if (principal === null || principal === undefined || platform === undefined || !principal.roles.includes('platform')) return false
  if (platform === owner) return true
  // applyShareScope reads only kind and items.
  const probe = { kind: action === 'remove' ? 'list.remove' : 'list.upsert', items: [item] } as unknown as Delivery
  const shaped = applyShareScope(probe, scopes.registries, scopes.shareScopesOf(platform))
  return shaped.withheld.length === 0 && shaped.withheldFields.length === 0
}
