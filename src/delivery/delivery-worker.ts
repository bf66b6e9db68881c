import { DelayedError, UnrecoverableError, type Job, type Worker } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import type { DeliveryPolicy } from '../../config/config-schema.js'
import { AdapterError, type AdapterErrorCode, type ItemRefusal, type PlatformAdapter } from '../../adapters/types.js'
import { jitteredBackoff } from './backoff.js'
import { queueName, type DeliveryJobData, type DeliveryResult } from './delivery-queues.js'
import { dropSuperseded, recordDelivered, recordFailed, startAttempt } from './delivery-store.js'
import type { HealthMonitor } from './health-monitor.js'
import { objectionToWaitFor } from './objection-order.js'
import type { MessageItems } from './message-items.js'
import { applyShareScope, scopeEvidence } from './share-scope.js'
import type { Registries, ShareScope } from '../../config/registry-schema.js'
import { storedErrorText } from '../privacy/stored-error-text.js'
import { indexesAfterFilter } from './item-refusals.js'
import type { QueueConnections } from '../plugins/queues.js'

export interface DeliveryEvents {
  /** `code` is why an attempt failed (retrying, dead), or ADAPTER_PARTIAL when it applied some items only (partial). */
  attempt: (
    platform: string, outcome: 'delivered' | 'partial' | 'superseded' | 'retrying' | 'dead' | 'paused', lagSeconds?: number, code?: AdapterErrorCode
  ) => void
}

export interface WorkerDeps {
  pool: pg.Pool
  /** The app's cache of message items (a message goes to several destinations). */
  messageItems: MessageItems
  adapter: PlatformAdapter
  policy: DeliveryPolicy
  health: HealthMonitor
  events: DeliveryEvents
  log: FastifyBaseLogger
  /** The catalogue whose share scopes decide which fields leave for this platform. */
  registries?: Registries | undefined
  /** The share scopes this platform is authorised for (default: all but owner-only). */
  shareScopes?: readonly ShareScope[] | undefined
}

/** An attempt that did not count: the delivery waits (retrying) without using one up. */
async function giveBack (
  deps: WorkerDeps, deliveryId: string, attemptId: string, given: string, code: AdapterErrorCode | null = null
): Promise<void> {
  const reason = storedErrorText(given)
  await deps.pool.query(`UPDATE deliveries SET status = 'retrying', attempts = attempts - 1, last_error = $2, last_error_code = $3,
    updated_at = now() WHERE id = $1`, [deliveryId, reason, code])
  await deps.pool.query("UPDATE delivery_attempts SET finished_at = now(), outcome = 'failed', error = $2 WHERE id = $1", [attemptId, `${reason} (not counted)`])
}

/**
 * How many items a receipt refused, once checked: each index names an item sent, once; a receipt
 * that refuses every item is a refusal of the message (permanent), as the adapters answer it.
 */
