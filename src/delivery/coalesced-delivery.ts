import { AdapterError, type Delivery, type DeliveryReceipt } from '../../adapters/types.js'
import { storedErrorText } from '../privacy/stored-error-text.js'
import { claimCompanions } from './coalesced-claim.js'
import {
  deliveredRecord, dropSupersededAll, recordDelivered, recordFailed, type DeliveredRecord, type StartedAttempt
} from './delivery-store.js'
import { recordDeliveredTogether } from './delivered-together.js'
import { checkRefusals, sentIndexesOf } from './item-refusals.js'
import type { WorkerDeps } from './delivery-worker.js'
import { applyShareScope, scopeEvidence } from './share-scope.js'

/** True when this destination's deliveries are coalesced: the adapter batches and the policy allows more than one. */
export const coalesces = (deps: Pick<WorkerDeps, 'adapter' | 'policy'>): boolean =>
  deps.adapter.capabilities.batch === true && deps.adapter.deliverBatch !== undefined &&
  deps.policy.batchMaxMessages > 1

interface Member {
  started: StartedAttempt
  pending: Delivery
  kept: { withheld?: string[], withheldFields?: string[] }
  /** For each item sent, its index in the message (see sentIndexesOf). */
  sentIndexes?: number[]
}

const asAdapterError = (err: unknown): AdapterError => err instanceof AdapterError
  ? err
  : new AdapterError((err as Error).message, { code: 'ADAPTER_INTERNAL', retryable: true, cause: err })

/**
 * Sends the lead delivery (started, superseded items dropped, scoped) and, where the destination
 * coalesces, the ready deliveries claimed with it (claimCompanions), in one push in ledger order.
 * Each companion is recorded here exactly as a single delivery would be (status, attempt, receipt,
 * sent digest; a refusal of that message alone makes it retrying or dead per policy). What happens to
 * the lead is returned (its receipt) or thrown (its AdapterError) for the caller to record as
 * always. A failure of the push as a whole fails every companion's attempt too (not counted when
 * the platform was unreachable or refused the gateway's credentials: its own job then meets the
 * paused queue) and is thrown for the lead.
 */
