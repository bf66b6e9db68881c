import type { FastifyInstance } from 'fastify'
import { GATEWAY_ID } from '../contracts/envelope-v1.js'
import { healRun } from '../src/reconcile/heal-run.js'
import { runReconciliation } from '../src/reconcile/reconcile-service.js'
import { configShares } from '../src/reconcile/fingerprint-scope.js'

export interface ReconciliationDemoOptions {
  owner: string
  listCode: string
  /** The replica platform to reconcile (its adapter must offer range reconciliation or an export). */
  platform: string
  /** Changes the replica's own storage behind the gateway's back (e.g. deletes or edits an entry). */
  drift: () => void | Promise<void>
  /** How long to wait for the heal's deliveries (default 15 s). */
  waitMs?: number
}

export interface ReconciliationDemoOutcome {
  /** Whether the step held: the drift was found, healed, and a second run found nothing. */
  held: boolean
  /** One line for the demo's step table. */
  detail: string
  runId: string
  secondRunId: string | undefined
}

/**
 * A demo step (for demo-scenario.ts): seeds drift in a replica through `drift`, reconciles,
 * heals as an admin would approve it (recorded in admin_actions under `demo`), waits for the heal's
 * deliveries, reconciles again and says whether the replica matches the owner once more.
 */
export async function reconciliationDemoStep (
  app: FastifyInstance, opts: ReconciliationDemoOptions
): Promise<ReconciliationDemoOutcome> {
  const deps = { pool: app.pg, adapters: app.delivery.adapters, shares: configShares(app.config) }
  const scope = { owner: opts.owner, listCode: opts.listCode, platform: opts.platform }
  await opts.drift()
  const first = await runReconciliation(deps, scope, 'demo', 'demo')
  if (first.status !== 'done' || first.findings.length === 0) {
    return { held: false, detail: `run ${first.id}: ${first.status}, ${first.findings.length} findings — the drift was not found${first.error === undefined ? '' : ` (${first.error})`}`, runId: first.id, secondRunId: undefined }
  }
  const kinds = [...new Set(first.findings.map((f) => f.kind))].join(', ')
  const heal = await healRun(app.pg, app.gatewayKeys, first.id, 'demo')
  app.delivery.relay.kick()
  const end = Date.now() + (opts.waitMs ?? 15_000)
  for (;;) {
    const { rows } = await app.pg.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE iss = $2 AND jti = ANY($1) AND status = 'delivered'", [heal.jtis, GATEWAY_ID])
    // Objection messages resent from the ledger keep their own issuer: waited for by delivery id.
    const resent = await app.pg.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1::bigint[]) AND status = 'delivered'", [heal.resent.map((m) => m.deliveryId)])
    if ((rows[0]?.n === heal.jtis.length && resent.rows[0]?.n === heal.resent.length) || Date.now() > end) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const second = await runReconciliation(deps, scope, 'demo', 'demo')
  const held = second.status === 'done' && second.findings.length === 0
  return {
    held,
    detail: `${opts.platform}: run ${first.id} found ${first.findings.length} (${kinds}) via ${first.method ?? '-'}; healed with ${heal.jtis.length} message(s); run ${second.id} found ${second.findings.length}`,
    runId: first.id,
    secondRunId: second.id
  }
}
