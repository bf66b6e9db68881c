import type { Test } from 'tap'
import type { PlatformConfig } from '../../config/config-schema.js'
import { startSimulatedPlatform, type SimulatedPlatform } from '../../sim/platform-simulator.js'
import { healRun } from '../../src/reconcile/heal-run.js'
import { runReconciliation } from '../../src/reconcile/reconcile-service.js'
import { simulatedPush, statusCounts, waitFor } from './delivery-setup.js'
import { LIST, publishOwnerList, type SeededDrift } from './reconcile-drift.js'
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
export async function startNativeSetup (t: Teardown, native: NativePlatform): Promise<{
  h: Harness, sims: Map<string, SimulatedPlatform>
}> {
  const sims = new Map<string, SimulatedPlatform>()
  for (const p of PROVINCES) {
    if (p.id !== native.id) {
      sims.set(
        p.id, await startSimulatedPlatform({ id: p.id, alg: p.alg })
      )
    }
  }
  t.teardown(
    async () => { await Promise.all([native.close(), ...[...sims.values()].map(async (s) => { await s.close() })]) }
  )
  const h = await startHarness(t, {
    listen: true,
    workers: true,
    settings: { relayIntervalMs: 50, sweepIntervalMs: 1000, jobLockMs: 2000 },
    platformSecrets: native.secrets === undefined ? {} : { [native.id]: native.secrets },
    platformOverrides: (p) => {
      if (p.id === native.id) return native.config(p)
      const s = sims.get(p.id)
      return s === undefined ? p : simulatedPush(p, s)
    }
  })
  for (const s of sims.values()) s.trustGateway(`${urlOf(h)}/.well-known/jwks.json`)
  native.ready?.(h)
  return { h, sims }
}

/** What differs between platforms in the export reconciliation cycle. */
export interface ExportCycle {
  owner: string
  region: string
  /** The replica under test. */
  platform: string
  /** The adapter name, for the messages. */
  adapter: string
  /** Seeds one difference of every kind into the replica's own storage; returns them most harmful first. */
  seed: () => SeededDrift[]
  /** What the replica holds under `owner:entryId`. */
  held: (key: string) => { removed?: boolean, suspended?: boolean } | undefined
  messages: { delivered: string, matches: string, healed: string }
}

/**
 * The export reconciliation cycle every native platform goes through: in sync after the owner
 * publishes; every kind of drift seeded in the replica found exactly, most harmful first, with
 * identity numbers masked; healed in the platform's own protocol; a second run finds only the
 * suspension no objection set (left for review).
 */
export async function checkExportCycle (t: Test, h: Harness, c: ExportCycle): Promise<void> {
  await publishOwnerList(h, c.owner, c.region)
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), c.messages.delivered)
  const deps = { pool: h.app.pg, adapters: h.app.delivery.adapters }
  const scope = { owner: c.owner, listCode: LIST, platform: c.platform }
  const clean = await runReconciliation(deps, scope, 'api', 'test')
  t.equal(clean.status, 'done')
  t.equal(clean.method, 'export', `${c.adapter} has no range protocol: the export is pulled`)
  t.same(clean.findings, [], c.messages.matches)
  t.equal(clean.stats.replicaElements, 25, 'the 25 live entries exported')

  const seeded = c.seed()
  const run = await runReconciliation(deps, scope, 'api', 'test')
  t.same(run.findings.map((f) => ({ kind: f.kind, entryId: f.entryId })), seeded, 'exactly the seeded drift, most harmful first')
  t.match(run.findings.find((f) => f.entryId === `${c.owner}-black-13`)?.subject, new RegExp(`^${c.region.slice(0, 4)}\\*{10}\\d{3}[\\dX]$`), 'a person\'s identity number is masked in the finding')

  const heal = await healRun(h.app.pg, h.app.gatewayKeys, run.id, 'test-admin')
  h.app.delivery.relay.kick()
  t.ok(await waitFor(async () => {
    const { rows } = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE jti = ANY($1) AND status = 'delivered'", [heal.jtis])
    return rows[0]?.n === heal.jtis.length
  }), c.messages.healed)
  // The drift-13 suspension was set at the replica with no objection in the ledger: no real message
  // lifts it, so it is left for review, never healed with an invented objection (reconcile-heal-objections.test.ts).
  t.same(heal.review.map((r) => r.entryId), [`${c.owner}-black-13`], 'the suspension no objection set is left for review')
  const after = await runReconciliation(deps, scope, 'api', 'test')
  t.same(after.findings.map((f) => ({ kind: f.kind, entryId: f.entryId })), [{ kind: 'suspension-mismatch', entryId: `${c.owner}-black-13` }], 'a second run through the export finds only what was left for review')
  t.equal(c.held(`${c.owner}:${c.owner}-black-21`)?.removed, true, `the repaired entry is removed at ${c.platform} again`)
  t.equal(c.held(`${c.owner}:${c.owner}-black-13`)?.suspended, true, `the suspension the owner never set is not lifted at ${c.platform} by an invented objection`)
}
