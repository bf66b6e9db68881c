import { DelayedError, type Job } from 'bullmq'
import type pg from 'pg'
import type { DeliveryPolicy } from '../../config/config-schema.js'

// The delivery's status and attempts, and how long ago its last attempt finished.
const DUE = `SELECT d.status, d.attempts, extract(epoch FROM now() - a.finished_at) * 1000 AS since_ms
FROM deliveries d LEFT JOIN LATERAL (
  SELECT finished_at FROM delivery_attempts WHERE delivery_id = d.id ORDER BY id DESC LIMIT 1
) a ON true WHERE d.id = $1`

/**
 * How long a delivery must still wait before its next attempt: a message that failed inside a
 * coalesced push is retried by its own job, which did not fail and so got no backoff from the queue;
 * it waits at least the shortest backoff of its attempt (jitteredBackoff's lower bound). A job the
 * queue already held back for that long (a single delivery's retry) is not delayed again.
 */
export async function waitBeforeAttempt (pool: pg.Pool, policy: DeliveryPolicy, deliveryId: string): Promise<number> {
  const { rows } = await pool.query<{ status: string, attempts: number, since_ms: number | null }>(DUE, [deliveryId])
  const row = rows[0]
  if (row === undefined || row.status !== 'retrying' || row.since_ms === null) return 0
  const floor = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, row.attempts - 1)) / 2
  return Math.max(0, Math.ceil(floor - Number(row.since_ms)))
}

/**
 * One push at a time to a destination whose deliveries are coalesced (in this process): jobs take
 * turns, so a push is claimed and recorded before the next one starts. Pushes in ledger order with
 * dropSuperseded at each send mean a destination is never sent an older version of an entry after
 * a newer one was confirmed, and never two messages about one entry at once (from this process).
 * Coalescing makes up for the concurrency given up: a turn carries every ready message, up to
 * the batch limits.
 */
export class DestinationTurn {
  private tail: Promise<void> = Promise.resolve()

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail
    let release: () => void = () => undefined
    this.tail = new Promise<void>((resolve) => { release = resolve })
    await previous
    try {
      return await fn()
    } finally {
      release()
    }
  }

  /**
   * Runs `attempt` for `job` in its turn, or first sends the job back to wait when its delivery failed
   * inside a push too recently (see waitBeforeAttempt). `settled` (checked once the turn comes) answers
   * for a job a push recorded in the meantime (settled-jobs.ts), without asking the ledger.
   */
  async attempt<T>(
    pool: pg.Pool, policy: DeliveryPolicy, job: Job<{ deliveryId: string }>, token: string | undefined,
    attempt: () => Promise<T>, settled?: () => T | undefined
  ): Promise<T> {
    return await this.run(async () => {
      const done = settled?.()
      if (done !== undefined) return done
      const wait = token === undefined ? 0 : await waitBeforeAttempt(pool, policy, job.data.deliveryId)
      if (wait > 0 && token !== undefined) {
        await job.moveToDelayed(Date.now() + wait, token)
        throw new DelayedError()
      }
      return await attempt()
    })
  }
}
