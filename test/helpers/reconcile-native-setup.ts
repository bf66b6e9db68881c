import type { PlatformConfig } from '../../config/config-schema.js'
import { startSimulatedPlatform, type SimulatedPlatform } from '../../src/simulators/platform-simulator.js'
import { FAST_POLICY } from './delivery-setup.js'
import { PROVINCES, startHarness, urlOf, type Harness } from './harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

/** How the platform under test speaks its native protocol: its config and the secrets its adapter needs. */
export interface NativePlatform {
  id: string
  config: (p: PlatformConfig) => PlatformConfig
  secrets?: Record<string, string>
  /** Called once the gateway listens (a pulling platform learns its address here). */
  ready?: (h: Harness) => void
  close: () => Promise<void>
}

/** A gateway where one platform speaks its native protocol (with its export) and the others speak yrd-push. */
export async function startNativeSetup (t: Teardown, native: NativePlatform): Promise<{ h: Harness, sims: Map<string, SimulatedPlatform> }> {
  const sims = new Map<string, SimulatedPlatform>()
  for (const p of PROVINCES) if (p.id !== native.id) sims.set(p.id, await startSimulatedPlatform({ id: p.id, alg: p.alg }))
  t.teardown(async () => { await Promise.all([native.close(), ...[...sims.values()].map(async (s) => { await s.close() })]) })
  const h = await startHarness(t, {
    listen: true,
    workers: true,
    settings: { relayIntervalMs: 50, sweepIntervalMs: 1000, jobLockMs: 2000 },
    platformSecrets: native.secrets === undefined ? {} : { [native.id]: native.secrets },
    platformOverrides: (p) => {
      if (p.id === native.id) return native.config(p)
      const s = sims.get(p.id)
      return s === undefined ? p : { ...p, endpoint: `${s.url}/yrd/v1/deliveries`, healthUrl: `${s.url}/health`, delivery: FAST_POLICY }
    }
  })
  for (const s of sims.values()) s.trustGateway(`${urlOf(h)}/.well-known/jwks.json`)
  native.ready?.(h)
  return { h, sims }
}
