import t from 'tap'
import { runtimeFromEnv } from '../../src/runtime/runtime-options.js'
import { redisAddress } from '../../src/plugins/redis-address.js'
import { bullPrefix } from '../../src/plugins/queues.js'

t.test('GW_ROLE: all by default, api or worker, nothing else', async (t) => {
  t.equal(runtimeFromEnv({}).role, 'all')
  t.equal(runtimeFromEnv({ GW_ROLE: 'worker' }).role, 'worker')
  t.throws(() => runtimeFromEnv({ GW_ROLE: 'scheduler' }), /GW_ROLE must be equal to one of the allowed values: all, api, worker/)
})

t.test('the outbox LISTEN: on, on DATABASE_URL, unless told otherwise', async (t) => {
  t.same([runtimeFromEnv({}).outboxListen, runtimeFromEnv({}).databaseListenUrl], [true, undefined])
  t.equal(runtimeFromEnv({ GW_OUTBOX_LISTEN: 'off' }).outboxListen, false)
  t.equal(runtimeFromEnv({ DATABASE_LISTEN_URL: 'postgres://pg-direct/db' }).databaseListenUrl, 'postgres://pg-direct/db')
  t.throws(() => runtimeFromEnv({ GW_OUTBOX_LISTEN: 'maybe' }), /GW_OUTBOX_LISTEN must be equal to one of the allowed values: on, off/)
})

t.test('Sentinel: the sentinels and master name from the environment, credentials and db from REDIS_URL', async (t) => {
  const rt = runtimeFromEnv({
    REDIS_URL: 'redis://:s3cret@ignored:6379/2', REDIS_SENTINELS: 's1:26379, [::1]:26380', REDIS_SENTINEL_NAME: 'gw'
  })
  t.same(rt.redisSentinels, { sentinels: [{ host: 's1', port: 26379 }, { host: '::1', port: 26380 }], name: 'gw' })
  const o = redisAddress(rt.redisUrl, rt.redisSentinels)
  t.same([o.sentinels, o.name, o.password, o.db, o.host], [rt.redisSentinels?.sentinels, 'gw', 's3cret', 2, undefined])
  t.throws(() => runtimeFromEnv({ REDIS_SENTINELS: 's1' }), /host:port pairs/)
  t.same([redisAddress('rediss://h:7000').host, redisAddress('rediss://h:7000').port, redisAddress('rediss://h:7000').tls], ['h', 7000, {}])
})

t.test('the queue prefix, hash-tagged on request (Redis Cluster)', async (t) => {
  t.equal(bullPrefix('yrd'), 'yrd:bull', 'unchanged by default: queues of a running installation keep their keys')
  t.equal(bullPrefix('yrd', runtimeFromEnv({ GW_QUEUE_HASH_TAG: 'on' }).queueHashTag), '{yrd}:bull')
})
