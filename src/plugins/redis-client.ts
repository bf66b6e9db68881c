import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import type { RuntimeOptions } from '../runtime/runtime-options.js'
import { redisAddress, redisCredentials } from './redis-address.js'

/** A connection to Redis: one server (directly or through Sentinel), or a Redis Cluster. */
export type RedisClient = Redis | Cluster

/** How a connection behaves, whatever it reaches. */
export type RedisBehaviour = Pick<
RedisOptions, 'enableOfflineQueue' | 'maxRetriesPerRequest' | 'connectTimeout' | 'retryStrategy' | 'lazyConnect'
>

/** Where the gateway's Redis is: `REDIS_URL`, with `REDIS_SENTINELS` or `REDIS_CLUSTER_NODES`. */
export type RedisTarget = Pick<RuntimeOptions, 'redisUrl' | 'redisSentinels' | 'redisClusterNodes'>

/**
 * A cluster connection behaving as `behaviour` says: the offline queue, retries and lazy start are
 * the cluster's (ioredis gives each node connection an offline queue and no retries of its own);
 * credentials and TLS come from `REDIS_URL`, as for one server.
 */
export function clusterOptions (redisUrl: string, behaviour: RedisBehaviour): ClusterOptions {
  const { enableOfflineQueue, retryStrategy, lazyConnect, ...perNode } = behaviour
  return {
    redisOptions: { ...redisCredentials(redisUrl), ...perNode },
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: retryStrategy }),
    ...(lazyConnect === undefined ? {} : { lazyConnect })
  }
}

/** A new connection to the gateway's Redis; its maker disconnects it. */
export function redisClient (target: RedisTarget, behaviour: RedisBehaviour): RedisClient {
  const nodes = target.redisClusterNodes
  if (nodes === undefined) return new Redis({ ...redisAddress(target.redisUrl, target.redisSentinels), ...behaviour })
  return new Cluster(nodes, clusterOptions(target.redisUrl, behaviour))
}
