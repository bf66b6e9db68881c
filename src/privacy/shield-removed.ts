import type pg from 'pg'
import type { Delivery } from '../../adapters/types.js'
import { SHIELDED_REMOVAL_REASONS } from './personal-fields.js'

// Kinds whose items carry a subject (name, identity numbers) and name an entry.
const SUBJECT_KINDS: ReadonlySet<string> = new Set(['list.upsert', 'punishment.notice'])

interface EntryItem { entryId: string, owner?: string, version?: number }

/**
 * Drops the items of a delivery that would carry the personal fields of an entry removed since
 * by repair, expiry or revocation (国办发〔2020〕49号 (十一): sharing stops, the data is shielded):
 * an older `list.upsert` of it still in the outbox (or on a retry, or waiting on a pull feed), or a
 * `punishment.notice` resting on it. Its removal is delivered as usual, so the destination ends
 * where it would have, without ever receiving the person's data after the removal.
 */
export async function dropShielded (pool: pg.Pool, d: Delivery): Promise<Delivery> {
  if (!SUBJECT_KINDS.has(d.kind) || d.items.length === 0) return d
  const items = d.items as EntryItem[]
  const ownerOf = (i: EntryItem): string => i.owner ?? d.origin
  const { rows } = await pool.query<{ owner: string, entry_id: string, version: number }>(
    `SELECT e.owner, e.entry_id, e.version FROM entries e
     JOIN unnest($1::text[], $2::text[]) AS u(owner, entry_id) USING (owner, entry_id)
     WHERE e.status = 'removed' AND e.removal->>'reason' = ANY($3::text[])`,
    [items.map(ownerOf), items.map((i) => i.entryId), SHIELDED_REMOVAL_REASONS])
  if (rows.length === 0) return d
  const removedAt = new Map(rows.map((r) => [`${r.owner}\u0000${r.entry_id}`, r.version]))
  const kept = items.filter((i) => {
    const v = removedAt.get(`${ownerOf(i)}\u0000${i.entryId}`)
    return v === undefined || (i.version !== undefined && i.version >= v)
  })
  return kept.length === items.length ? d : { ...d, items: kept }
}
