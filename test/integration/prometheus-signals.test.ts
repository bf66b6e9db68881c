import t from 'tap'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { urlOf } from '../helpers/harness.js'
import { familiesOf } from '../helpers/metric-samples.js'
import { promtool } from '../helpers/promtool.js'

const DEPLOY = resolve(process.cwd(), 'deploy')
const ALERTS = resolve(DEPLOY, 'prometheus', 'alerts.yml')
const DASHBOARD = resolve(DEPLOY, 'grafana', 'gateway-dashboard.json')

/** The metric families an expression reads (histogram series by their family). */
const metricsIn = (expr: string): string[] =>
  [...expr.matchAll(/\b(?:gw|process|nodejs)_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''))

t.test('promtool: the alert rules check and their unit tests pass', async (t) => {
  const rules = await promtool(['check', 'rules', ALERTS])
  t.equal(rules.code, 0, rules.out)
  t.match(rules.out, /SUCCESS: \d+ rules found/)
  const unit = await promtool(['test', 'rules', 'alerts.test.yml'], { cwd: resolve(DEPLOY, 'prometheus') })
  t.equal(unit.code, 0, unit.out)
})

t.test('a live /metrics page after traffic: promtool finds nothing; every metric the alerts and the dashboard read is on it', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  sim('AH').failure = 'reject-400'
  for (let i = 1; i <= 3; i++) {
    const { jws } = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', i)] })
    t.equal((await h.post(jws)).status, 202)
  }
  t.equal((await h.post('not a jws')).status, 400, 'a rejection too')
  t.ok(await waitFor(async () => {
    const c = await statusCounts(h)
    return c.delivered === 6 && c.dead === 3
  }), 'delivered to JS and ZJ, dead at AH')
  await h.app.transparency.schedule.checkpointNow()
  await h.app.auditWatch.runOnce()
  const res = await fetch(`${urlOf(h)}/metrics`)
  t.equal(res.status, 200)
  const page = await res.text()
  const check = await promtool(['check', 'metrics'], { input: page })
  t.equal(check.code, 0, 'promtool check metrics is clean')
  t.equal(check.out.trim(), '', check.out)

  const families = familiesOf(page)
  const alerts = readFileSync(ALERTS, 'utf8')
  for (const name of new Set(metricsIn(alerts))) t.ok(families.has(name), `alerts.yml reads ${name}: on the page`)
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ title: string, targets: Array<{ expr: string }> }> }
  t.ok(dashboard.panels.length > 10, 'the dashboard parses, with its panels')
  const queried = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((q) => metricsIn(q.expr))))
  for (const name of queried) t.ok(families.has(name), `the dashboard reads ${name}: on the page`)
  for (const name of ['gw_delivery_oldest_undelivered_age_seconds', 'gw_outbox_oldest_age_seconds', 'gw_reconciliation_findings',
    'gw_transparency_sequencing_lag_seconds', 'gw_transparency_checkpoint_age_seconds', 'gw_jwks_fetch_failures_total',
    'gw_coordination_overdue', 'gw_audit_chain_intact', 'gw_dead_deliveries', 'gw_platform_paused']) {
    t.ok(queried.has(name), `the dashboard shows ${name}`)
  }
  t.match(page, /gw_dead_deliveries\{platform="AH",code="ADAPTER_REFUSED"\} 3/)
  t.match(page, /gw_audit_chain_intact\{chain="query_log"\} 1/)
})
