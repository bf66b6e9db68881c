import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq'
import type { RedisOptions } from 'ioredis'
import type pg from 'pg'
import type { DeliveryPolicy } from '../../config/config-schema.js'
import { AdapterError, type PlatformAdapter } from '../../adapters/types.js'
import { jitteredBackoff } from './backoff.js'
import { queueName, type DeliveryJobData } from './delivery-queues.js'
import { dropSuperseded, recordDelivered, recordFailed, startAttempt } from './delivery-store.js'
import type { HealthMonitor } from './health-monitor.js'
import { objectionToWaitFor } from './objection-order.js'
import { applyShareScope, scopeEvidence } from './share-scope.js'
import type { Registries, ShareScope } from '../../config/registry-schema.js'
import { storedErrorText } from '../privacy/stored-error-text.js'

export interface DeliveryEvents {
  attempt: (platform: string, outcome: 'delivered' | 'superseded' | 'retrying' | 'dead' | 'paused', lagSeconds?: number) => void
}

export interface WorkerDeps {
  pool: pg.Pool
  adapter: PlatformAdapter
  policy: DeliveryPolicy
  health: HealthMonitor
  events: DeliveryEvents
  log: { warn: (obj: object, msg: string) => void }
  /** The catalogue whose share scopes decide which fields leave for this platform. */
  registries?: Registries | undefined
  /** The share scopes this platform is authorised for (default: all but owner-only). */
  shareScopes?: readonly ShareScope[] | undefined
}

/** An attempt that did not count: the delivery waits (retrying) without using one up. */
async function giveBack (deps: WorkerDeps, deliveryId: string, attemptId: string, given: string): Promise<void> {
  const reason = storedErrorText(given)
  await deps.pool.query("UPDATE deliveries SET status = 'retrying', attempts = attempts - 1, last_error = $2, updated_at = now() WHERE id = $1", [deliveryId, reason])
  await deps.pool.query("UPDATE delivery_attempts SET finished_at = now(), outcome = 'failed', error = $2 WHERE id = $1", [attemptId, `${reason} (not counted)`])
}

/**
 * Runs one attempt of one delivery. A message about an entry whose objection has not reached the
 * destination yet waits for it (see objectionToWaitFor), without using up an attempt. Failures follow the policy:
 * retryable ones are retried with
 * jittered backoff until `attempts` is reached, permanent ones (and the last attempt) make the
 * delivery dead with the reason. When the platform is unreachable and its health check fails,
 * the queue is paused and the job waits without having used up an attempt.
 */
export async function processDelivery (
  deps: WorkerDeps, job: Job<DeliveryJobData>, token: string | undefined
): Promise<string> {
  const started = await startAttempt(deps.pool, job.data.deliveryId)
  if (started === undefined) return 'nothing to do'
  const platform = started.delivery.destination
  const waitFor = await objectionToWaitFor(deps.pool, started.delivery)
  if (waitFor !== undefined && token !== undefined) {
    await giveBack(deps, started.delivery.deliveryId, started.attemptId, `waiting: the objection on entry ${waitFor} must reach ${platform} first`)
    await job.moveToDelayed(Date.now() + deps.policy.baseDelayMs, token)
    throw new DelayedError()
  }
  try {
    const scoped = applyShareScope(await dropSuperseded(deps.pool, started.delivery), deps.registries, deps.shareScopes)
    const pending = scoped.delivery
    const kept = scopeEvidence(scoped)
    const answer = pending.items.length === 0 ? undefined : await deps.adapter.deliver(pending)
    const receipt = answer === undefined ? undefined : { ...answer, evidence: { ...answer.evidence, ...kept } }
    await recordDelivered(deps.pool, started, pending, receipt, kept)
    deps.events.attempt(platform, receipt === undefined ? 'superseded' : 'delivered', (Date.now() - Date.parse(started.delivery.receivedAt)) / 1000)
    return receipt === undefined ? 'superseded' : 'delivered'
  } catch (err) {
    const failure = err instanceof AdapterError
      ? err
      : new AdapterError(
        (err as Error).message, { retryable: true, cause: err }
      )
    const final = !failure.retryable || started.attempt >= deps.policy.attempts
    if (!final && failure.unreachable && token !== undefined && await deps.health.reportUnreachable(platform)) {
      // Paused: give the attempt back and wait; the job runs again once the queue resumes.
      await giveBack(deps, started.delivery.deliveryId, started.attemptId, `${failure.message} (platform down: queue paused)`)
      deps.events.attempt(platform, 'paused')
      await job.moveToDelayed(Date.now() + deps.policy.baseDelayMs, token)
      throw new DelayedError()
    }
    await recordFailed(deps.pool, started, failure.message, final)
    deps.events.attempt(platform, final ? 'dead' : 'retrying')
    if (final) throw new UnrecoverableError(failure.message)
    throw failure
  }
}

/** The BullMQ worker of one destination platform. */
export function createDeliveryWorker (
  deps: WorkerDeps, platform: string, connection: RedisOptions, prefix: string, lockMs: number
): Worker<DeliveryJobData> {
  const worker = new Worker<DeliveryJobData>(queueName(platform), async (job, token) => await processDelivery(
    deps, job, token
  ), {
    connection,
    prefix,
    concurrency: deps.policy.concurrency,
    limiter: { max: deps.policy.rateLimit.max, duration: deps.policy.rateLimit.durationMs },
    lockDuration: lockMs,
    stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
    // A crashed worker must not make a delivery dead: stalled jobs are simply run again.
    maxStalledCount: 1000,
    settings: {
      backoffStrategy: (attemptsMade: number) => jitteredBackoff(
        attemptsMade, deps.policy.baseDelayMs, deps.policy.maxDelayMs
      )
    }
  })
  worker.on('error', (err) => { deps.log.warn({ platform, err: err.message }, 'delivery worker error') })
  return worker
}
