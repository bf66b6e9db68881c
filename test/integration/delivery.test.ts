import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import type { Harness } from '../helpers/harness.js'

async function publish (h: Harness, iss: string, items: unknown[], kind: 'list.upsert' | 'list.remove' = 'list.upsert'): Promise<string> {
  const { jws, jti } = await h.sign(iss, { kind, items })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`publish failed: ${JSON.stringify(res.body)}`)
  return jti
}

t.test('an accepted envelope reaches every other platform once, with receipts and an evidence trail', async (t) => {
  // Exactly one attempt each is asserted: a generous timeout, so a loaded machine does not time one out.
  const { h, sim } = await startDeliverySetup(t, { policy: { timeoutMs: 5000 } })
  const jti = await publish(h, 'SH', [sampleEntry('SH', '310000', 1), sampleEntry('SH', '310000', 2)])
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3), 'delivered to three platforms')
  for (const id of ['JS', 'ZJ', 'AH']) {
    t.same([...sim(id).held.keys()].sort(), ['SH:SH-black-1', 'SH:SH-black-2'], `${id} holds both entries`)
  }
  t.equal(sim('SH').received.length, 0, 'nothing sent back to its owner')
  const status = (await h.app.inject({ url: `/v1/messages/${jti}`, headers: { authorization: `Bearer ${await h.platformToken('SH')}` } })).json()
  for (const d of status.destinations) {
    t.equal(d.status, 'delivered')
    t.equal(d.attempts, 1)
    t.equal(d.receipt.jti, jti, `${d.platform}: the destination's receipt is shown`)
    t.ok(d.deliveredAt)
  }
  const attempts = await h.db.query("SELECT outcome, sent_digest, receipt->>'digest' AS receipt_digest FROM delivery_attempts")
  t.equal(attempts.rows.length, 3)
  t.ok(attempts.rows.every((r) => r.outcome === 'delivered' && r.sent_digest === r.receipt_digest), 'every attempt recorded with what was sent and the receipt')
  const metrics = (await h.app.inject({ url: '/metrics' })).body
  t.match(metrics, /gw_delivery_attempts_total\{platform="JS",outcome="delivered"\} 1/)
  t.match(metrics, /gw_delivery_lag_seconds_count\{platform="ZJ"\} 1/)
  t.match(metrics, /gw_deliveries\{platform="AH",status="delivered"\} 1/)
  t.match(metrics, /gw_queue_depth\{platform="AH",state="wait"\} 0/)
})

t.test('a platform down for a while: its queue pauses without burning attempts, then everything arrives once', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  await sim('JS').stop()
  const jtis: string[] = []
  for (let i = 1; i <= 6; i++) jtis.push(await publish(h, i % 2 === 0 ? 'SH' : 'ZJ', [sampleEntry(i % 2 === 0 ? 'SH' : 'ZJ', '310000', i)]))
  t.ok(await waitFor(() => h.app.delivery.health.isPaused('JS')), 'JS queue paused')
  t.ok(await waitFor(async () => (await statusCounts(h, "destination <> 'JS'")).delivered === 12), 'the others get theirs meanwhile')
  await new Promise((resolve) => setTimeout(resolve, 600))
  const burnt = await h.db.query<{ max: number }>("SELECT max(attempts) AS max FROM deliveries WHERE destination = 'JS'")
  t.ok((burnt.rows[0]?.max ?? 99) <= 1, 'no attempts burnt while paused')
  await sim('JS').restart()
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 18, 15_000), 'everything delivered after recovery')
  t.notOk(h.app.delivery.health.isPaused('JS'), 'queue resumed by itself')
  const jsApplied = sim('JS').applied.map((a) => a.jti).sort()
  t.same(jsApplied, [...jtis].sort(), 'JS applied each message exactly once')
})