export async function deliverCoalesced (
  deps: WorkerDeps, started: StartedAttempt, pending: Delivery
): Promise<DeliveryReceipt> {
  const deliverBatch = deps.adapter.deliverBatch
  if (!coalesces(deps) || deliverBatch === undefined) return await deps.adapter.deliver(pending)
  const claimed = await claimCompanions(deps.pool, deps.messageItems, pending, {
    maxMessages: deps.policy.batchMaxMessages, maxBytes: deps.policy.batchMaxBytes
  })
  if (claimed.length === 0) return await deps.adapter.deliver(pending)
  const members: Member[] = []
  const currents = await dropSupersededAll(deps.pool, claimed.map((c) => c.delivery))
  for (const [i, c] of claimed.entries()) {
    const current = currents[i] ?? c.delivery
    const scoped = applyShareScope(current, deps.registries, deps.shareScopes)
    const kept = scopeEvidence(scoped)
    if (scoped.delivery.items.length > 0) {
      const sentIndexes = sentIndexesOf(c, current, scoped.keptIndexes)
      members.push({ started: c, pending: scoped.delivery, kept, sentIndexes })
      continue
    }
    await recordDelivered(deps.pool, c, scoped.delivery, undefined, kept) // nothing left to send: superseded
    deps.events.attempt(c.delivery.destination, 'superseded', lagOf(c))
  }
  if (members.length === 0) return await deps.adapter.deliver(pending)
  const lead: Member = { started, pending, kept: {} }
  const push = [...members, lead].sort((a, b) => compareIds(a.pending.deliveryId, b.pending.deliveryId))
  let outcomes: Array<DeliveryReceipt | AdapterError>
  try {
    outcomes = await deliverBatch(push.map((m) => m.pending))
    if (outcomes.length !== push.length) {
      throw new AdapterError(`the adapter answered ${outcomes.length} outcomes for ${push.length} messages`,
        { code: 'ADAPTER_INTERNAL', retryable: true })
    }
  } catch (err) {
    const failure = asAdapterError(err)
    for (const m of members) await failCompanion(deps, m, failure, pausing(failure))
    throw failure
  }
  let leadOutcome: DeliveryReceipt | AdapterError | undefined
  // Companions confirmed whole are recorded together, in one statement (partial ones alone, as always).
  const whole: Member[] = []
  const records: DeliveredRecord[] = []
  for (const [i, m] of push.entries()) {
    const outcome = outcomes[i] as DeliveryReceipt | AdapterError
    if (m === lead) { leadOutcome = outcome; continue }
    if (outcome instanceof AdapterError) { await failCompanion(deps, m, outcome, pausing(outcome)); continue }
    const receipt = { ...outcome, evidence: { ...outcome.evidence, ...m.kept } }
    let refused: number
    try {
      refused = checkRefusals(receipt.refused, m.pending.items.length)
    } catch (err) {
      await failCompanion(deps, m, asAdapterError(err), false)
      continue
    }
    if (refused === 0 && !m.started.refusalsOnly) {
      whole.push(m)
      records.push(deliveredRecord(m.started, m.pending, receipt, m.kept, m.pending.items))
      continue
    }
    await recordDelivered(deps.pool, m.started, m.pending, receipt, m.kept, m.sentIndexes)
    deps.events.attempt(m.pending.destination, 'partial', lagOf(m.started), 'ADAPTER_PARTIAL')
  }
  await recordDeliveredTogether(deps.pool, records)
  for (const m of whole) {
    if (m.started.jobId !== undefined) deps.settled?.add(m.started.jobId)
    deps.events.attempt(m.pending.destination, 'delivered', lagOf(m.started))
  }
  deps.log.debug({ platform: pending.destination, messages: push.length }, 'coalesced push')
  if (leadOutcome === undefined) throw new AdapterError('no outcome for the lead', { code: 'ADAPTER_INTERNAL', retryable: true })
  if (leadOutcome instanceof AdapterError) throw leadOutcome
  return leadOutcome
}

/**
 * A failure that pauses the platform rather than counting against its messages (see the worker):
 * unreachable, or the gateway's credentials refused. A companion's attempt is then given back; its
 * own job meets the paused queue.
 */
const pausing = (failure: AdapterError): boolean => failure.unreachable || failure.code === 'ADAPTER_AUTH'

const compareIds = (a: string, b: string): number => {
  const x = BigInt(a)
  const y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}

const lagOf = (s: StartedAttempt): number => (Date.now() - Date.parse(s.delivery.receivedAt)) / 1000

/**
 * Records a companion's failed attempt: dead when permanent or its last, else retrying; `uncounted`
 * gives the attempt back.
 */
async function failCompanion (deps: WorkerDeps, m: Member, failure: AdapterError, uncounted: boolean): Promise<void> {
  const platform = m.pending.destination
  if (uncounted) {
    const reason = storedErrorText(failure.message)
    await deps.pool.query(`UPDATE deliveries SET status = 'retrying', attempts = attempts - 1, last_error = $2, last_error_code = $3,
      updated_at = now() WHERE id = $1`, [m.started.delivery.deliveryId, reason, failure.code])
    await deps.pool.query("UPDATE delivery_attempts SET finished_at = now(), outcome = 'failed', error = $2 WHERE id = $1",
      [m.started.attemptId, `${reason} (not counted)`])
    deps.events.attempt(platform, 'retrying', undefined, failure.code)
    return
  }
  const final = !failure.retryable || m.started.attempt >= deps.policy.attempts
  await recordFailed(deps.pool, m.started, failure.message, final, failure.code)
  deps.events.attempt(platform, final ? 'dead' : 'retrying', undefined, failure.code)
  if (final) deps.log.warn({ platform, deliveryId: m.pending.deliveryId, code: failure.code, err: failure }, 'delivery dead')
}
