import fp from 'fastify-plugin'
import { Queue, Worker, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq'
import type { RedisOptions } from 'ioredis'
import type { RedisSentinels } from '../runtime/runtime-options.js'
import { redisAddress } from './redis-address.js'

/** BullMQ wants a connection that never gives up on a request: it retries itself. */
export function bullConnection (redisUrl: string, sentinels?: RedisSentinels): RedisOptions {
  return {
    ...redisAddress(redisUrl, sentinels),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(times * 200, 2000)
  }
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
 * closes it.
 */
export interface QueueConnections {
  readonly connection: RedisOptions
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
 * The queue connections of the app, from `REDIS_URL` (or `REDIS_SENTINELS`), `GW_REDIS_PREFIX`
 * and `GW_QUEUE_HASH_TAG`.
 */
export const queuesPlugin = fp(async (app) => {
  const connection = bullConnection(app.runtime.redisUrl, app.runtime.redisSentinels)
  const prefix = bullPrefix(app.runtime.redisPrefix, app.runtime.queueHashTag)
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
