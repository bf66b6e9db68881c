import fp from 'fastify-plugin'
import { Queue, Worker, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq'
import type { RedisOptions } from 'ioredis'

/** BullMQ wants a connection that never gives up on a request: it retries itself. */
export function bullConnection (redisUrl: string): RedisOptions {
  const u = new URL(redisUrl)
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0
  return {
    host: u.hostname,
    port: Number(u.port === '' ? 6379 : u.port),
    username: u.username === '' ? undefined : decodeURIComponent(u.username),
    password: u.password === '' ? undefined : decodeURIComponent(u.password),
    db,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(times * 200, 2000)
  }
}

export const bullPrefix = (redisPrefix: string): string => `${redisPrefix}:bull`

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

/** The queue connections of the app, from `REDIS_URL` and `GW_REDIS_PREFIX`. */
export const queuesPlugin = fp(async (app) => {
  const connection = bullConnection(app.runtime.redisUrl)
  const prefix = bullPrefix(app.runtime.redisPrefix)
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
