import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import type { SimulatedPlatform } from '../../sim/platform-simulator.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { killHard, startChildWorker } from '../helpers/child-worker.js'
import { coalescedPushes, publishUpsert } from '../helpers/coalesce-setup.js'

// A coalesced push records its companions together (delivered-together.ts): two messages of one push may carry
// the same entry, and the versions the ledger then says each replica holds must be the newest one sent.
t.test('a push carrying v1, v2 and v3 of one entry records each delivery and v3 as the replica version', async (t) => {
  const policy = { timeoutMs: 5000, concurrency: 1, batchMaxMessages: 10 }
  const { h, sims } = await startDeliverySetup(t, { workers: false, policy })
  for (let v = 1; v <= 3; v++) {
    await publishUpsert(h, 'SH', [sampleEntry('SH', '310000', 1, { version: v }), sampleEntry('SH', '310000', 2, { version: v })])
  }
  const worker = await startChildWorker(h)
  t.teardown(async () => { await killHard(worker) })
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9, 30_000), 'all nine deliveries delivered')
  const { rows } = await h.db.query<{ destination: string, entry_id: string, version: number }>(
    'SELECT destination, entry_id, version FROM replica_versions ORDER BY destination, entry_id')
  t.same(rows, ['AH', 'JS', 'ZJ'].flatMap((d) => [1, 2].map((e) => ({ destination: d, entry_id: `SH-black-${e}`, version: 3 }))),
    'each replica is recorded at v3 of both entries')
  const attempts = await h.db.query<{ outcome: string, n: string }>(
    'SELECT outcome, count(*) AS n FROM delivery_attempts GROUP BY outcome')
  t.same(attempts.rows, [{ outcome: 'delivered', n: '9' }], 'every attempt finished as delivered')
  const receipts = await h.db.query<{ n: string }>('SELECT count(*) AS n FROM deliveries WHERE receipt IS NULL OR delivered_at IS NULL')
  t.equal(receipts.rows[0]?.n, '0', 'every delivery keeps its receipt and time')
  for (const id of ['JS', 'ZJ', 'AH']) {
    const s = sims.get(id) as SimulatedPlatform
    t.ok(coalescedPushes(s) > 0, `${id} got a coalesced push`)
    t.ok(s.pushes.some((p) => p.messages === 3), `${id} got the three versions in one push`)
    for (const e of [1, 2]) t.equal(s.held.get(`SH:SH-black-${e}`)?.version, 3, `${id} holds v3 of entry ${e}`)
  }
})
