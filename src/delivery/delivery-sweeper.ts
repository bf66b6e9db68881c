import type pg from 'pg'
import { jobIdOf, type DeliveryQueues } from './delivery-queues.js'

/**
 * The ledger is the truth, the queues only a cache of work: an unfinished delivery whose job has
 * vanished from Redis (a restart without persistence, an eviction) or has failed without the
 * ledger knowing (a crash between the two) is handed back to the relay with a new job id.
 */
export class DeliverySweeper {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<number> | undefined

  constructor (
    private readonly pool: pg.Pool,
    private readonly queues: DeliveryQueues,
    private readonly isPull: (platform: string) => boolean,
    private readonly intervalMs: number,
    private readonly onRequeue: () => void,
    private readonly warn: (obj: object, msg: string) => void
  ) {}

  start (): void {
    this.timer = setInterval(() => {
      if (this.running !== undefined) return
      this.running = this.sweep().catch((err: unknown) => {
        this.warn({ err }, 'delivery sweep failed')
        return 0
      }).finally(() => { this.running = undefined })
    }, this.intervalMs)
  }

  /** Returns how many deliveries were handed back to the relay. */
  async sweep (): Promise<number> {
    const { rows } = await this.pool.query<{ id: string, destination: string, enqueue_seq: number }>(
      `SELECT id, destination, enqueue_seq FROM deliveries
       WHERE status IN ('queued', 'delivering', 'retrying') AND enqueued_at IS NOT NULL
         AND enqueued_at < now() - make_interval(secs => $1::double precision / 1000)
       ORDER BY id LIMIT 2000`, [this.intervalMs])
    const lost: string[] = []
    for (const r of rows) {
      const queue = this.queues.get(r.destination)
      if (queue === undefined || this.isPull(r.destination)) continue // a pull feed has no jobs
      const job = await queue.getJob(jobIdOf(r.id, r.enqueue_seq))
      if (job === undefined || job === null || await job.isFailed()) lost.push(r.id)
    }
    if (lost.length > 0) {
      await this.pool.query(
        `UPDATE deliveries SET enqueued_at = NULL, enqueue_seq = enqueue_seq + 1, updated_at = now()
         WHERE id = ANY($1::bigint[]) AND status IN ('queued', 'delivering', 'retrying')`, [lost])
      this.warn({ count: lost.length }, 'deliveries without a queue job handed back to the relay')
      this.onRequeue()
    }
    return lost.length
  }

  async stop (): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer)
    await this.running
  }
}
