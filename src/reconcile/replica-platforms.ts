import type { GatewayConfig } from '../../config/config-schema.js'

/** The platforms holding replicas of an owner's lists: every enabled platform but the owner. */
export const replicaPlatforms = (config: GatewayConfig, owner: string): string[] =>
  config.platforms.filter((p) => p.enabled && p.id !== owner).map((p) => p.id)
