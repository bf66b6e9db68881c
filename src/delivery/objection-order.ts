import type pg from 'pg'
import type { Delivery } from '../../adapters/types.js'
import type { MessageItems } from './message-items.js'

/** Kinds whose items name entries by `owner` and `entryId`. */
const ENTRY_KINDS: ReadonlySet<string> = new Set(['list.upsert', 'list.remove', 'punishment.notice', 'gateway.notice', 'objection.resolve'])

// Unfinished deliveries of objections (the suspensions) to this destination, with their entries.
// Only openings hold others back; a resolution itself waits (below), so nothing waits for it.
const PENDING = `SELECT o.owner, o.entry_id
FROM deliveries d JOIN objections o ON d.jti = o.opened_jti AND d.iss = o.raised_by
WHERE d.destination = $1 AND d.id <> $2 AND d.status IN ('queued', 'delivering', 'retrying')`

/**
 * An objection suspends an entry everywhere, so it must reach a platform before anything else
 * about that entry does — also when the platform was down and everything arrives on recovery.
 * Returns the entry a delivery has to wait for, if any: any message about an entry waits while an
 * objection about it is undelivered to the same destination; an objection's resolution waits for
 * every earlier message about the entry (the opening, a corrected version), so a platform never
 * lifts a suspension before it holds what the resolution names. A dead delivery no longer holds
 * anything back (it is visible and resent by an operator).
 */
export async function objectionToWaitFor (
  pool: pg.Pool, d: Delivery, items: MessageItems
): Promise<string | undefined> {
  if (!ENTRY_KINDS.has(d.kind)) return undefined
  if (d.kind === 'objection.resolve') return await earlierAboutEntry(pool, d, items)
  const { rows } = await pool.query<{ owner: string, entry_id: string }>(PENDING, [d.destination, d.deliveryId])
  if (rows.length === 0) return undefined
  const mine = new Set((d.items as Array<{ owner?: string, entryId?: string }>).map((i) => `${i.owner ?? d.origin}/${i.entryId ?? ''}`))
  const blocking = rows.find((r) => mine.has(`${r.owner}/${r.entry_id}`))
  return blocking === undefined ? undefined : `${blocking.owner}/${blocking.entry_id}`
}

const keysOf = (items: unknown[], origin: string): string[] =>
  (items as Array<{ owner?: string, entryId?: string }>).map((i) => `${i.owner ?? origin}/${i.entryId ?? ''}`)

/**
 * An earlier unfinished delivery to the same destination about an entry of this resolution (rare: looked
 * up directly).
 */
async function earlierAboutEntry (pool: pg.Pool, d: Delivery, items: MessageItems): Promise<string | undefined> {
  const mine = new Set(keysOf(d.items, d.origin))
  const { rows } = await pool.query<{ jti: string, iss: string }>(
    `SELECT d.jti, d.iss FROM deliveries d
     WHERE d.destination = $1 AND d.id < $2 AND d.status IN ('queued', 'delivering', 'retrying') ORDER BY d.id LIMIT 1000`,
    [d.destination, d.deliveryId])
  for (const r of rows) {
    const hit = keysOf(await items.of(pool, r.iss, r.jti), r.iss).find((k) => mine.has(k))
    if (hit !== undefined) return hit
  }
  return undefined
}
