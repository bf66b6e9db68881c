import { randomBytes } from 'node:crypto'
import { listUpsertToNative } from '../../adapters/sh-rest/sh-rest-mapping.js'
import type { PlatformConfig } from '../../config/config-schema.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startShRestSimulator, type ShHeldEntry, type ShRestSimulator } from '../../sim/sh-rest-simulator.js'
import { startSimulatedPlatform, type SimulatedPlatform } from '../../sim/platform-simulator.js'
import { FAST_POLICY, simulatedPush } from './delivery-setup.js'
import { PROVINCES, startHarness, urlOf, type Harness } from './harness.js'
import type { SeededDrift } from './reconcile-drift.js'

interface Teardown { teardown: (fn: () => unknown) => void }

/**
 * A gateway where SH is Shanghai's native platform (sh-rest, with its export) and the others speak
 * yrd-push; `shConfig` goes on top of SH's config (e.g. its share scopes).
 */
export async function startShNativeSetup (t: Teardown, shConfig: Partial<PlatformConfig> = {}): Promise<{
  h: Harness, sh: ShRestSimulator, sims: Map<string, SimulatedPlatform>
}> {
  const appKey = 'yrd-gateway'
  const appSecret = randomBytes(24).toString('base64url')
  const sh = await startShRestSimulator({ apps: { [appKey]: appSecret } })
  const sims = new Map<string, SimulatedPlatform>()
  for (const p of PROVINCES) if (p.id !== 'SH') sims.set(p.id, await startSimulatedPlatform({ id: p.id, alg: p.alg }))
  t.teardown(
    async () => { await Promise.all([sh.close(), ...[...sims.values()].map(async (s) => { await s.close() })]) }
  )
  const h = await startHarness(t, {
    listen: true,
    workers: true,
    settings: { relayIntervalMs: 50, sweepIntervalMs: 1000, jobLockMs: 2000 },
    platformSecrets: { SH: { APP_KEY: appKey, APP_SECRET: appSecret } },
    platformOverrides: (p) => {
      if (p.id === 'SH') return { ...p, adapter: 'sh-rest', endpoint: sh.endpoint, healthUrl: sh.healthUrl, delivery: FAST_POLICY, ...shConfig }
      const s = sims.get(p.id)
      return s === undefined ? p : simulatedPush(p, s)
    }
  })
  for (const s of sims.values()) s.trustGateway(`${urlOf(h)}/.well-known/jwks.json`)
  return { h, sh, sims }
}

/** Seeds one difference of every kind into Shanghai's own records (never through the gateway). */
export function seedShDrift (entries: Map<string, ShHeldEntry>, owner: string, region: string): SeededDrift[] {
  const key = (n: number): string => `${owner}:${owner}-black-${n}`
  const get = (n: number): ShHeldEntry => {
    const e = entries.get(key(n))
    if (e === undefined) throw new Error(`SH does not hold ${key(n)}`)
    return e
  }
  const record = (item: ListUpsertItemV1): ShHeldEntry => (
    { owner, entryId: item.entryId, version: item.version, removed: false, latest: listUpsertToNative(item) }
  )
  entries.delete(key(11))
  entries.set(key(21), record(sampleEntry(owner, region, 21)))
  entries.set(key(99), record(sampleEntry(owner, region, 99)))
  entries.set(key(2), record(sampleEntry(owner, region, 2)))
  const e12 = get(12)
  entries.set(key(12), { ...e12, latest: { ...e12.latest, listReason: '被篡改的事实' } as ShHeldEntry['latest'] })
  entries.set(key(13), { ...get(13), suspended: true })
  return [
    { kind: 'extra-removed', entryId: `${owner}-black-21` },
    { kind: 'extra-unknown', entryId: `${owner}-black-99` },
    { kind: 'missing', entryId: `${owner}-black-11` },
    { kind: 'stale', entryId: `${owner}-black-2` },
    { kind: 'content-mismatch', entryId: `${owner}-black-12` },
    { kind: 'suspension-mismatch', entryId: `${owner}-black-13` }
  ]
}
