import { DelayedError, UnrecoverableError, type Job, type Worker } from 'bullmq'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import type { DeliveryPolicy } from '../../config/config-schema.js'
import { AdapterError, type AdapterErrorCode, type PlatformAdapter } from '../../adapters/types.js'
import { jitteredBackoff } from './backoff.js'
import { coalesces, deliverCoalesced } from './coalesced-delivery.js'
import { DestinationTurn } from './destination-turn.js'
import { SettledJobs } from './settled-jobs.js'
import { queueName, type DeliveryJobData, type DeliveryResult } from './delivery-queues.js'
import { dropSuperseded, recordDelivered, recordFailed, startAttempt } from './delivery-store.js'
import type { HealthMonitor } from './health-monitor.js'
import { objectionToWaitFor } from './objection-order.js'
import { earlierToWaitFor } from './peer-order.js'
import type { MessageItems } from './message-items.js'
import { applyShareScope, scopeEvidence } from './share-scope.js'
import type { Registries, ShareScope } from '../../config/registry-schema.js'
import { storedErrorText } from '../privacy/stored-error-text.js'
import { checkRefusals, sentIndexesOf } from './item-refusals.js'
import type { QueueConnections } from '../plugins/queues.js'
import { startDeliverySpan, type DeliverySpan } from '../tracing/delivery-span.js'

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
  /** Jobs whose delivery a coalesced push already recorded (made by createDeliveryWorker when it coalesces). */
  settled?: SettledJobs | undefined
  /** A peer gateway: every delivery waits for the unfinished ones accepted before it (peer-order.ts). */
  inOrder?: boolean | undefined
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
 * Runs one attempt of one delivery. A message about an entry whose objection has not reached the
 * destination yet waits for it (see objectionToWaitFor), and a relay to a peer gateway for every
 * unfinished one accepted before it (earlierToWaitFor), without using up an attempt. Failures follow
 * the policy: retryable ones are retried with jittered backoff until `attempts` is reached, permanent
 * ones (and the last attempt) make the delivery dead with the reason. When the platform is
 * unreachable and its health check fails, when it refuses the gateway's credentials (ADAPTER_AUTH),
 * or when it keeps timing out while its health check answers (the circuit breaker), the queue is
 * paused and the job waits without having used up an attempt (HealthMonitor).
 */
export async function processDelivery (
  deps: WorkerDeps, job: Job<DeliveryJobData, DeliveryResult>, token: string | undefined
): Promise<DeliveryResult> {
  // A relay to a peer behind an unfinished earlier one: nothing written, the job comes back later.
  const ordered = deps.inOrder === true && token !== undefined
  if (ordered && await earlierToWaitFor(deps.pool, job.data.deliveryId) !== undefined) {
    await job.moveToDelayed(Date.now() + deps.policy.baseDelayMs, token)
    throw new DelayedError()
  }
  const started = await startAttempt(deps.pool, deps.messageItems, job.data.deliveryId)
  if (started === undefined) return 'nothing to do'
  const platform = started.delivery.destination
  const { deliveryId, origin: iss, jti } = started.delivery
  const log = deps.log.child({ platform, deliveryId, iss, jti })
  const waitFor = deps.inOrder === true
    ? undefined
    : await objectionToWaitFor(deps.pool, started.delivery, deps.messageItems)
  if (waitFor !== undefined && token !== undefined) {
    const why = `waiting: the objection on entry ${waitFor} must reach ${platform} first`
    await giveBack(deps, started.delivery.deliveryId, started.attemptId, why)
    await job.moveToDelayed(Date.now() + deps.policy.baseDelayMs, token)
    throw new DelayedError()
  }
  // The trace the message arrived with, carried by its queue job: this attempt is a span of it.
  let span: DeliverySpan | undefined
  try {
    const current = await dropSuperseded(deps.pool, started.delivery)
    const scoped = applyShareScope(current, deps.registries, deps.shareScopes)
    const sentIndexes = sentIndexesOf(started, current, scoped.keptIndexes)
    const kept = scopeEvidence(scoped)
    span = scoped.delivery.items.length === 0
      ? undefined
      : startDeliverySpan(job.data.traceparent, { 'gw.platform': platform, 'gw.jti': jti, 'gw.attempt': started.attempt })
    const pending = span === undefined ? scoped.delivery : { ...scoped.delivery, traceparent: span.traceparent }
    const answer = pending.items.length === 0 ? undefined : await deliverCoalesced(deps, started, pending)
    span?.end()
    const receipt = answer === undefined ? undefined : { ...answer, evidence: { ...answer.evidence, ...kept } }
    const refused = checkRefusals(receipt?.refused, pending.items.length)
    await recordDelivered(deps.pool, started, pending, receipt, kept, sentIndexes)
    deps.health.reportSuccess(platform)
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
    span?.end({ code: failure.code, message: failure.message })
    const final = !failure.retryable || started.attempt >= deps.policy.attempts
    // Paused: give the attempt back and wait; the job runs again once the queue resumes.
    const waitPaused = async (why: string, code?: AdapterErrorCode): Promise<never> => {
      await giveBack(deps, started.delivery.deliveryId, started.attemptId, `${failure.message} (${why})`, failure.code)
      deps.events.attempt(platform, 'paused', undefined, code)
      await job.moveToDelayed(Date.now() + deps.policy.baseDelayMs, token)
      throw new DelayedError()
    }
    if (token !== undefined && failure.code === 'ADAPTER_AUTH') {
      // Refused credentials are the gateway's or the platform's misconfiguration, on any attempt: no retry mends them.
      await deps.health.reportAuthFailure(platform, failure.message)
      await waitPaused('credentials refused: queue paused', failure.code)
    }
    if (!final && failure.unreachable && token !== undefined && await deps.health.reportUnreachable(platform)) {
      await waitPaused('platform down: queue paused')
    }
    if (failure.code === 'ADAPTER_TIMEOUT' && token !== undefined && await deps.health.reportTimeout(platform)) {
      await waitPaused('circuit breaker open: queue paused', failure.code)
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
  // A coalescing destination gets one push at a time from this process (see DestinationTurn).
  const turn = coalesces(deps) ? new DestinationTurn() : undefined
  // A companion's job whose push recorded it delivered completes without another look at the ledger (settled-jobs.ts),
  // whether it comes up before its turn or while waiting for it.
  const settled = turn === undefined ? undefined : new SettledJobs()
  const own = { ...deps, settled }
  const run = async (job: Job<DeliveryJobData, DeliveryResult>, token?: string): Promise<DeliveryResult> => {
    if (turn === undefined) return await processDelivery(own, job, token)
    const done = (): DeliveryResult | undefined => settled?.take(job.id) === true ? 'delivered' : undefined
    const attempt = async (): Promise<DeliveryResult> => await processDelivery(own, job, token)
    return done() ?? await turn.attempt(deps.pool, deps.policy, job, token, attempt, done)
  }
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
