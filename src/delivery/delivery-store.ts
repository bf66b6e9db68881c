import type pg from 'pg'
import type { AdapterErrorCode, Delivery, DeliveryReceipt } from '../../adapters/types.js'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import { storedErrorText } from '../privacy/stored-error-text.js'
import { dropShieldedAll } from '../privacy/shield-removed.js'
import { storedPayload } from '../privacy/shielded-envelope.js'
import type { MessageItems } from './message-items.js'
import { inTransaction } from '../ledger/pool.js'
import { indexesAfterFilter, inMessage, recordRefusals, refusalSummary, type MessageItemRefusal } from './item-refusals.js'

/** A delivery as a worker starts an attempt on it. */
export interface StartedAttempt {
  delivery: Delivery
  attempt: number
  attemptId: string
  /** For each of `delivery.items`, its index in the message as the issuer sent it. */
  itemIndexes: number[]
  /** A resend of a partial delivery: `delivery.items` are its open refusals alone. */
  refusalsOnly: boolean
  /** A companion's own queue job (coalesced-claim.ts), settled when its push records it delivered. */
  jobId?: string | undefined
}

const LIST_KINDS: ReadonlySet<string> = new Set(['list.upsert', 'list.remove'])

// Compact, flattened or shielded (personal fields erased: see shielded-envelope.ts).
const payloadItems = (jws: string): unknown[] => storedPayload(jws).items

/** The items of message (`iss`, `jti`) as its issuer sent them, read from the ledger (see MessageItems). */
export async function messageItems (pool: pg.Pool | pg.PoolClient, iss: string, jti: string): Promise<unknown[]> {
  const { rows } = await pool.query<{ jws: string }>('SELECT jws FROM envelopes WHERE iss = $1 AND jti = $2', [iss, jti])
  return payloadItems(rows[0]?.jws ?? '')
}

// One statement (one round trip, one commit): count the attempt, record it, read the message.
const START = `WITH d AS (
  UPDATE deliveries SET status = 'delivering', attempts = attempts + 1, updated_at = now()
  WHERE id = $1 AND status NOT IN ('delivered', 'dead', 'partial')
  RETURNING id, iss, jti, destination, attempts, resends
), a AS (
  INSERT INTO delivery_attempts (delivery_id, attempt, started_at) SELECT id, attempts, now() FROM d RETURNING id
)
SELECT d.id, d.jti, d.destination, d.attempts, d.resends, a.id AS attempt_id, e.kind, e.iss, e.digest, e.received_at,
  e.relay IS NOT NULL AS relayed,
  (SELECT array_agg(r.item_index ORDER BY r.item_index) FROM delivery_item_refusals r
   WHERE r.delivery_id = d.id AND r.resolved_at IS NULL) AS refused
FROM d CROSS JOIN a JOIN envelopes e ON e.iss = d.iss AND e.jti = d.jti`

/**
 * Starts an attempt: marks the delivery `delivering`, counts the attempt and records it. Returns
 * undefined when there is nothing to do (already delivered, partial or dead: a duplicate job is
 * harmless). A delivery with open item refusals (a partial one, resent) loads those items alone.
 */
export async function startAttempt (
  pool: pg.Pool, items: MessageItems, deliveryId: string
): Promise<StartedAttempt | undefined> {
  const { rows } = await pool.query<{
    id: string
    jti: string
    destination: string
    attempts: number
    resends: number
    attempt_id: string
    kind: EnvelopeKindV1
    iss: string
    digest: string
    received_at: Date
    relayed: boolean
    refused: number[] | null
  }>(START, [deliveryId])
  const row = rows[0]
  if (row === undefined) return undefined
  const all = await items.of(pool, row.iss, row.jti)
  const itemIndexes = row.refused ?? all.map((_, i) => i)
  return {
    attempt: row.attempts,
    attemptId: row.attempt_id,
    itemIndexes,
    refusalsOnly: row.refused !== null,
    delivery: {
      deliveryId: row.id,
      jti: row.jti,
      kind: row.kind,
      origin: row.iss,
      ...(row.relayed ? { relayed: true } : {}),
      originDigest: row.digest,
      destination: row.destination,
      items: row.refused === null ? all : itemIndexes.map((i) => all[i]),
      receivedAt: row.received_at.toISOString(),
      resends: row.resends
    }
  }
}

/**
 * Drops items about entries removed since by repair, expiry or revocation (their personal fields
 * are no longer sent: see shield-removed.ts), and list items the destination is known to hold in
 * a newer version: a retried v1 must never overwrite a delivered v2. The same version is sent again (a resend, a
 * crash): destinations
 * treat it as a duplicate.
 */