t.test('a platform answering 500 or hanging past the timeout is retried until it recovers', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  sim('AH').failure = 'error-500'
  sim('ZJ').failure = 'hang'
  await publish(h, 'JS', [sampleEntry('JS', '320000', 1)])
  t.ok(await waitFor(async () => {
    const { rows } = await h.db.query("SELECT status, attempts, last_error FROM deliveries WHERE destination IN ('AH', 'ZJ') ORDER BY destination")
    return rows.length === 2 && rows.every((r) => r.status === 'retrying' || (r.status === 'delivering' && r.attempts > 1))
  }), 'both retrying')
  const errors = await h.db.query("SELECT destination, last_error FROM deliveries WHERE destination IN ('AH', 'ZJ') ORDER BY destination")
  t.match(errors.rows[0]?.last_error ?? '', /500|paused|unreachable/, 'AH: the 500 is the reason')
  t.match(errors.rows[1]?.last_error ?? '', /timed out|unreachable|paused/, 'ZJ: the timeout is the reason')
  sim('AH').failure = 'none'
  sim('ZJ').failure = 'none'
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3, 15_000), 'delivered once they recover')
  t.equal(sim('AH').applied.length, 1)
  t.equal(sim('ZJ').applied.length, 1, 'applied once although it was sent several times')
})

t.test('garbage, a wrong receipt or a 4xx make a delivery dead at once, with the reason; resend brings it back', async (t) => {
  const lines: string[] = []
  const { h, sim } = await startDeliverySetup(t, { logStream: { write: (line) => { lines.push(...line.split('\n').filter((l) => l !== '')) } } })
  sim('SH').failure = 'garbage'
  sim('JS').failure = 'wrong-receipt'
  sim('ZJ').failure = 'reject-400'
  await publish(h, 'AH', [sampleEntry('AH', '340000', 1)])
  t.ok(await waitFor(async () => (await statusCounts(h)).dead === 3), 'three dead')
  const dead = await h.db.query('SELECT id, destination, attempts, last_error FROM deliveries ORDER BY destination')
  t.same(dead.rows.map((r) => [r.destination, r.attempts]), [['JS', 1], ['SH', 1], ['ZJ', 1]], 'no retries for permanent failures')
  t.match(dead.rows[0]?.last_error, /digest does not match/)
  t.match(dead.rows[1]?.last_error, /not JSON/)
  t.match(dead.rows[2]?.last_error, /refused the delivery \(400\)/)
  const causes = await h.db.query('SELECT destination, last_error_code FROM deliveries ORDER BY destination')
  const expected = [['JS', 'ADAPTER_INVALID_RECEIPT'], ['SH', 'ADAPTER_INVALID_RECEIPT'], ['ZJ', 'ADAPTER_REFUSED']]
  t.same(causes.rows.map((r) => [r.destination, r.last_error_code]), expected, 'each dead delivery keeps its cause as a code')
  const deadLog = lines.map((l) => JSON.parse(l) as { level: number, msg: string, platform: string, code: string })
    .filter((l) => l.msg === 'delivery dead').map((l) => [l.platform, l.code, l.level]).sort()
  t.same(deadLog, expected.map((e) => [...e, 40]), 'a dead delivery is logged at warn with its cause code')
  const metrics = (await h.app.inject({ url: '/metrics' })).body
  t.match(metrics, /gw_delivery_failures_total\{platform="ZJ",outcome="dead",code="ADAPTER_REFUSED"\} 1/, 'failures counted by cause code')
  t.match(metrics, /gw_dead_deliveries\{platform="SH",code="ADAPTER_INVALID_RECEIPT"\} 1/, 'dead deliveries by cause code')

  const admin = await h.adminToken('admin')
  const listing = (await h.app.inject({ url: '/v1/deliveries?status=dead&platform=ZJ', headers: { authorization: `Bearer ${admin}` } })).json()
  t.same(listing.deliveries.map((d: { platform: string, status: string }) => [d.platform, d.status]), [['ZJ', 'dead']])
  t.same(listing.deliveries.map((d: { lastErrorCode: string | null }) => d.lastErrorCode), ['ADAPTER_REFUSED'], 'the listing names the cause')
  const zj = listing.deliveries[0].deliveryId as string

  const auditor = await h.adminToken('auditor')
  const refused = await h.app.inject({ method: 'POST', url: `/v1/deliveries/${zj}/resend`, headers: { authorization: `Bearer ${auditor}` } })
  t.same([refused.statusCode, refused.json().code], [403, 'FORBIDDEN'], 'an auditor cannot resend')

  for (const s of ['SH', 'JS', 'ZJ']) sim(s).failure = 'none'
  for (const row of dead.rows) {
    const res = await h.app.inject({ method: 'POST', url: `/v1/deliveries/${row.id as string}/resend`, headers: { authorization: `Bearer ${admin}` } })
    t.equal(res.statusCode, 202)
  }
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3), 'all delivered after resend')
  const again = await h.app.inject({ method: 'POST', url: `/v1/deliveries/${zj}/resend`, headers: { authorization: `Bearer ${admin}` } })
  t.equal(again.statusCode, 202, 'a delivered one can be resent too')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3))
  t.equal(sim('ZJ').applied.length, 1, 'resending a delivered message is harmless: same jti, applied once')
  const trail = await h.db.query('SELECT outcome FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id', [zj])
  t.same(trail.rows.map((r) => r.outcome), ['failed', 'delivered', 'delivered'], 'the evidence trail keeps every attempt')
  const actions = await h.db.query('SELECT principal, action, target FROM admin_actions ORDER BY id')
  t.equal(actions.rows.length, 4)
  t.same(actions.rows[0], { principal: 'admin-console:admin-user', action: 'delivery.resend', target: dead.rows[0]?.id })
  const unknown = await h.app.inject({ method: 'POST', url: '/v1/deliveries/999999/resend', headers: { authorization: `Bearer ${admin}` } })
  t.same([unknown.statusCode, unknown.json().code], [404, 'NOT_FOUND'])
})

