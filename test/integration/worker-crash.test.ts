import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { killHard, startChildWorker } from '../helpers/child-worker.js'

t.test('a worker killed with SIGKILL mid-delivery and restarted: nothing lost, nothing applied twice', async (t) => {
  const { h, sims } = await startDeliverySetup(t, { workers: false })
  for (const s of sims.values()) s.failure = 'slow'
  let worker = await startChildWorker(h)
  t.teardown(async () => { await killHard(worker) })

  const jtis: string[] = []
  for (let i = 1; i <= 20; i++) {
    const iss = i % 2 === 0 ? 'SH' : 'ZJ'
    const { jws, jti } = await h.sign(iss, { kind: 'list.upsert', items: [sampleEntry(iss, '310000', i)] })
    t.equal((await h.post(jws)).status, 202)
    jtis.push(jti)
  }
  t.ok(await waitFor(async () => ((await statusCounts(h)).delivered ?? 0) >= 6), 'some delivered before the crash')
  t.ok(((await statusCounts(h)).delivering ?? 0) > 0, 'some in flight at the crash')
  await killHard(worker)
  const atCrash = await statusCounts(h)
  t.ok((atCrash.delivered ?? 0) < 60, `not all delivered at the crash (${JSON.stringify(atCrash)})`)

  for (const s of sims.values()) s.failure = 'none'
  worker = await startChildWorker(h)
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 60, 30_000), 'every delivery completes after the restart')

  for (const s of sims.values()) {
    const expected = jtis.filter((j) => !j.startsWith(`${s.id}-`)).sort()
    const applied = s.applied.map((a) => a.jti).sort()
    t.same(applied, expected, `${s.id} applied each message exactly once`)
  }
  const received = [...sims.values()].reduce((n, s) => n + s.received.length, 0)
  t.ok(received >= 60, `platforms received ${received} deliveries for 60 messages (duplicates from the crash are harmless)`)
})
