import { DEFAULT_DELIVERY, type DeliveryPolicy, type PlatformConfig } from '../../config/config-schema.js'
import { startSimulatedPlatform, type SimulatedPlatform } from '../../sim/platform-simulator.js'

interface Teardown { teardown: (fn: () => unknown) => void }

/** SH (the publisher) and ZJ (the destination), simulated yrd-push platforms, closed at teardown. */
export async function twoSimulatedPlatforms (t: Teardown): Promise<{ sh: SimulatedPlatform, zj: SimulatedPlatform }> {
  const sh = await startSimulatedPlatform({ id: 'SH' })
  const zj = await startSimulatedPlatform({ id: 'ZJ' })
  t.teardown(async () => { await Promise.all([sh.close(), zj.close()]) })
  return { sh, zj }
}

/** A platform file for a simulated yrd-push platform reached at `url` (the simulator, or a proxy before it). */
export function pushPlatform (
  s: SimulatedPlatform, region: string, url: string = s.url, delivery: Partial<DeliveryPolicy> = {}
): PlatformConfig {
  return {
    id: s.id,
    name: `${s.id} (simulated)`,
    regionCode: region,
    adapter: 'yrd-push',
    endpoint: `${url}/yrd/v1/deliveries`,
    healthUrl: `${s.url}/health`,
    jwks: s.jwks,
    enabled: true,
    delivery: { ...DEFAULT_DELIVERY, baseDelayMs: 100, maxDelayMs: 500, ...delivery }
  }
}
