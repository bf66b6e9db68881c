import fp from 'fastify-plugin'
import { Counter, Gauge } from 'prom-client'
import { FINDING_KINDS } from '../../contracts/reconcile-v1.js'
import { AuditWatch } from '../audit/audit-watch.js'
import { ledgerGauge } from '../plugins/ledger-gauge.js'

// The latest finished run of each (list, replica platform): what drift reconciliation last found.
const FINDINGS = `WITH latest AS (
  SELECT DISTINCT ON (owner, list_code, platform) platform, counts FROM reconciliation_runs
  WHERE status = 'done' ORDER BY owner, list_code, platform, id DESC
)
SELECT l.platform, k AS kind, sum(coalesce((l.counts->>k)::bigint, 0)) AS n
FROM latest l CROSS JOIN unnest($1::text[]) AS k GROUP BY 1, 2`

// The queue is in arrival order: its first envelope is the one waiting longest.
const SEQUENCING_LAG = `SELECT coalesce(extract(epoch FROM now() - min(e.received_at)), 0) AS n
FROM (SELECT iss, jti FROM transparency_pending ORDER BY id LIMIT 1) q JOIN envelopes e USING (iss, jti)`

const LATEST_CHECKPOINT = `LEFT JOIN LATERAL (
  SELECT tree_size, signed_at FROM transparency_checkpoints c WHERE c.log_id = l.id ORDER BY c.id DESC LIMIT 1
) c ON true`

// Leaf `tree_size` of the newest checkpoint is the first leaf no signed checkpoint covers yet.
const CHECKPOINT_LAG = `SELECT l.owner, l.list_code AS list, coalesce(extract(epoch FROM now() - h.recorded_at), 0) AS n
FROM transparency_logs l ${LATEST_CHECKPOINT}
LEFT JOIN transparency_leaves f ON f.log_id = l.id AND f.idx = coalesce(c.tree_size, 0)
LEFT JOIN entry_history h ON h.id = f.history_id`

const OVERDUE = `SELECT 'case' AS kind, count(*) AS n FROM cases WHERE status IN ('open', 'suspended') AND overdue
UNION ALL SELECT 'objection', count(*) FROM objections WHERE status = 'open' AND overdue
UNION ALL SELECT 'repair', count(*) FROM repairs WHERE status = 'open' AND overdue`

/**
 * The gauges operators alert on beyond delivery (delivery-plugin.ts has those): reconciliation
 * drift, transparency sequencing and checkpoint lag, overdue coordination, the audit chains, and
 * failed fetches of remote key sets. Ledger gauges are read at scrape time on every instance; the
 * audit chains are walked by the workers (AuditWatch) and reported by the instance that walked them.
 */
export const operationsGaugesPlugin = fp<{ workers: boolean }>(async (app, opts) => {
  const registry = app.metrics.registry
  const gauge = (name: string, help: string, labelNames: string[], sql: string, params?: () => unknown[]): void => {
    ledgerGauge(registry, app.pg, { name, help, labelNames, sql, params })
  }
  gauge('gw_reconciliation_findings',
    'Findings of the latest finished reconciliation run of each list, summed per replica platform and kind (0: in sync)',
    ['platform', 'kind'], FINDINGS, () => [[...FINDING_KINDS]])
  gauge('gw_transparency_pending_envelopes', 'Accepted envelopes whose entry changes wait to be appended to their transparency logs',
    [], 'SELECT count(*) AS n FROM transparency_pending')
  gauge('gw_transparency_sequencing_lag_seconds',
    'How long the oldest accepted envelope not yet in its transparency logs has waited (0: none waits)', [], SEQUENCING_LAG)
  gauge('gw_transparency_checkpoint_age_seconds', 'Time since the newest signed checkpoint of each list\'s log',
    ['owner', 'list'],
    `SELECT l.owner, l.list_code AS list, extract(epoch FROM now() - c.signed_at) AS n FROM transparency_logs l ${LATEST_CHECKPOINT}
     WHERE c.signed_at IS NOT NULL`)
  gauge('gw_transparency_checkpoint_lag_seconds',
    'How long the oldest change of each list\'s log that no signed checkpoint covers yet has waited since it was accepted (0: all covered)',
    ['owner', 'list'], CHECKPOINT_LAG)
  gauge('gw_coordination_overdue',
    'Open coordination items past their deadline: joint-punishment cases (response or feedback), objections, repair requests',
    ['kind'], OVERDUE)

  const jwksFailures = new Counter({
    name: 'gw_jwks_fetch_failures_total',
    help: 'Failed fetches of an issuer\'s remote key set (jwksUrl), per issuer and cause code (jose\'s ERR_JWKS_TIMEOUT, ERR_JWKS_INVALID, ERR_JOSE_GENERIC for a non-200 answer; NETWORK)',
    labelNames: ['issuer', 'code'],
    registers: [registry]
  })
  app.keyDirectory.onFetchFailure?.((issuer, code) => { jwksFailures.inc({ issuer, code }) })

  const audit = new AuditWatch(app.pg, app.config.settings.auditVerifyIntervalMs, (o, m) => { app.log.warn(o, m) })
  new Gauge({ // eslint-disable-line no-new
    name: 'gw_audit_chain_intact',
    help: 'Whether the last walk of an audit hash chain (query_log, admin_actions) found every link intact (1) or a broken one (0)',
    labelNames: ['chain'],
    registers: [registry],
    collect () {
      for (const [chain, c] of audit.last) this.set({ chain }, c.ok ? 1 : 0)
    }
  })
  new Gauge({ // eslint-disable-line no-new
    name: 'gw_audit_chain_verified_timestamp_seconds',
    help: 'When an audit hash chain was last walked (Unix time)',
    labelNames: ['chain'],
    registers: [registry],
    collect () {
      for (const [chain, c] of audit.last) this.set({ chain }, c.at.getTime() / 1000)
    }
  })
  app.decorate('auditWatch', audit)
  if (opts.workers) audit.start()
  app.addHook('onClose', async () => { await audit.stop() })
}, { name: 'gw-operations-gauges', dependencies: ['gw-context', 'gw-postgres', 'gw-metrics'] })

declare module 'fastify' {
  interface FastifyInstance { auditWatch: AuditWatch }
}
