import t from 'tap'
import { runtimeFromEnv } from '../../src/runtime/runtime-options.js'
import { redisAddress } from '../../src/plugins/redis-address.js'
import { bullPrefix } from '../../src/plugins/queues.js'
import { clusterOptions } from '../../src/plugins/redis-client.js'

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

t.test('Redis Cluster: the seed nodes from REDIS_CLUSTER_NODES, never with Sentinel, never on a database but 0', async (t) => {
  t.equal(runtimeFromEnv({}).redisClusterNodes, undefined)
  t.same(runtimeFromEnv({ REDIS_CLUSTER_NODES: 'c1:7000, c2:7001,[::1]:7002' }).redisClusterNodes,
    [{ host: 'c1', port: 7000 }, { host: 'c2', port: 7001 }, { host: '::1', port: 7002 }])
  t.same(runtimeFromEnv({ REDIS_CLUSTER_NODES: 'c1:7000', REDIS_URL: 'redis://c1:7000/0' }).redisClusterNodes, [{ host: 'c1', port: 7000 }])
  t.throws(() => runtimeFromEnv({ REDIS_CLUSTER_NODES: 'c1' }), /REDIS_CLUSTER_NODES must list host:port pairs, got c1/)
  t.throws(() => runtimeFromEnv({ REDIS_CLUSTER_NODES: 'c1:7000', REDIS_SENTINELS: 's1:26379' }),
    /REDIS_CLUSTER_NODES and REDIS_SENTINELS both set/)
  t.throws(() => runtimeFromEnv({ REDIS_CLUSTER_NODES: 'c1:7000', REDIS_URL: 'redis://c1:7000/2' }),
    /REDIS_URL names database 2, but a Redis Cluster \(REDIS_CLUSTER_NODES\) has database 0 only/)
})

t.test('Redis Cluster: credentials and TLS from REDIS_URL reach every node; offline queue and retries are the cluster\'s', async (t) => {
  const retry = (times: number): number => times
  const o = clusterOptions('rediss://gw:p%40ss@ignored:6379', {
    enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: retry, lazyConnect: true
  })
  t.same(o, {
    redisOptions: { username: 'gw', password: 'p@ss', tls: {}, maxRetriesPerRequest: 1, connectTimeout: 2000 },
    enableOfflineQueue: false,
    clusterRetryStrategy: retry,
    lazyConnect: true
  })
  t.same(clusterOptions('redis://127.0.0.1:7000', { maxRetriesPerRequest: null }), {
    redisOptions: { username: undefined, password: undefined, maxRetriesPerRequest: null }
  }, 'BullMQ\'s workers: maxRetriesPerRequest null on the nodes, where BullMQ looks')
})