export async function dropSuperseded (pool: pg.Pool, d: Delivery): Promise<Delivery> {
  return (await dropSupersededAll(pool, [d]))[0] ?? d
}

/**
 * {@link dropSuperseded} for several deliveries (a coalesced push): two statements in all, whatever
 * their number; same order. Nothing is recorded between them, so each is read as it would be alone.
 */
export async function dropSupersededAll (pool: pg.Pool, all: readonly Delivery[]): Promise<Delivery[]> {
  const ds = await dropShieldedAll(pool, all)
  const lists = ds.filter((d) => LIST_KINDS.has(d.kind) && d.items.length > 0)
  if (lists.length === 0) return ds
  // The owner is the item's: a message the gateway issues (a heal, an expiry) carries other owners' entries.
  type ListItem = { entryId: string, owner?: string, version: number }
  const ownerOf = (d: Delivery, i: ListItem): string => i.owner ?? d.origin
  // One index probe per entry, as dropShieldedAll does (LIMIT 1: not flattened into a hashed scan of the table).
  const keys = [...new Map(lists.flatMap((d) => (d.items as ListItem[]).map((i) => {
    const k = [d.destination, ownerOf(d, i), i.entryId] as const
    return [k.join('\u0000'), k] as const
  }))).values()]
  const { rows } = await pool.query<{ destination: string, owner: string, entry_id: string, version: number }>(
    `SELECT u.destination, u.owner, u.entry_id, r.version
     FROM unnest($1::text[], $2::text[], $3::text[]) AS u(destination, owner, entry_id)
     CROSS JOIN LATERAL (SELECT r.version FROM replica_versions r
       WHERE r.destination = u.destination AND r.owner = u.owner AND r.entry_id = u.entry_id LIMIT 1) r`,
    [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])])
  const held = new Map(rows.map((r) => [`${r.destination}\u0000${r.owner}\u0000${r.entry_id}`, r.version]))
  if (held.size === 0) return ds
  return ds.map((d) => {
    if (!LIST_KINDS.has(d.kind)) return d
    const items = d.items as ListItem[]
    const kept = items.filter((i) => (held.get(`${d.destination}\u0000${ownerOf(d, i)}\u0000${i.entryId}`) ?? 0) <= i.version)
    return kept.length === items.length ? d : { ...d, items: kept }
  })
}

const DELIVERED = `WITH d AS (
  UPDATE deliveries SET status = 'delivered', last_error = NULL, last_error_code = NULL, receipt = $2, delivered_at = now(),
    updated_at = now() WHERE id = $1
), a AS (
  UPDATE delivery_attempts SET finished_at = now(), outcome = $4, sent_digest = $5, receipt = $6 WHERE id = $3
)
INSERT INTO replica_versions (destination, owner, entry_id, version, confirmed_at)
SELECT $7, coalesce(x->>'owner', $8), x->>'entryId', (x->>'version')::int, now() FROM jsonb_array_elements($9::jsonb) AS x
ON CONFLICT (destination, owner, entry_id) DO UPDATE
  SET version = GREATEST(replica_versions.version, EXCLUDED.version), confirmed_at = EXCLUDED.confirmed_at`

/**
 * The evidence of a delivery that sent nothing: every item superseded, or withheld by the share
 * scope (`kept` lists what was withheld: see share-scope.ts).
 */
export function nothingSentEvidence (kept: { withheld?: string[] } = {}): Record<string, unknown> {
  return kept.withheld === undefined ? { superseded: true } : { nothingSent: true, ...kept }
}

/**
 * Records a confirmed delivery in one statement: status, receipt, the attempt's evidence, and the
 * versions the replica now holds. `kept` is what the share scope kept back, for a delivery that
 * sent nothing (a receipt carries it already). A receipt that refuses some items (or an attempt
 * on a partial delivery's refusals) goes through {@link recordPartial}; `sentIndexes` places the
 * items sent in the message (default: found by identity among the items the attempt loaded).
 */
export async function recordDelivered (
  pool: pg.Pool,
  started: StartedAttempt,
  delivered: Delivery,
  receipt: DeliveryReceipt | undefined,
  kept: { withheld?: string[] } = {},
  sentIndexes: readonly number[] = indexesAfterFilter(started.delivery.items, started.itemIndexes, delivered.items)
): Promise<void> {
  if ((receipt?.refused?.length ?? 0) > 0 || started.refusalsOnly) {
    await recordPartial(pool, started, delivered, receipt, kept, sentIndexes)
    return
  }
  await pool.query(DELIVERED, deliveredParams(started, delivered, receipt, kept, delivered.items))
}

