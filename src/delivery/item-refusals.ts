import type pg from 'pg'
import { AdapterError, type Delivery, type ItemRefusal } from '../../adapters/types.js'
import type { StartedAttempt } from './delivery-store.js'
import { storedErrorText } from '../privacy/stored-error-text.js'

/** An item a destination refused, placed in its message: `index` is in the items as the issuer sent them. */
export interface MessageItemRefusal extends ItemRefusal {
  /** The entry the item is about, where it names one. */
  entryOwner: string | null
  entryId: string | null
}

/** An open refusal as the message status and the dashboard show it. */
export interface OpenRefusal {
  deliveryId: string
  index: number
  entryOwner: string | null
  entryId: string | null
  code: string
  reason: string
  refusedAt: Date
}

const entryOf = (item: unknown, origin: string): { entryOwner: string | null, entryId: string | null } => {
  const i = (typeof item === 'object' && item !== null ? item : {}) as { entryId?: unknown, owner?: unknown }
  if (typeof i.entryId !== 'string') return { entryOwner: null, entryId: null }
  return { entryOwner: typeof i.owner === 'string' ? i.owner : origin, entryId: i.entryId }
}

/**
 * Places an adapter's refusals (indexes in the items it was handed) in the message: `sentIndexes`
 * holds, for each item sent, its index in the message as the issuer sent it (the worker drops
 * superseded and withheld items before the adapter sees them).
 */
export function inMessage (
  refused: readonly ItemRefusal[], sent: readonly unknown[], sentIndexes: readonly number[], origin: string
): MessageItemRefusal[] {
  return refused.map((r) => ({
    index: sentIndexes[r.index] ?? r.index,
    code: storedErrorText(r.code, 40),
    reason: storedErrorText(r.reason),
    ...entryOf(sent[r.index], origin)
  }))
}

// One statement: resolve the open refusals not refused again, keep (or refresh) the ones that are.
const RECORD = `WITH resolved AS (
  UPDATE delivery_item_refusals SET resolved_at = now()
  WHERE delivery_id = $1 AND resolved_at IS NULL AND NOT (item_index = ANY($3::int[]))
)
INSERT INTO delivery_item_refusals (delivery_id, item_index, entry_owner, entry_id, code, reason, attempt_id, refused_at)
SELECT $1, x.item_index, x.entry_owner, x.entry_id, x.code, x.reason, $2, now()
FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(item_index, entry_owner, entry_id, code, reason)
ON CONFLICT (delivery_id, item_index) WHERE resolved_at IS NULL DO UPDATE
  SET code = EXCLUDED.code, reason = EXCLUDED.reason, attempt_id = EXCLUDED.attempt_id, refused_at = EXCLUDED.refused_at`

/**
 * Records what attempt `attemptId` left refused: every refusal in `refused` is open afterwards,
 * every earlier open refusal of the delivery not among them is resolved (applied, superseded, or
 * no longer sent).
 */
export async function recordRefusals (
  db: pg.PoolClient | pg.Pool, deliveryId: string, attemptId: string, refused: readonly MessageItemRefusal[]
): Promise<void> {
  await db.query(RECORD, [
    deliveryId, attemptId, refused.map((r) => r.index), refused.map((r) => r.entryOwner),
    refused.map((r) => r.entryId), refused.map((r) => r.code), refused.map((r) => r.reason)
  ])
}

/** What a partial delivery's last error says: how many items were refused, and the first few. */
export function refusalSummary (refused: readonly MessageItemRefusal[], sent: number): string {
  const first = refused.slice(0, 5).map((r) => `items[${r.index}] ${r.code} ${r.reason}`)
  return storedErrorText(`the destination refused ${refused.length} of ${sent} items: ${first.join('; ')}${refused.length > 5 ? '; …' : ''}`)
}

/** The open refusals of deliveries `ids`, by delivery then item. */
export async function openRefusals (db: pg.Pool, ids: readonly string[]): Promise<OpenRefusal[]> {
  if (ids.length === 0) return []
  const { rows } = await db.query<{
    delivery_id: string
    item_index: number
    entry_owner: string | null
    entry_id: string | null
    code: string
    reason: string
    refused_at: Date
  }>(
    `SELECT delivery_id, item_index, entry_owner, entry_id, code, reason, refused_at FROM delivery_item_refusals
     WHERE delivery_id = ANY($1::bigint[]) AND resolved_at IS NULL ORDER BY delivery_id, item_index`, [ids])
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    index: r.item_index,
    entryOwner: r.entry_owner,
    entryId: r.entry_id,
    code: r.code,
    reason: r.reason,
    refusedAt: r.refused_at
  }))
}

/**
 * The message index of each item of `after`, a filtered copy of `before` holding the same item
 * objects (dropSuperseded keeps its items as they are), given the message index of each of `before`.
 */
export function indexesAfterFilter (
  before: readonly unknown[], beforeIndexes: readonly number[], after: readonly unknown[]
): number[] {
  if (after === before) return [...beforeIndexes]
  const at = new Map<unknown, number>()
  before.forEach((item, i) => { if (!at.has(item)) at.set(item, beforeIndexes[i] ?? i) })
  return after.map((item, i) => at.get(item) ?? i)
}

/**
 * How many items a receipt refused, once checked: each index names an item sent, once; a receipt
 * that refuses every item is a refusal of the message (permanent), as the adapters answer it.
 */
export function checkRefusals (refused: readonly ItemRefusal[] | undefined, sent: number): number {
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
 * Where each item sent sits in the message as the issuer sent it, so a refusal names the issuer's
 * item: `current` is the started delivery after superseded items were dropped, `keptIndexes` what
 * the share scope kept of it (see share-scope.ts).
 */
export function sentIndexesOf (
  started: StartedAttempt, current: Delivery, keptIndexes: readonly number[] | undefined
): number[] {
  const inCurrent = indexesAfterFilter(started.delivery.items, started.itemIndexes, current.items)
  return keptIndexes?.map((i) => inCurrent[i] ?? i) ?? inCurrent
}
