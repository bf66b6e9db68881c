import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import type { SimulatedPlatform } from '../../sim/platform-simulator.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { killHard, startChildWorker } from '../helpers/child-worker.js'
import { coalescedPushes as coalesced, publishUpsert as publish } from '../helpers/coalesce-setup.js'

t.test('under coalescing with concurrency, never an older version of an entry after a newer one', async (t) => {
  const policy = { timeoutMs: 5000, concurrency: 4, batchMaxMessages: 3 }
  const { h, sims } = await startDeliverySetup(t, { workers: false, policy })
  const versionOf = new Map<string, string>()
  for (let v = 1; v <= 3; v++) {
    for (let e = 1; e <= 5; e++) versionOf.set(await publish(h, 'SH', [sampleEntry('SH', '310000', e, { version: v })]), `${e}:${v}`)
  }
  const worker = await startChildWorker(h)
  t.teardown(async () => { await killHard(worker) })
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 45, 30_000), 'every version delivered or superseded')
  for (const id of ['JS', 'ZJ', 'AH']) {
    const s = sims.get(id) as SimulatedPlatform
    t.ok(coalesced(s) > 0, `${id} got coalesced pushes`)
    const last = new Map<string, number>()
    const backwards = s.received.map((r) => (versionOf.get(r.jti) ?? '').split(':')).filter(([e, v]) => {
      const before = last.get(e ?? '') ?? 0
      last.set(e ?? '', Number(v))
      return Number(v) < before
    })
    t.same(backwards, [], `${id} received the versions of each entry in order`)
    for (let e = 1; e <= 5; e++) t.equal(s.held.get(`SH:SH-black-${e}`)?.version, 3, `${id} holds v3 of entry ${e}`)
  }
})
