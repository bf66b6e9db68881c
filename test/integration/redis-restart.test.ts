import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { freePort, OwnRedis } from '../helpers/own-redis.js'

t.test('Redis killed (losing every queued job) and restarted during a load of envelopes: nothing lost', async (t) => {
  const redis = new OwnRedis(await freePort())
  await redis.start()
  t.teardown(async () => { await redis.kill() })
  const { h, sims } = await startDeliverySetup(t, { redisUrl: redis.url, settings: { sweepIntervalMs: 500 } })
  for (const s of sims.values()) s.failure = 'slow'

  const jtis: string[] = []
  const publish = async (i: number): Promise<number> => {
    const iss = ['SH', 'JS', 'ZJ', 'AH'][i % 4] as string
    const { jws, jti } = await h.sign(iss, { kind: 'list.upsert', items: [sampleEntry(iss, '310000', i)] })
    const res = await h.post(jws)
    if (res.status === 202) jtis.push(jti)
    return res.status
  }
  for (let i = 1; i <= 10; i++) t.equal(await publish(i), 202, `envelope ${i} accepted`)
  await redis.kill()
  for (let i = 11; i <= 20; i++) t.equal(await publish(i), 202, `envelope ${i} accepted while Redis is down`)
  await redis.start()
  for (const s of sims.values()) s.failure = 'none'
  for (let i = 21; i <= 30; i++) t.equal(await publish(i), 202, `envelope ${i} accepted after the restart`)

  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 90, 40_000), 'all 90 deliveries completed')
  for (const s of sims.values()) {
    const expected = jtis.filter((j) => !j.startsWith(`${s.id}-`)).sort()
    t.same(s.applied.map((a) => a.jti).sort(), expected, `${s.id} applied each message exactly once`)
  }
})
