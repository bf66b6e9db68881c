import { DEFAULT_DELIVERY, type DeliveryPolicy, type PlatformConfig } from '../../config/config-schema.js'
import type { GatewayNoticeItemV1 } from '../../contracts/gateway-notice-item-v1.js'
import { emitGatewayMessage } from '../../src/ledger/gateway-messages.js'
import { inTransaction } from '../../src/ledger/pool.js'
import { startSimulatedPlatform, type SimulatedPlatform } from '../../sim/platform-simulator.js'
import { PROVINCES, startHarness, urlOf, type Harness, type HarnessOptions } from './harness.js'

/** Fast retry policy for tests: failures and recoveries (breaker cool-down included) within a second. */
export const FAST_POLICY: DeliveryPolicy = {
  ...DEFAULT_DELIVERY,
  attempts: 6,
  baseDelayMs: 50,
  maxDelayMs: 400,
  timeoutMs: 400,
  healthIntervalMs: 100,
  breakerCooldownMs: 300,
  rateLimit: { max: 1000, durationMs: 1000 }
}

/**
 * A platform's config pointing at a simulated yrd-push platform: its endpoint and health check,
 * and its own keys (it signs its receipts with them) added to the platform's key set.
 */
export function simulatedPush (
  p: PlatformConfig, s: SimulatedPlatform, delivery: DeliveryPolicy = FAST_POLICY
): PlatformConfig {
  const jwks = { keys: [...(p.jwks?.keys ?? []), ...s.jwks.keys] }
  return { ...p, endpoint: `${s.url}/yrd/v1/deliveries`, healthUrl: `${s.url}/health`, jwks, delivery }
}

export interface DeliverySetup {
  h: Harness
  sims: Map<string, SimulatedPlatform>
  sim: (id: string) => SimulatedPlatform
}

interface Teardown { teardown: (fn: () => unknown) => void }

/** A listening gateway with delivery workers, and the four provinces as simulated platforms. */
export async function startDeliverySetup (
  t: Teardown, opts: HarnessOptions & { policy?: Partial<DeliveryPolicy> } = {}
): Promise<DeliverySetup> {
  const sims = new Map<string, SimulatedPlatform>()
  for (const p of PROVINCES) sims.set(p.id, await startSimulatedPlatform({ id: p.id, alg: opts.algs?.[p.id] ?? p.alg }))
  t.teardown(async () => { await Promise.all([...sims.values()].map(async (s) => { await s.close() })) })
  const h = await startHarness(t, {
    listen: true,
    workers: true,
    ...opts,
    settings: { relayIntervalMs: 50, sweepIntervalMs: 1000, jobLockMs: 2000, ...opts.settings },
    platformOverrides: (p) => {
      const s = sims.get(p.id)
      if (s === undefined) return p
      const simulated = simulatedPush(p, s, { ...FAST_POLICY, ...opts.policy })
      // The caller's overrides apply on top (e.g. a platform's share scopes).
      return opts.platformOverrides?.(simulated) ?? simulated
    }
  })
  for (const s of sims.values()) s.trustGateway(`${urlOf(h)}/.well-known/jwks.json`)
  const sim = (id: string): SimulatedPlatform => {
    const s = sims.get(id)
    if (s === undefined) throw new Error(`no simulator ${id}`)
    return s
  }
  return { h, sims, sim }
}

/** Polls `check` until it holds or `ms` pass; returns whether it held. */
export async function waitFor (check: () => Promise<boolean> | boolean, ms = 10_000, stepMs = 25): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, stepMs))
  }
  return await check()
}

/** Status counts of the deliveries in the ledger, e.g. `{ delivered: 9 }`. */
export async function statusCounts (h: Harness, where = 'TRUE'): Promise<Record<string, number>> {
  const { rows } = await h.db.query<{ status: string, n: string }>(`SELECT status, count(*) AS n FROM deliveries WHERE ${where} GROUP BY status`)
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}

/**
 * Issues gateway notices as the reminder, remediation and check-outcome code does
 * (emitGatewayMessage), to every enabled platform; returns the message id.
 */
export async function issueNotices (h: Harness, items: GatewayNoticeItemV1[]): Promise<string> {
  const destinations = h.config.platforms.filter((p) => p.enabled).map((p) => p.id)
  return await inTransaction(h.app.pg, async (c) => await emitGatewayMessage(c, h.gatewayKeys, { kind: 'gateway.notice', items, destinations }))
}
