import type { GatewayConfig } from '../../config/config-schema.js'
import { replicaPeers } from '../federation/peer-destinations.js'

/** The platforms holding replicas of an owner's lists: every enabled platform but the owner. */
export const replicaPlatforms = (config: GatewayConfig, owner: string): string[] =>
  config.platforms.filter((p) => p.enabled && p.id !== owner).map((p) => p.id)

/** Every replica of list (`owner`, `listCode`): the platforms here and the peer gateways it is relayed to. */
export const replicasOf = (config: GatewayConfig, owner: string, listCode: string): string[] =>
  [...replicaPlatforms(config, owner), ...replicaPeers(config, owner, listCode)]
