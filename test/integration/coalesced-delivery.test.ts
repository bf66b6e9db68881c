import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { killHard, startChildWorker } from '../helpers/child-worker.js'
import { coalescedPushes as coalesced, publishUpsert as publish } from '../helpers/coalesce-setup.js'

t.test('one push carries several messages; each keeps its own status, attempt, receipt and sent digest', async (t) => {
  // Exactly one attempt each is asserted: a generous timeout, so a loaded machine does not time one out.
  const { h, sims, sim } = await startDeliverySetup(t, { workers: false, policy: { timeoutMs: 30_000 } })
  const jtis: string[] = []
  for (let i = 1; i <= 10; i++) jtis.push(await publish(h, 'SH', [sampleEntry('SH', '310000', i)]))
  const worker = await startChildWorker(h)
  t.teardown(async () => { await killHard(worker) })
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 30, 30_000), 'delivered to three platforms')
  for (const id of ['JS', 'ZJ', 'AH']) {
    t.ok(coalesced(sim(id)) > 0, `${id} got several messages in one push`)
    t.ok(sim(id).pushes.length + 1 < 10, `${id}: fewer pushes than messages (${sim(id).pushes.length})`)
    t.same([...sim(id).messagesApplied].sort(), [...jtis].sort(), `${id} applied each message once`)
  }
  interface Row { jti: string, attempts: number, receipt_jti: string, outcome: string, same: boolean }
  const { rows } = await h.db.query<Row>(
    `SELECT d.jti, d.attempts, d.receipt->>'jti' AS receipt_jti, a.outcome, a.sent_digest = a.receipt->>'digest' AS same
     FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id`)
  t.equal(rows.length, 30, 'one attempt per delivery')
  t.ok(rows.every((r) => r.attempts === 1 && r.receipt_jti === r.jti && r.outcome === 'delivered' && r.same),
    'each delivery: one attempt, its own receipt, the digest of what was sent')
  t.equal(sims.get('SH')?.received.length, 0, 'nothing sent back to its owner')
})

t.test('batchMaxMessages 1 turns coalescing off: one message per push, the single form', async (t) => {
  const { h, sim } = await startDeliverySetup(t, { workers: false, policy: { timeoutMs: 5000, batchMaxMessages: 1 } })
  for (let i = 1; i <= 4; i++) await publish(h, 'SH', [sampleEntry('SH', '310000', i)])
  const worker = await startChildWorker(h)
  t.teardown(async () => { await killHard(worker) })
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 12, 30_000), 'delivered')
  t.equal(sim('JS').pushes.length, 0, 'no batch form used')
  t.equal(sim('JS').messagesApplied.length, 4)
})
