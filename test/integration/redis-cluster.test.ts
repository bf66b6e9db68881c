import { randomBytes } from 'node:crypto'
import { Cluster } from 'ioredis'
import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { startOwnRedisCluster } from '../helpers/own-redis-cluster.js'

// One cluster of three masters for the file: starting one takes seconds.
const { nodes } = await startOwnRedisCluster(t)
const client = new Cluster(nodes)
client.on('error', () => undefined)
t.teardown(() => { client.disconnect() })
await new Promise((resolve) => client.once('ready', resolve))

/** Every key matching `pattern`, by master (`host:port`). */
async function keysByMaster (pattern: string): Promise<Map<string, string[]>> {
  const byMaster = new Map<string, string[]>()
  for (const m of client.nodes('master')) byMaster.set(`${m.options.host ?? ''}:${m.options.port ?? 0}`, await m.keys(pattern))
  return byMaster
}

/** The master (`host:port`) serving the slot of `key`. */
async function masterOf (key: string): Promise<string> {
  const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key))
  const ranges = await client.call('CLUSTER', 'SLOTS') as Array<[number, number, [string, number]]>
  const owner = ranges.find(([from, to]) => from <= slot && slot <= to)?.[2]
  if (owner === undefined) throw new Error(`no master serves slot ${slot}`)
  return `${owner[0]}:${owner[1]}`
}

t.test('on a Redis Cluster: an envelope accepted over HTTP reaches every destination through BullMQ, ' +
  'and every queue key lives in the one slot of the hash tag', async (t) => {
  // GW_QUEUE_HASH_TAG not asked for: a cluster turns it on.
  const { h, sim } = await startDeliverySetup(t, { runtime: { redisClusterNodes: nodes } })
  const prefix = h.runtime.redisPrefix
  t.ok(h.app.redis instanceof Cluster, 'the request path talks to the cluster')
  t.equal(h.app.queues.prefix, `{${prefix}}:bull`, 'the queue prefix carries the hash tag')

  const { jws, jti } = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
  const res = await fetch(`${urlOf(h)}/v1/envelopes`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws })
  t.equal(res.status, 202, 'accepted')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3, 30_000), 'delivered to the three other platforms')
  for (const id of ['JS', 'ZJ', 'AH']) t.same(sim(id).messagesApplied, [jti], `${id} applied it once`)

  const owner = await masterOf(`{${prefix}}`)
  const queueKeys = await keysByMaster(`{${prefix}}:bull:*`)
  t.ok((queueKeys.get(owner) ?? []).length > 0, 'the queues wrote their keys on the master of the tag\'s slot')
  for (const [master, keys] of queueKeys) if (master !== owner) t.same(keys, [], `none on ${master}`)
  const untagged = [...(await keysByMaster(`${prefix}:bull:*`)).values()].flat()
  t.same(untagged, [], 'no untagged queue key anywhere on the cluster')
  t.same(await h.redis.keys(`*${prefix}*`), [], 'nothing written to the REDIS_URL server: every connection went to the cluster')

  t.ok(await client.exists(`${prefix}:jti:SH:${jti}`), 'the replay cache remembers the envelope on the cluster')
  const again = await fetch(`${urlOf(h)}/v1/envelopes`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws })
  t.equal(again.status, 200, 'the replay is answered with the original receipt')
})

const limited = async (h: Harness): Promise<[number, string]> => {
  const res = await h.app.inject({ url: '/v1/deliveries' })
  return [res.statusCode, res.json<{ code: string }>().code]
}

t.test('on a Redis Cluster: two gateway instances share one rate limit per address', async (t) => {
  const shared = `t_rate_${process.pid}_${randomBytes(4).toString('hex')}`
  const opts = { settings: { apiRateLimitPerMinute: 3 }, runtime: { redisPrefix: shared, redisClusterNodes: nodes } }
  const a = await startHarness(t, opts)
  const b = await startHarness(t, opts)
  t.ok(a.app.redis instanceof Cluster && b.app.redis instanceof Cluster, 'both count through the cluster')
  const answers = [await limited(a), await limited(b), await limited(a), await limited(b), await limited(a)]
  t.same(answers.map(([status]) => status), [401, 401, 401, 429, 429], 'the fourth request is refused, whichever node it reaches')
  t.equal(answers[3]?.[1], 'RATE_LIMITED')
  t.ok([...(await keysByMaster(`${shared}:rate:*`)).values()].flat().length > 0, 'the counters live on the cluster')
})
