import type pg from 'pg'
import type { BatchLimits, Delivery } from '../../adapters/types.js'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import { inTransaction } from '../ledger/pool.js'
import type { StartedAttempt } from './delivery-store.js'
import type { MessageItems } from './message-items.js'
import { jobIdOf } from './delivery-queues.js'

/** Kinds whose items name entries (objection-order.ts): they wait for an undelivered objection on their entries. */
const ENTRY_KINDS: ReadonlySet<string> = new Set(['list.upsert', 'list.remove', 'punishment.notice', 'gateway.notice'])

// Ready companions: first attempts only (a retrying delivery's backoff is its own job's to keep), relayed to the
// queue (so a job exists that finds them done, or retries them), oldest first. SKIP LOCKED: a concurrent claim
// (another gateway process) takes the next ones instead of waiting. A resend of a partial delivery (open
// refusals: it sends those items alone, see delivery-store.ts) is never a companion.
const CANDIDATES = `SELECT d.id, d.jti, d.destination, d.resends, d.enqueue_seq, e.kind, e.iss, e.digest, e.received_at,
  e.relay IS NOT NULL AS relayed
FROM deliveries d JOIN envelopes e ON e.iss = d.iss AND e.jti = d.jti
WHERE d.destination = $1 AND d.status = 'queued' AND d.enqueued_at IS NOT NULL AND d.id <> $2
  AND NOT EXISTS (SELECT 1 FROM delivery_item_refusals r WHERE r.delivery_id = d.id AND r.resolved_at IS NULL)
ORDER BY d.id LIMIT $3 FOR UPDATE OF d SKIP LOCKED`

// Unfinished objection openings to this destination, with their entries (objection-order.ts's PENDING).
const OPENINGS = `SELECT d.id, o.owner, o.entry_id
FROM deliveries d JOIN objections o ON d.jti = o.opened_jti AND d.iss = o.raised_by
WHERE d.destination = $1 AND d.status IN ('queued', 'delivering', 'retrying')`

// As delivery-store.ts's START, for several deliveries at once: each attempt counted and recorded.
const START_ALL = `WITH d AS (
  UPDATE deliveries SET status = 'delivering', attempts = attempts + 1, updated_at = now()
  WHERE id = ANY($1::bigint[]) RETURNING id, attempts
)
INSERT INTO delivery_attempts (delivery_id, attempt, started_at) SELECT id, attempts, now() FROM d
RETURNING id AS attempt_id, delivery_id, attempt`

const entryKeys = (d: Delivery): string[] =>
  (d.items as Array<{ owner?: string, entryId?: string }>).map((i) => `${i.owner ?? d.origin}/${i.entryId ?? ''}`)

// A message's items are one array for all its destinations (MessageItems): their size is counted once.
const sizes = new WeakMap<readonly unknown[], number>()
function itemBytes (d: Delivery): number {
  let bytes = sizes.get(d.items)
  if (bytes === undefined) {
    bytes = Buffer.byteLength(JSON.stringify(d.items))
    sizes.set(d.items, bytes)
  }
  return bytes
}

/**
 * Claims the companions of `lead` (already started) for one coalesced push: ready deliveries to the same
 * destination in ledger order, up to the limits, each started as its own attempt in one transaction.
 * The ordering rules: the claim stops at the first message that would pass the byte limit (a newer
 * message never overtakes an older one left out for size); a message about an entry with an undelivered
 * objection is left out unless that objection is earlier in the same push (it waits for it, as
 * objectionToWaitFor says); an objection's resolution is never a companion (it runs alone, after
 * everything earlier about its entry). Returns the companions, in ledger order.
 */
export async function claimCompanions (
  pool: pg.Pool, items: MessageItems, lead: Delivery, limits: BatchLimits
): Promise<StartedAttempt[]> {
  if (limits.maxMessages <= 1) return []
  const leadBytes = itemBytes(lead)
  // The smallest companion adds `[]`'s two bytes: a lead this large (a bulk message) goes alone, unqueried.
  if (leadBytes + 2 > limits.maxBytes) return []
  return await inTransaction(pool, async (client) => {
    const { rows } = await client.query<{
      id: string
      jti: string
      destination: string
      resends: number
      enqueue_seq: number
      kind: EnvelopeKindV1
      iss: string
      digest: string
      received_at: Date
      relayed: boolean
    }>(CANDIDATES, [lead.destination, lead.deliveryId, limits.maxMessages - 1])
    if (rows.length === 0) return []
    const openings = (
      await client.query<{ id: string, owner: string, entry_id: string }>(OPENINGS, [lead.destination])
    ).rows
    const members = new Set<string>([lead.deliveryId])
    const chosen: Delivery[] = []
    const jobIds = new Map(rows.map((r) => [r.id, jobIdOf(r.id, r.enqueue_seq)]))
    let bytes = leadBytes
    for (const r of rows) {
      if (r.kind === 'objection.resolve') continue
      const d: Delivery = {
        deliveryId: r.id,
        jti: r.jti,
        kind: r.kind,
        origin: r.iss,
        ...(r.relayed ? { relayed: true } : {}),
        originDigest: r.digest,
        destination: r.destination,
        items: await items.of(client, r.iss, r.jti),
        receivedAt: r.received_at.toISOString(),
        resends: r.resends
      }
      const size = itemBytes(d)
      if (bytes + size > limits.maxBytes) break
      if (ENTRY_KINDS.has(d.kind)) {
        const mine = new Set(entryKeys(d))
        // An opening counts as earlier in the push when it is a member with a smaller id (the push is in id order).
        const waits = openings.some((o) => o.id !== d.deliveryId && mine.has(`${o.owner}/${o.entry_id}`) &&
          !(members.has(o.id) && BigInt(o.id) < BigInt(d.deliveryId)))
        if (waits) continue
      }
      bytes += size
      members.add(d.deliveryId)
      chosen.push(d)
    }
    if (chosen.length === 0) return []
    const started = await client.query<{ attempt_id: string, delivery_id: string, attempt: number }>(
      START_ALL, [chosen.map((d) => d.deliveryId)])
    const byId = new Map(started.rows.map((s) => [s.delivery_id, s]))
    return chosen.flatMap((d) => {
      const s = byId.get(d.deliveryId)
      const whole = { itemIndexes: d.items.map((_, i) => i), refusalsOnly: false }
      if (s === undefined) return []
      return [{ delivery: d, attempt: s.attempt, attemptId: s.attempt_id, jobId: jobIds.get(d.deliveryId), ...whole }]
    })
  })
}
