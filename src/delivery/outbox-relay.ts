import type { FastifyBaseLogger } from 'fastify'
import pg from 'pg'
import type { DeliveryPolicy } from '../../config/config-schema.js'
import { inTransaction } from '../ledger/pool.js'
import { OUTBOX_CHANNEL } from '../ledger/outbox-channel.js'
import { jobIdOf, type DeliveryQueues } from './delivery-queues.js'
import { withTimeout } from '../runtime/with-timeout.js'

const BATCH = 500
const ADD_TIMEOUT_MS = 10_000

/**
 * Moves outbox rows (deliveries not yet handed to a queue) into their destination's queue. Rows
 * are claimed with FOR UPDATE SKIP LOCKED and marked in the same transaction as the jobs are
 * added: if Redis is down the transaction rolls back and the rows wait for the next run. Only
 * committed rows are ever seen, so a rolled-back envelope never produces a job. It runs on a
 * timer and whenever the ledger NOTIFYs a new envelope.
 *
 * The LISTEN holds a session, so it has a connection of its own (`listenUrl`, outside the pool):
 * behind PgBouncer in transaction mode that is a direct address of PostgreSQL, or no LISTEN at
 * all (`listenUrl` undefined), and the timer alone wakes the relay. A lost listener is opened
 * again on a later tick; nothing is missed meanwhile, the timer keeps polling.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined
  private listener: pg.Client | undefined
  private listening: Promise<void> | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false

  constructor (
    private readonly pool: pg.Pool,
    private readonly queues: DeliveryQueues,
    private readonly policyOf: (platform: string) => DeliveryPolicy,
    /** Platforms that pull: their rows are put on the feed (marked relayed) without a queue job. */
    private readonly isPull: (platform: string) => boolean,
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
    /** Where to LISTEN for the ledger's NOTIFY (a session connection); undefined: poll only. */
    private readonly listenUrl?: string
  ) {}

  async start (): Promise<void> {
    await this.listen()
    this.timer = setInterval(() => {
      if (this.listener === undefined && this.listening === undefined) this.listen().catch(() => undefined)
      this.kick()
    }, this.intervalMs)
    this.kick()
  }

  /** Whether a LISTEN session is open now (false: polling only). */
  get listens (): boolean { return this.listener !== undefined }

  private async listen (): Promise<void> {
    if (this.listenUrl === undefined || this.stopped) return
    const client = new pg.Client({ connectionString: this.listenUrl, connectionTimeoutMillis: 5000 })
    const lost = (): void => {
      if (this.listener === client) this.listener = undefined
      client.end().catch(() => undefined)
    }
    client.on('error', lost)
    client.on('end', lost)
    client.on('notification', () => { this.kick() })
    this.listening = (async () => {
      try {
        await client.connect()
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`)
        if (this.stopped) { await client.end(); return }
        this.listener = client
      } catch (err) {
        lost()
        this.log.warn({ err }, 'outbox relay: LISTEN failed; polling every relayIntervalMs meanwhile')
      }
    })()
    await this.listening
    this.listening = undefined
  }

  /** Runs the relay soon; runs it once more if it is running now (nothing committed is missed). */
  kick (): void {
    if (this.stopped) return
    if (this.running !== undefined) { this.again = true; return }
    this.running = this.drain().finally(() => {
      this.running = undefined
      if (this.again) { this.again = false; this.kick() }
    })
  }

  /** Relays until the outbox is empty (or Redis refuses). */
  async drain (): Promise<void> {
    try {
      while (!this.stopped && await this.runOnce() === BATCH) { /* more rows wait */ }
    } catch (err) {
      this.log.warn({ err }, 'outbox relay: queue unavailable; rows wait in the outbox')
    }
  }

  /** Relays one batch; returns how many rows it moved. */
  async runOnce (): Promise<number> {
    return await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{
        id: string, destination: string, enqueue_seq: number, traceparent: string | null
      }>(
        `SELECT id, destination, enqueue_seq, traceparent FROM deliveries WHERE enqueued_at IS NULL
         ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`)
      if (rows.length === 0) return 0
      const byDestination = new Map<string, typeof rows>()
      for (const r of rows) byDestination.set(r.destination, [...(byDestination.get(r.destination) ?? []), r])
      const relayed: string[] = []
      for (const [destination, list] of byDestination) {
        if (this.isPull(destination)) {
          relayed.push(...list.map((r) => r.id))
          continue
        }
        const queue = this.queues.get(destination)
        if (queue === undefined) continue // a platform no longer configured: its rows stay visible, queued
        const policy = this.policyOf(destination)
        // BullMQ's connection queues commands while Redis is away; bounding the wait keeps this
        // transaction short. Jobs added late carry the same ids, so adding them again is harmless.
        await withTimeout(queue.addBulk(list.map((r) => ({
          name: 'deliver',
          data: r.traceparent === null ? { deliveryId: r.id } : { deliveryId: r.id, traceparent: r.traceparent },
          opts: {
            jobId: jobIdOf(r.id, r.enqueue_seq),
            attempts: policy.attempts,
            backoff: { type: 'jittered' },
            removeOnComplete: true,
            removeOnFail: { age: 7 * 24 * 3600 }
          }
        }))), ADD_TIMEOUT_MS, 'queue')
        relayed.push(...list.map((r) => r.id))
      }
      if (relayed.length > 0) await client.query('UPDATE deliveries SET enqueued_at = now() WHERE id = ANY($1::bigint[])', [relayed])
      this.log.debug({ relayed: relayed.length }, 'outbox relayed')
      return rows.length
    })
  }

  async stop (): Promise<void> {
    this.stopped = true
    if (this.timer !== undefined) clearInterval(this.timer)
    await this.running
    await this.listening
    const listener = this.listener
    this.listener = undefined
    await listener?.end().catch(() => undefined)
  }
}
