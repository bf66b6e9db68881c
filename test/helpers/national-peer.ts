import type { JWK } from 'jose'
import type { PeerConfig } from '../../config/peer-schema.js'
import { publicPart, type GatewayKeys } from '../../src/keys/signing-keys.js'

/**
 * The national gateway (CN) as this gateway's peer, relaying what the court (FY) publishes: its keys,
 * the court's, and what may cross (by default list entries down, nothing up).
 */
export const nationalPeer = (
  cnKeys: Pick<GatewayKeys, 'jwks'>, fyJwk: JWK, share: PeerConfig['share'] = { down: [{ kinds: ['list.upsert'] }], up: [] }
): PeerConfig => ({
  id: 'CN',
  name: '全国信用信息共享平台',
  jwks: cnKeys.jwks,
  enabled: true,
  paused: false,
  origins: { FY: { regionCode: '000000', jwks: { keys: [publicPart(fyJwk)] } } },
  share
})