/** What a confirmed delivery records (see DELIVERED), with the replica versions it leaves. */
export interface DeliveredRecord {
  deliveryId: string
  /** The delivery's receipt column: the adapter's evidence, or what was sent in its stead (nothing). */
  evidence: unknown
  attemptId: string
  outcome: 'superseded' | 'delivered'
  sentDigest: string | null
  attemptReceipt: unknown
  destination: string
  origin: string
  /** List items applied (entryId, version, owner when not the origin); empty for other kinds. */
  versions: unknown[]
}

export function deliveredRecord (
  started: StartedAttempt, delivered: Delivery, receipt: DeliveryReceipt | undefined,
  kept: { withheld?: string[] }, applied: unknown[]
): DeliveredRecord {
  const nothing = receipt === undefined ? nothingSentEvidence(kept) : undefined
  return {
    deliveryId: started.delivery.deliveryId,
    evidence: receipt === undefined ? nothing : receipt.evidence,
    attemptId: started.attemptId,
    outcome: receipt === undefined ? 'superseded' : 'delivered',
    sentDigest: receipt?.sentDigest ?? null,
    attemptReceipt: receipt?.evidence ?? (kept.withheld === undefined ? null : nothing),
    destination: delivered.destination,
    origin: delivered.origin,
    versions: LIST_KINDS.has(delivered.kind) ? applied.map(versionOf) : []
  }
}

// What replica_versions keeps of an applied list item: the whole item (1,000 of them in a bulk message) would
// be serialised and parsed again by PostgreSQL for these three fields.
function versionOf (item: unknown): { entryId: unknown, version: unknown, owner?: unknown } {
  const { entryId, version, owner } = item as { entryId?: unknown, version?: unknown, owner?: unknown }
  return owner === undefined ? { entryId, version } : { entryId, version, owner }
}

function deliveredParams (
  started: StartedAttempt, delivered: Delivery, receipt: DeliveryReceipt | undefined,
  kept: { withheld?: string[] }, applied: unknown[]
): unknown[] {
  const r = deliveredRecord(started, delivered, receipt, kept, applied)
  return [
    r.deliveryId, r.evidence, r.attemptId, r.outcome, r.sentDigest, r.attemptReceipt, r.destination, r.origin,
    JSON.stringify(r.versions)
  ]
}

/**
 * Partial acceptance: the applied items are delivered (replica versions recorded for them alone),
 * each refused item is kept with the platform's code and reason (item-refusals.ts), and the
 * delivery is `partial` while any refusal is open, `delivered` once a resend had them all applied.
 */
async function recordPartial (
  pool: pg.Pool, started: StartedAttempt, delivered: Delivery, receipt: DeliveryReceipt | undefined,
  kept: { withheld?: string[] }, sentIndexes: readonly number[]
): Promise<void> {
  const adapterRefused = receipt?.refused ?? []
  const refusedAt = new Set(adapterRefused.map((r) => r.index))
  const refused: MessageItemRefusal[] = inMessage(adapterRefused, delivered.items, sentIndexes, delivered.origin)
  const applied = delivered.items.filter((_, i) => !refusedAt.has(i))
  await inTransaction(pool, async (client) => {
    await client.query(DELIVERED, deliveredParams(started, delivered, receipt, kept, applied))
    await recordRefusals(client, started.delivery.deliveryId, started.attemptId, refused)
    if (refused.length === 0) return
    const why = refusalSummary(refused, delivered.items.length)
    await client.query("UPDATE deliveries SET status = 'partial', last_error = $2, last_error_code = 'ADAPTER_PARTIAL' WHERE id = $1",
      [started.delivery.deliveryId, why])
    await client.query('UPDATE delivery_attempts SET error = $2 WHERE id = $1', [started.attemptId, why])
  })
}

// A final failure of a partial delivery's resend leaves it partial: its applied items stay delivered.
const FAILED = `WITH d AS (
  UPDATE deliveries SET status = CASE WHEN $2 = 'dead' AND EXISTS (
      SELECT 1 FROM delivery_item_refusals r WHERE r.delivery_id = $1 AND r.resolved_at IS NULL
    ) THEN 'partial' ELSE $2 END,
    last_error = $3, last_error_code = $5, updated_at = now() WHERE id = $1
)
UPDATE delivery_attempts SET finished_at = now(), outcome = 'failed', error = $3 WHERE id = $4`

/**
 * Records a failed attempt with its cause (`code`, an AdapterError code); `final` makes the
 * delivery dead (partial when items it refused earlier are still open), otherwise it is retrying.
 */
export async function recordFailed (
  pool: pg.Pool, started: StartedAttempt, error: string, final: boolean, code: AdapterErrorCode
): Promise<void> {
  const status = final ? 'dead' : 'retrying'
  await pool.query(FAILED, [started.delivery.deliveryId, status, storedErrorText(error), started.attemptId, code])
}
