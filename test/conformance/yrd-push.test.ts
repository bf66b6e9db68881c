import t from 'tap'
import { createLocalJWKSet } from 'jose'
import { createYrdPushAdapter } from '../../adapters/yrd-push/yrd-push-adapter.js'
import { DEFAULT_DELIVERY } from '../../config/config-schema.js'
import { gatewayKeysFrom, generatePrivateJwk } from '../../src/keys/signing-keys.js'
import { startSimulatedPlatform } from '../../sim/platform-simulator.js'
import { noticesOf } from '../../sim/replica-state.js'
import { adapterConformance } from './adapter-conformance.js'

adapterConformance(t, 'yrd-push', async () => {
  const keys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-conf')])
  const sim = await startSimulatedPlatform({ id: 'JS' })
  sim.trustGateway(keys.jwks)
  const adapter = createYrdPushAdapter({
    platform: { id: 'JS', name: 'JS', regionCode: '320000', adapter: 'yrd-push', endpoint: `${sim.url}/yrd/v1/deliveries`, healthUrl: `${sim.url}/health`, enabled: true, delivery: DEFAULT_DELIVERY },
    policy: { ...DEFAULT_DELIVERY, timeoutMs: 1500 },
    sign: keys.sign,
    secrets: {},
    platformKeys: createLocalJWKSet(sim.jwks)
  })
  return {
    adapter,
    destination: 'JS',
    held: async (owner, entryId) => {
      const h = sim.held.get(`${owner}:${entryId}`)
      return h === undefined ? undefined : { item: h.item, removed: h.removed }
    },
    appliedCount: async (jti) => sim.messagesApplied.filter((j) => j === jti).length,
    notices: async () => noticesOf(sim),
    fail: (mode) => { sim.failure = mode === 'invalid-receipt' ? 'wrong-receipt' : mode },
    stop: async () => { await sim.stop() },
    restart: async () => { await sim.restart() },
    close: async () => { await adapter.close(); await sim.close() }
  }
})