t.test('out of order: v2 delivered, then v1 retried — the destination keeps v2', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  sim('JS').failure = 'reject-400'
  await publish(h, 'SH', [sampleEntry('SH', '310000', 1, { version: 1 })])
  t.ok(await waitFor(async () => (await statusCounts(h, "destination = 'JS'")).dead === 1), 'v1 dead at JS')
  sim('JS').failure = 'none'
  await publish(h, 'SH', [sampleEntry('SH', '310000', 1, { version: 2 })])
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 5), 'v2 delivered everywhere')
  t.equal(sim('JS').held.get('SH:SH-black-1')?.version, 2)
  const v1 = await h.db.query("SELECT id FROM deliveries WHERE destination = 'JS' AND status = 'dead'")
  const res = await h.app.inject({ method: 'POST', url: `/v1/deliveries/${v1.rows[0]?.id as string}/resend`, headers: { authorization: `Bearer ${await h.adminToken('admin')}` } })
  t.equal(res.statusCode, 202)
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 6), 'the retried v1 completes')
  t.equal(sim('JS').held.get('SH:SH-black-1')?.version, 2, 'JS still holds v2')
  const last = await h.db.query("SELECT outcome FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.destination = 'JS' ORDER BY a.id DESC LIMIT 1")
  t.equal(last.rows[0]?.outcome, 'superseded', 'the gateway did not even send the stale version')
  t.same(sim('JS').applied.map((a) => a.version), [2], 'JS never applied v1 after v2')
})

t.test('a rejected (rolled back) envelope produces no outbox row and no queue job', async (t) => {
  const { h } = await startDeliverySetup(t)
  await publish(h, 'SH', [sampleEntry('SH', '310000', 1, { version: 2 })])
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3))
  const jobs = async (): Promise<number> => {
    let n = 0
    for (const q of h.app.delivery.queues.queues.values()) {
      const c = await q.getJobCounts('wait', 'active', 'delayed', 'paused', 'completed', 'failed')
      n += Object.values(c).reduce((a, b) => a + b, 0)
    }
    return n
  }
  const before = [await h.count('deliveries'), await jobs()]
  // Two items: the first would be written, the second conflicts: the whole transaction rolls back.
  const res = await h.post((await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 2), sampleEntry('SH', '310000', 1, { version: 1 })] })).jws)
  t.equal(res.body.code, 'VERSION_CONFLICT')
  await h.app.delivery.relay.drain()
  t.same([await h.count('deliveries'), await jobs()], before, 'no outbox row, no job')
  t.equal(await h.count('entries'), 1, 'the first item was not kept either')
})
