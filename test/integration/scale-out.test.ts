import { randomBytes } from 'node:crypto'
import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { startHarness, type Harness } from '../helpers/harness.js'

const limited = async (h: Harness, headers: Record<string, string> = {}): Promise<[number, string]> => {
  const res = await h.app.inject({ url: '/v1/deliveries', headers })
  return [res.statusCode, res.json<{ code: string }>().code]
}

t.test('rate limits are shared through Redis: two gateway instances enforce one limit per address', async (t) => {
  const shared = `t_rate_${process.pid}_${randomBytes(4).toString('hex')}`
  const settings = { apiRateLimitPerMinute: 3 }
  const a = await startHarness(t, { settings, runtime: { redisPrefix: shared } })
  const b = await startHarness(t, { settings, runtime: { redisPrefix: shared } })
  const answers = [await limited(a), await limited(b), await limited(a), await limited(b), await limited(a)]
  t.same(answers.map(([status]) => status), [401, 401, 401, 429, 429], 'the fourth request is refused, whichever node it reaches')
  t.equal(answers[3]?.[1], 'RATE_LIMITED')
  t.ok((await a.redis.keys(`${shared}:rate:*`)).length > 0, 'the counters live in Redis under the gateway\'s prefix')
})

t.test('without Redis each instance still limits on its own (local counters)', async (t) => {
  const h = await startHarness(t, { settings: { apiRateLimitPerMinute: 2 } })
  h.app.redis.disconnect() // the request-path connection gone, as when Redis is away
  t.same([await limited(h), await limited(h), await limited(h)].map(([s]) => s), [401, 401, 429])
})

t.test('trustProxy off (default): X-Forwarded-For is ignored, every caller behind the proxy shares one address', async (t) => {
  const h = await startHarness(t, { settings: { apiRateLimitPerMinute: 2 } })
  const statuses = [
    await limited(h, { 'x-forwarded-for': '203.0.113.7' }),
    await limited(h, { 'x-forwarded-for': '203.0.113.8' }),
    await limited(h, { 'x-forwarded-for': '203.0.113.9' })
  ].map(([s]) => s)
  t.same(statuses, [401, 401, 429], 'one limit for the proxy\'s address')
})

t.test('trustProxy off (default): the security log records the peer, not what X-Forwarded-For claims', async (t) => {
  const h = await startHarness(t)
  const res = await h.app.inject({ method: 'POST', url: '/v1/envelopes', headers: { 'content-type': 'application/jose', 'x-forwarded-for': '203.0.113.7' }, payload: 'not.a.jws' })
  t.equal(res.statusCode, 400)
  const logged = await h.db.query<{ remote: string }>('SELECT remote FROM security_log')
  t.same(logged.rows.map((r) => r.remote), ['127.0.0.1'])
})

t.test('trustProxy set: X-Forwarded-For decides the rate-limit key and the address the security log records', async (t) => {
  const h = await startHarness(t, { settings: { apiRateLimitPerMinute: 2, trustProxy: ['127.0.0.1/8'] } })
  const from = (address: string): Record<string, string> => ({ 'x-forwarded-for': address })
  t.same((await limited(h, from('203.0.113.7')))[0], 401)
  t.same((await limited(h, from('203.0.113.7')))[0], 401)
  t.same(await limited(h, from('203.0.113.7')), [429, 'RATE_LIMITED'], 'the forwarded caller reached its limit')
  t.same((await limited(h, from('198.51.100.4')))[0], 401, 'another caller behind the same proxy has its own')

  const { jws } = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
  const forged = jws.slice(0, -4) + (jws.endsWith('AAAA') ? 'BBBB' : 'AAAA')
  const res = await h.app.inject({
    method: 'POST', url: '/v1/envelopes', headers: { 'content-type': 'application/jose', ...from('198.51.100.9') }, payload: forged
  })
  t.equal(res.statusCode, 401)
  const logged = await h.db.query<{ remote: string }>('SELECT remote FROM security_log')
  t.same(logged.rows.map((r) => r.remote), ['198.51.100.9'], 'the security log records the caller, not the proxy')
})

t.test('a hop count trusts that many proxies: the address one hop before the last is the caller', async (t) => {
  const h = await startHarness(t, { settings: { trustProxy: 1 } })
  const res = await h.app.inject({ method: 'POST', url: '/v1/envelopes', headers: { 'content-type': 'application/jose', 'x-forwarded-for': '192.0.2.1, 192.0.2.2' }, payload: 'not.a.jws' })
  t.equal(res.statusCode, 400)
  const logged = await h.db.query<{ remote: string }>('SELECT remote FROM security_log')
  t.same(logged.rows.map((r) => r.remote), ['192.0.2.2'], 'one trusted hop: the last forwarded address')
})

t.test('a hash-tagged queue prefix: every key of every queue carries the same tag (one Redis Cluster slot)', async (t) => {
  const { h } = await startDeliverySetup(t, { runtime: { queueHashTag: true } })
  const tag = `{${h.runtime.redisPrefix}}`
  t.teardown(async () => {
    const keys = await h.redis.keys(`${tag}:*`)
    if (keys.length > 0) await h.redis.del(...keys)
  })
  t.equal(h.app.queues.prefix, `${tag}:bull`)
  const { jws } = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
  t.equal((await h.post(jws)).status, 202)
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3), 'delivered through the tagged queues')
  const keys = await h.redis.keys(`*${h.runtime.redisPrefix}*:bull:*`)
  t.ok(keys.length > 0, 'the queues wrote keys')
  const hashTag = (key: string): string | undefined => /^[^{]*\{([^}]+)\}/.exec(key)?.[1]
  t.same([...new Set(keys.map(hashTag))], [h.runtime.redisPrefix], 'one hash tag on every queue key')
  t.same(await h.redis.keys(`${h.runtime.redisPrefix}:bull:*`), [], 'no untagged queue key')
})

t.test('LISTEN off (PgBouncer in transaction mode): the relay polls, and every message is delivered', async (t) => {
  const { h, sim } = await startDeliverySetup(t, { runtime: { outboxListen: false }, policy: { timeoutMs: 5000 } })
  t.notOk(h.app.delivery.relay.listens, 'no LISTEN session')
  const jtis: string[] = []
  for (let i = 1; i <= 3; i++) {
    const { jws, jti } = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', i)] })
    t.equal((await h.post(jws)).status, 202)
    jtis.push(jti)
  }
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'delivered to the three other platforms')
  for (const id of ['JS', 'ZJ', 'AH']) t.same([...sim(id).messagesApplied].sort(), [...jtis].sort(), `${id} applied each once`)
})

t.test('LISTEN on its own connection (DATABASE_LISTEN_URL): a NOTIFY wakes the relay long before its poll', async (t) => {
  const { h } = await startDeliverySetup(t, {
    runtime: { databaseListenUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    settings: { relayIntervalMs: 60_000 },
    policy: { timeoutMs: 5000 }
  })
  t.ok(h.app.delivery.relay.listens, 'a LISTEN session is open')
  const { jws } = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
  t.equal((await h.post(jws)).status, 202)
  // The poll is a minute away: only the NOTIFY can have woken the relay within the wait.
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3, 30_000), 'delivered on the NOTIFY')
})
