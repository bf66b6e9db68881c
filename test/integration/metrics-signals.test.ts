import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { familiesOf, sampleOf } from '../helpers/metric-samples.js'

async function publish (h: Harness, iss: string, n: number): Promise<string> {
  const { jws, jti } = await h.sign(iss, { kind: 'list.upsert', items: [sampleEntry(iss, '310000', n)] })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`publish failed: ${JSON.stringify(res.body)}`)
  return jti
}

const scrape = async (h: Harness): Promise<{ status: number, body: string }> => {
  const res = await h.app.inject({ url: '/metrics' })
  return { status: res.statusCode, body: res.body }
}

t.test('a collector whose table is gone: the page is served without it, the failure counted; back once the table is', async (t) => {
  const lines: string[] = []
  const h = await startHarness(t, { logStream: { write: (l) => { lines.push(l) } } })
  await publish(h, 'SH', 1)
  t.ok(sampleOf((await scrape(h)).body, 'gw_deliveries{platform="JS",status="queued"}') === 1, 'read from the ledger')
  await h.db.query('ALTER TABLE deliveries RENAME TO deliveries_away')
  const page = await scrape(h)
  t.equal(page.status, 200, 'a failing collector never makes the scrape a 500')
  const families = familiesOf(page.body)
  for (const gone of ['gw_deliveries', 'gw_dead_deliveries', 'gw_delivery_oldest_undelivered_age_seconds', 'gw_outbox_rows']) {
    t.notOk(families.has(gone), `${gone} is left off (no stale values)`)
  }
  t.equal(sampleOf(page.body, 'gw_envelopes_accepted_total{iss="SH",kind="list.upsert"}'), 1, 'what worked is served')
  t.ok(families.has('process_cpu_seconds_total'), 'process metrics too')
  t.equal(sampleOf(page.body, 'gw_metrics_collect_errors_total{collector="gw_deliveries"}'), 1, 'the failure counted on the same page')
  t.ok(lines.some((l) => l.includes('"collector":"gw_deliveries"') && l.includes('a collector failed')), 'and logged')
  await h.db.query('ALTER TABLE deliveries_away RENAME TO deliveries')
  const back = await scrape(h)
  t.equal(sampleOf(back.body, 'gw_deliveries{platform="JS",status="queued"}'), 1, 'back on the next scrape')
  t.equal(sampleOf(back.body, 'gw_metrics_collect_errors_total{collector="gw_deliveries"}'), 1, 'no new failure')
})

t.test('a collector blocked by a lock answers nothing in time: left off after metricsCollectTimeoutMs, the rest served', async (t) => {
  const h = await startHarness(t, { settings: { metricsCollectTimeoutMs: 300 } })
  const locker = await h.db.connect()
  t.teardown(async () => { await locker.query('ROLLBACK').catch(() => undefined); locker.release() })
  await locker.query('BEGIN')
  await locker.query('LOCK TABLE reconciliation_runs IN ACCESS EXCLUSIVE MODE')
  const page = await scrape(h)
  t.equal(page.status, 200)
  t.notOk(familiesOf(page.body).has('gw_reconciliation_findings'), 'the blocked gauge is left off')
  t.equal(sampleOf(page.body, 'gw_metrics_collect_errors_total{collector="gw_reconciliation_findings"}'), 1)
  t.ok(familiesOf(page.body).has('gw_deliveries'), 'the others are served')
  await locker.query('ROLLBACK')
})

t.test('process metrics under their standard names; no gauge named _total', async (t) => {
  const h = await startHarness(t)
  const families = familiesOf((await scrape(h)).body)
  for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_active_handles']) {
    t.ok(families.has(name), name)
  }
  t.notOk([...families].some((f) => f.startsWith('gw_process_') || f.startsWith('gw_nodejs_')), 'no gw_ prefix on them')
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    t.notOk(families.has(name), `${name} (a gauge named like a counter) is left off`)
  }
})