function checkRefusals (refused: readonly ItemRefusal[] | undefined, sent: number): number {
  if (refused === undefined || refused.length === 0) return 0
  const at = new Set(refused.map((r) => r.index))
  if (at.size !== refused.length || refused.some((r) => !Number.isInteger(r.index) || r.index < 0 || r.index >= sent)) {
    throw new AdapterError('invalid receipt: item refusals out of range or repeated', { code: 'ADAPTER_INVALID_RECEIPT', retryable: false })
  }
  if (refused.length === sent) {
    const first = refused.slice(0, 5).map((r) => `items[${r.index}] ${r.code} ${r.reason}`).join('; ')
    throw new AdapterError(`the destination refused every item: ${first}`, { code: 'ADAPTER_REFUSED', retryable: false })
  }
  return refused.length
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
  deps: WorkerDeps, job: Job<DeliveryJobData, DeliveryResult>, token: string | undefined
): Promise<DeliveryResult> {
  const started = await startAttempt(deps.pool, deps.messageItems, job.data.deliveryId)
  if (started === undefined) return 'nothing to do'
  const platform = started.delivery.destination
  const { deliveryId, origin: iss, jti } = started.delivery
  const log = deps.log.child({ platform, deliveryId, iss, jti })
  const waitFor = await objectionToWaitFor(deps.pool, started.delivery, deps.messageItems)
  if (waitFor !== undefined && token !== undefined) {
    await giveBack(deps, started.delivery.deliveryId, started.attemptId, `waiting: the objection on entry ${waitFor} must reach ${platform} first`)
    await job.moveToDelayed(Date.now() + deps.policy.baseDelayMs, token)
    throw new DelayedError()
  }
  try {
    const current = await dropSuperseded(deps.pool, started.delivery)
    const scoped = applyShareScope(current, deps.registries, deps.shareScopes)
    const pending = scoped.delivery
    // Where each item sent sits in the message, so a refusal names the issuer's item.
    const inCurrent = indexesAfterFilter(started.delivery.items, started.itemIndexes, current.items)
    const sentIndexes = scoped.keptIndexes?.map((i) => inCurrent[i] ?? i) ?? inCurrent
    const kept = scopeEvidence(scoped)
    const answer = pending.items.length === 0 ? undefined : await deps.adapter.deliver(pending)
    const receipt = answer === undefined ? undefined : { ...answer, evidence: { ...answer.evidence, ...kept } }
    const refused = checkRefusals(receipt?.refused, pending.items.length)
    await recordDelivered(deps.pool, started, pending, receipt, kept, sentIndexes)
    const lag = (Date.now() - Date.parse(started.delivery.receivedAt)) / 1000
    if (refused > 0) {
      log.warn({ refused, sent: pending.items.length }, 'delivery partly refused')
      deps.events.attempt(platform, 'partial', lag, 'ADAPTER_PARTIAL')
    } else deps.events.attempt(platform, receipt === undefined ? 'superseded' : 'delivered', lag)
    return receipt === undefined ? 'superseded' : refused > 0 ? 'partial' : 'delivered'
  } catch (err) {
    const failure = err instanceof AdapterError
      ? err
      : new AdapterError((err as Error).message, { code: 'ADAPTER_INTERNAL', retryable: true, cause: err })
    const final = !failure.retryable || started.attempt >= deps.policy.attempts
    if (!final && failure.unreachable && token !== undefined && await deps.health.reportUnreachable(platform)) {
      // Paused: give the attempt back and wait; the job runs again once the queue resumes.
      const paused = `${failure.message} (platform down: queue paused)`
      await giveBack(deps, started.delivery.deliveryId, started.attemptId, paused, failure.code)
      deps.events.attempt(platform, 'paused')
      await job.moveToDelayed(Date.now() + deps.policy.baseDelayMs, token)
      throw new DelayedError()
    }
    await recordFailed(deps.pool, started, failure.message, final, failure.code)
    deps.events.attempt(platform, final ? 'dead' : 'retrying', undefined, failure.code)
    if (!final) log.debug({ err: failure, attempt: started.attempt }, 'delivery attempt failed; retrying')
    if (final) {
      log.warn({ code: failure.code, err: failure }, 'delivery dead')
      throw new UnrecoverableError(failure.message)
    }
    throw failure
  }
}

/** The BullMQ worker of one destination platform. */
export function createDeliveryWorker (
  deps: WorkerDeps, platform: string, queues: QueueConnections, lockMs: number
): Worker<DeliveryJobData, DeliveryResult> {
  const run = async (job: Job<DeliveryJobData, DeliveryResult>, token?: string): Promise<DeliveryResult> =>
    await processDelivery(deps, job, token)
  const worker = queues.worker(queueName(platform), run, {
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
  const log = deps.log.child({ platform })
  worker.on('error', (err) => { log.warn({ err }, 'delivery worker error') })
  return worker
}
