import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { killHard, startChildWorker } from '../helpers/child-worker.js'
import { coalescedPushes as coalesced, publishUpsert as publish } from '../helpers/coalesce-setup.js'

t.test('a message refused inside a push fails alone; the others of the push are delivered', async (t) => {
  const { h, sim } = await startDeliverySetup(t, { workers: false, policy: { timeoutMs: 30_000 } })
  const jtis: string[] = []
  for (let i = 1; i <= 6; i++) jtis.push(await publish(h, 'SH', [sampleEntry('SH', '310000', i)]))
  const refused = jtis[2] as string
  sim('JS').refuse.add(refused)
  const worker = await startChildWorker(h)
  t.teardown(async () => { await killHard(worker) })
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 17, 30_000), 'all but one delivered')
  t.ok(coalesced(sim('JS')) > 0, 'JS got coalesced pushes')
  const { rows } = await h.db.query<{ status: string, attempts: number, last_error_code: string }>(
    "SELECT status, attempts, last_error_code FROM deliveries WHERE destination = 'JS' AND jti = $1", [refused])
  t.same(rows, [{ status: 'dead', attempts: 1, last_error_code: 'ADAPTER_REFUSED' }], 'the refused message is dead with its cause')
  t.same([...sim('JS').messagesApplied].sort(), jtis.filter((j) => j !== refused).sort(), 'JS applied the others once')
})

t.test('a push failing as a whole fails each message as its own attempt; all are retried and arrive once', async (t) => {
  const { h, sim } = await startDeliverySetup(t, { workers: false, policy: { timeoutMs: 5000 } })
  const jtis: string[] = []
  for (let i = 1; i <= 6; i++) jtis.push(await publish(h, 'SH', [sampleEntry('SH', '310000', i)]))
  sim('JS').failure = 'error-500'
  const worker = await startChildWorker(h)
  t.teardown(async () => { await killHard(worker) })
  const failedAttempts = async (): Promise<number> => Number((await h.db.query<{ n: string }>(
    `SELECT count(DISTINCT a.delivery_id) AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
     WHERE d.destination = 'JS' AND a.outcome = 'failed'`)).rows[0]?.n)
  t.ok(await waitFor(async () => await failedAttempts() === 6, 30_000), 'every message of JS had a failed attempt')
  t.ok(sim('JS').pushes.length < 6 + 6, 'the failures came from coalesced pushes')
  sim('JS').failure = 'none'
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 18, 30_000), 'everything delivered after recovery')
  const { rows } = await h.db.query<{ attempts: number }>("SELECT attempts FROM deliveries WHERE destination = 'JS'")
  t.ok(rows.every((r) => r.attempts >= 2), 'each JS delivery counted its failed attempt')
  t.same([...sim('JS').messagesApplied].sort(), [...jtis].sort(), 'JS applied each message once')
})