t.test('lag, outbox, transparency, reconciliation, overdue and audit gauges read what the ledger holds', async (t) => {
  const h = await startHarness(t)
  await publish(h, 'SH', 1)
  // Without workers nothing is relayed or sequenced: make the backlog an hour old.
  await h.db.query("UPDATE deliveries SET created_at = now() - interval '1 hour', updated_at = now() - interval '1 hour'")
  await h.db.query("UPDATE envelopes SET received_at = now() - interval '1 hour'")
  let page = (await scrape(h)).body
  t.ok(sampleOf(page, 'gw_delivery_oldest_undelivered_age_seconds{platform="JS"}') >= 3600, 'oldest undelivered, per platform')
  t.equal(sampleOf(page, 'gw_delivery_oldest_undelivered_age_seconds{platform="SH"}'), 0, '0 where nothing is owed')
  t.ok(sampleOf(page, 'gw_outbox_oldest_age_seconds') >= 3600, 'outbox age')
  t.equal(sampleOf(page, 'gw_outbox_rows'), 3)
  t.equal(sampleOf(page, 'gw_transparency_pending_envelopes'), 1)
  t.ok(sampleOf(page, 'gw_transparency_sequencing_lag_seconds') >= 3600, 'sequencing lag')
  for (const kind of ['case', 'objection', 'repair']) t.equal(sampleOf(page, `gw_coordination_overdue{kind="${kind}"}`), 0)

  // Sequenced, not yet signed: the change waits for a checkpoint; once signed, nothing does.
  await h.app.transparency.sequencer.drain(true)
  await h.db.query("UPDATE entry_history SET recorded_at = now() - interval '1 hour'")
  page = (await scrape(h)).body
  t.equal(sampleOf(page, 'gw_transparency_sequencing_lag_seconds'), 0)
  const lag = page.split('\n').find((l) => l.startsWith('gw_transparency_checkpoint_lag_seconds{owner="SH"'))
  t.ok(Number(lag?.split(' ')[1]) >= 3600, 'an unsigned change an hour old')
  await h.app.transparency.schedule.checkpointNow()
  page = (await scrape(h)).body
  const signed = page.split('\n').find((l) => l.startsWith('gw_transparency_checkpoint_lag_seconds{owner="SH"'))
  t.equal(Number(signed?.split(' ')[1]), 0, 'covered by a signed checkpoint')
  t.ok(page.split('\n').some((l) => l.startsWith('gw_transparency_checkpoint_age_seconds{owner="SH"')), 'checkpoint age')

  // The latest finished run of each list counts; an earlier one does not.
  await h.db.query(`INSERT INTO reconciliation_runs (owner, list_code, platform, trigger, requested_by, status, started_at, counts)
    VALUES ('SH', 'L1', 'JS', 'api', 'test', 'done', now(), '{"missing": 5}'),
           ('SH', 'L1', 'JS', 'api', 'test', 'done', now(), '{"missing": 2, "stale": 1}'),
           ('SH', 'L2', 'JS', 'api', 'test', 'done', now(), '{"missing": 1}'),
           ('SH', 'L1', 'AH', 'api', 'test', 'failed', now(), '{"missing": 9}')`)
  page = (await scrape(h)).body
  t.equal(sampleOf(page, 'gw_reconciliation_findings{platform="JS",kind="missing"}'), 3)
  t.equal(sampleOf(page, 'gw_reconciliation_findings{platform="JS",kind="stale"}'), 1)
  t.equal(sampleOf(page, 'gw_reconciliation_findings{platform="JS",kind="extra-removed"}'), 0, 'every kind, 0 when in sync')
  t.ok(Number.isNaN(sampleOf(page, 'gw_reconciliation_findings{platform="AH",kind="missing"}')), 'a failed run finds nothing')

  // The audit chains: intact, then a row changed behind the triggers' back.
  await h.db.query(`INSERT INTO admin_actions (principal, action, target)
    VALUES ('admin-user', 'delivery.resend', '1'), ('admin-user', 'delivery.resend', '2')`)
  await h.app.auditWatch.runOnce()
  page = (await scrape(h)).body
  t.equal(sampleOf(page, 'gw_audit_chain_intact{chain="query_log"}'), 1)
  t.equal(sampleOf(page, 'gw_audit_chain_intact{chain="admin_actions"}'), 1)
  t.ok(sampleOf(page, 'gw_audit_chain_verified_timestamp_seconds{chain="query_log"}') > 0)
  await h.db.query('ALTER TABLE admin_actions DISABLE TRIGGER admin_actions_append_only')
  await h.db.query("UPDATE admin_actions SET target = '3' WHERE seq = 1")
  await h.app.auditWatch.runOnce()
  t.equal(sampleOf((await scrape(h)).body, 'gw_audit_chain_intact{chain="admin_actions"}'), 0, 'a broken chain reads 0')
})

t.test('a key set that cannot be fetched is counted per issuer and cause', async (t) => {
  const h = await startHarness(t, {
    settings: { jwksHttpHosts: ['127.0.0.1'] },
    platformOverrides: (p) => (p.id === 'AH' ? { ...p, jwks: undefined, jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json' } : p)
  })
  const { jws } = await h.sign('AH', { kind: 'list.upsert', items: [sampleEntry('AH', '340000', 1)] })
  t.equal((await h.post(jws)).status, 503)
  t.equal(sampleOf((await scrape(h)).body, 'gw_jwks_fetch_failures_total{issuer="AH",code="NETWORK"}'), 1)
})
