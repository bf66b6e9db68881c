import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import type { SimulatedPlatform } from '../../sim/platform-simulator.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { killHard, startChildWorker } from '../helpers/child-worker.js'
import { accept, objection } from '../helpers/coordination-items.js'
import { coalescedPushes as coalesced } from '../helpers/coalesce-setup.js'

t.test('under coalescing, an objection reaches a destination before the messages that depend on it', async (t) => {
  const { h, sims } = await startDeliverySetup(t, { workers: false, policy: { timeoutMs: 5000 } })
  const entry = sampleEntry('JS', '320000', 1)
  const first = await accept(h, 'JS', 'list.upsert', [entry])
  const opened = await accept(h, 'ZJ', 'objection.open', [objection(entry, 'O1')])
  const corrected = await accept(h, 'JS', 'list.upsert', [{ ...entry, version: 2, facts: '经核实更正后的事由。' }])
  for (let i = 2; i <= 6; i++) await accept(h, 'JS', 'list.upsert', [sampleEntry('JS', '320000', i)])
  const worker = await startChildWorker(h)
  t.teardown(async () => { await killHard(worker) })
  t.ok(await waitFor(async () => Object.keys(await statusCounts(h)).join() === 'delivered', 30_000), 'everything delivered')
  for (const id of ['SH', 'AH']) {
    const s = sims.get(id) as SimulatedPlatform
    const order = s.received.map((r) => r.jti)
    t.ok(order.includes(opened) && order.includes(corrected), `${id} got the objection and the corrected version`)
    // Every message about the entry waits for its undelivered objection (objection-order.ts), the older one too
    // (which is not sent at all once the corrected version is confirmed: superseded).
    t.ok(!order.includes(first) || order.indexOf(opened) < order.indexOf(first), `${id} got the objection before the first version`)
    t.ok(order.indexOf(opened) < order.indexOf(corrected), `${id} got the objection before the corrected version`)
    t.equal(s.held.get(`JS:${entry.entryId}`)?.version, 2, `${id} holds the corrected version`)
    t.ok(coalesced(s) > 0, `${id} got coalesced pushes`)
  }
})
