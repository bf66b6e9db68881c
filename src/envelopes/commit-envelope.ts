import type pg from 'pg'
import { applyWorkflow } from '../coordination/apply-workflow.js'
import type { WorkflowDeps } from '../coordination/workflow-deps.js'
import { storeEnvelope, type CommitOutcome, type EnvelopeRecord } from '../ledger/envelope-store.js'
import { insertOutbox } from '../ledger/gateway-messages.js'
import { inTransaction } from '../ledger/pool.js'

/** An accepted envelope and where it goes. */
export interface AcceptedEnvelope extends EnvelopeRecord {
  /** Platforms that should receive the message: one outbox row each. */
  destinations: string[]
  /** The W3C trace context of the request that brought it (request-context-plugin.ts), for its deliveries. */
  traceparent?: string | null | undefined
}

/** What {@link applyEnvelope} did: the outcome, and whether it wrote outbox rows (so a NOTIFY is due). */
export interface AppliedEnvelope {
  stored: CommitOutcome
  outboxRows: number
}

/**
 * Applies an accepted envelope in the caller's transaction: the ledger stores the envelope and its
 * entries, the coordination workflow (cases, objections, removals) acts on the same client and may
 * name the destinations, and the ledger writes one outbox row per destination. The ledger and the
 * workflow are peers here, so whatever either refuses throws and must roll the whole envelope
 * back; a replay stops after the envelope row (nothing is applied twice). `notify: false` leaves
 * the outbox NOTIFY to the caller (a group commit sends one per transaction).
 */
export async function applyEnvelope (
  client: pg.PoolClient, rec: AcceptedEnvelope, workflow: WorkflowDeps | undefined, notify = true
): Promise<AppliedEnvelope> {
  const stored = await storeEnvelope(client, rec)
  if (stored.outcome === 'replay') return { stored, outboxRows: 0 }
  const message = { jti: rec.jti, iss: rec.iss, kind: rec.kind, items: rec.items, at: rec.receivedAt }
  const destinations = workflow === undefined
    ? rec.destinations
    : await applyWorkflow(client, workflow, message) ?? rec.destinations
  await insertOutbox(client, rec.iss, rec.jti, destinations, rec.receivedAt, notify, rec.traceparent ?? null)
  return { stored, outboxRows: destinations.length }
}

/** Commits an accepted envelope alone, in a transaction of its own (see {@link applyEnvelope}). */
export async function commitEnvelope (
  pool: pg.Pool, rec: AcceptedEnvelope, workflow?: WorkflowDeps
): Promise<CommitOutcome> {
  return await inTransaction(pool, async (client) => (await applyEnvelope(client, rec, workflow)).stored)
}
