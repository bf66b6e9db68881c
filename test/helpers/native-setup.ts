import type { GatewaySettings } from '../../config/config-schema.js'
import type { PeerConfig } from '../../config/peer-schema.js'
import { startProvinces, type DemoPlatform } from '../../demo/demo-platforms.js'
import { FAST_POLICY } from './delivery-setup.js'
import { startHarness, urlOf, type Harness } from './harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

/**
 * A listening gateway with delivery workers and the four provinces each in its own protocol
 * (sh-rest, js-batch, zj-pull, ah-xml), connected to it; all torn down with the test. `peers`: peer
 * gateways in its config (none by default).
 */
export async function startNativeGateway (
  t: Teardown, settings: Partial<GatewaySettings> = {}, peers?: PeerConfig[]
): Promise<{ h: Harness, platforms: DemoPlatform[] }> {
  const { platforms, secrets } = await startProvinces(() => 0)
  t.teardown(async () => { await Promise.all(platforms.map(async (p) => { await p.close() })) })
  const h = await startHarness(t, {
    listen: true,
    workers: true,
    settings: { relayIntervalMs: 50, ...settings },
    platformSecrets: secrets,
    platformOverrides: (p) => {
      const native = platforms.find((s) => s.id === p.id)
      return native === undefined ? p : { ...native.configure(p), delivery: FAST_POLICY }
    },
    ...(peers === undefined ? {} : { peers })
  })
  for (const p of platforms) p.connect(urlOf(h))
  return { h, platforms }
}
