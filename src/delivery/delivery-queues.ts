import type { Queue } from 'bullmq'
import type { QueueConnections } from '../plugins/queues.js'

export const queueName = (platform: string): string => `deliver-${platform}`
/** A queue job's id: one per (delivery, enqueue), so a resend or a re-enqueue is a new job. */
export const jobIdOf = (deliveryId: string, seq: number): string => `d${deliveryId}-${seq}`

export interface DeliveryJobData {
  deliveryId: string
  /** The W3C trace context the message arrived with (its outbox row's), for the outbound request. */
  traceparent?: string
}

/** What a delivery job returns: what became of the attempt. */
export type DeliveryResult = 'delivered' | 'partial' | 'superseded' | 'nothing to do'

/** One queue per destination platform. */
export class DeliveryQueues {
  readonly queues = new Map<string, Queue<DeliveryJobData, DeliveryResult>>()

  readonly prefix: string

  constructor (platforms: string[], connections: QueueConnections) {
    this.prefix = connections.prefix
    for (const p of platforms) this.queues.set(p, connections.queue<DeliveryJobData, DeliveryResult>(queueName(p)))
  }

  get (platform: string): Queue<DeliveryJobData, DeliveryResult> | undefined {
    return this.queues.get(platform)
  }

  async close (): Promise<void> {
    await Promise.all([...this.queues.values()].map(async (q) => { await q.close() }))
  }
}
