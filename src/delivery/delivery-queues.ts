import { Queue } from 'bullmq'
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

export const queueName = (platform: string): string => `deliver-${platform}`
export const bullPrefix = (redisPrefix: string): string => `${redisPrefix}:bull`
/** A queue job's id: one per (delivery, enqueue), so a resend or a re-enqueue is a new job. */
export const jobIdOf = (deliveryId: string, seq: number): string => `d${deliveryId}-${seq}`

export interface DeliveryJobData { deliveryId: string }

/** One queue per destination platform. */
export class DeliveryQueues {
  readonly queues = new Map<string, Queue<DeliveryJobData>>()

  constructor (platforms: string[], connection: RedisOptions, readonly prefix: string) {
    for (const p of platforms) this.queues.set(p, new Queue<DeliveryJobData>(queueName(p), { connection, prefix }))
  }

  get (platform: string): Queue<DeliveryJobData> | undefined {
    return this.queues.get(platform)
  }

  async close (): Promise<void> {
    await Promise.all([...this.queues.values()].map(async (q) => { await q.close() }))
  }
}
