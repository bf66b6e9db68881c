import fp from 'fastify-plugin'
import { Queue, Worker, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq'
import { Cluster, type RedisOptions } from 'ioredis'
import type { RedisSentinels } from '../runtime/runtime-options.js'
import { redisAddress } from './redis-address.js'
import { clusterOptions, type RedisBehaviour } from './redis-client.js'

/** BullMQ wants a connection that never gives up on a request: it retries itself. */
const BULL_BEHAVIOUR: RedisBehaviour = {
  maxRetriesPerRequest: null,
  enableOfflineQueue: true,
  retryStrategy: (times: number) => Math.min(times * 200, 2000)
}

/** BullMQ's connection to one Redis server, directly or through Sentinel. */
export function bullConnection (redisUrl: string, sentinels?: RedisSentinels): RedisOptions {
  return { ...redisAddress(redisUrl, sentinels), ...BULL_BEHAVIOUR }
}

/**
 * The key prefix of every queue. Hash-tagged (`{yrd}:bull`), every key of every queue carries the
 * same tag, so Redis Cluster keeps them in one slot, as BullMQ's multi-key scripts need.
 */
export const bullPrefix = (redisPrefix: string, hashTag = false): string =>
  hashTag ? `{${redisPrefix}}:bull` : `${redisPrefix}:bull`

/** Queue and worker options but where they connect, which the plugin decides. */
export type OwnQueueOptions = Omit<QueueOptions, 'connection' | 'prefix'>
export type OwnWorkerOptions = Omit<WorkerOptions, 'connection' | 'prefix'>

/**
 * Where every BullMQ queue and worker of the app connects (one Redis address, one key prefix), so
 * that delivery, coordination and reconciliation share the infrastructure, not each other's code.
 * Each queue and worker opens its own connection, as BullMQ does by default; whoever makes one
 * closes it. On a Redis Cluster, which BullMQ takes only as a connection made, they share one
 * (each worker's blocking reads get their own, duplicated by BullMQ), closed with the app.
 */
export interface QueueConnections {
  readonly connection: RedisOptions | Cluster
  readonly prefix: string
  queue: <Data, Result = unknown>(name: string, opts?: OwnQueueOptions) => Queue<Data, Result>
  worker: <Data, Result>(
    name: string, processor: Processor<Data, Result>, opts?: OwnWorkerOptions
  ) => Worker<Data, Result>
}

declare module 'fastify' {
  interface FastifyInstance { queues: QueueConnections }
}

/**
 * The queue connections of the app, from `REDIS_URL` (or `REDIS_SENTINELS`, or `REDIS_CLUSTER_NODES`),
 * `GW_REDIS_PREFIX` and `GW_QUEUE_HASH_TAG` (always on with a cluster: BullMQ's scripts touch
 * several keys of a queue at once, which a cluster runs only within one slot).
 */
export const queuesPlugin = fp(async (app) => {
  const rt = app.runtime
  const cluster = rt.redisClusterNodes === undefined
    ? undefined
    : new Cluster(rt.redisClusterNodes, clusterOptions(rt.redisUrl, { ...BULL_BEHAVIOUR, lazyConnect: true }))
  if (cluster !== undefined) {
    // Queues and workers report their own errors; one met while none listens must not crash the process.
    cluster.on('error', (err) => { app.log.debug({ err }, 'redis cluster connection error (queues)') })
    // Registered before every plugin that makes queues, so closed after they have closed theirs.
    app.addHook('onClose', async () => { cluster.disconnect() })
  }
  const connection = cluster ?? bullConnection(rt.redisUrl, rt.redisSentinels)
  const prefix = bullPrefix(rt.redisPrefix, rt.queueHashTag === true || cluster !== undefined)
  const queues: QueueConnections = {
    connection,
    prefix,
    queue: <Data, Result = unknown>(name: string, opts?: OwnQueueOptions) =>
      new Queue<Data, Result>(name, { ...opts, connection, prefix }),
    worker: <Data, Result>(name: string, processor: Processor<Data, Result>, opts?: OwnWorkerOptions) =>
      new Worker<Data, Result>(name, processor, { ...opts, connection, prefix })
  }
  app.decorate('queues', queues)
}, { name: 'gw-queues', dependencies: ['gw-context'] })
