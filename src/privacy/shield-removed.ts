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
export async function dropShieldedAll (pool: pg.Pool, ds: readonly Delivery[]): Promise<Delivery[]> {
  const subject = ds.filter((d) => SUBJECT_KINDS.has(d.kind) && d.items.length > 0)
  if (subject.length === 0) return [...ds]
  const ownerOf = (d: Delivery, i: EntryItem): string => i.owner ?? d.origin
  const pairs = subject.flatMap((d) => (d.items as EntryItem[]).map((i) => [ownerOf(d, i), i.entryId] as const))
  // One index probe per entry (LIMIT 1 keeps the subquery from being flattened into a join the planner would hash
  // over every entry).
  const unique = [...new Map(pairs.map((p) => [`${p[0]}\u0000${p[1]}`, p])).values()]
  const { rows } = await pool.query<{ owner: string, entry_id: string, version: number }>(
    `SELECT u.owner, u.entry_id, e.version FROM unnest($1::text[], $2::text[]) AS u(owner, entry_id)
     CROSS JOIN LATERAL (SELECT e.version FROM entries e WHERE e.owner = u.owner AND e.entry_id = u.entry_id
       AND e.status = 'removed' AND e.removal->>'reason' = ANY($3::text[]) LIMIT 1) e`,
    [unique.map((p) => p[0]), unique.map((p) => p[1]), SHIELDED_REMOVAL_REASONS])
  if (rows.length === 0) return [...ds]
  const removedAt = new Map(rows.map((r) => [`${r.owner}\u0000${r.entry_id}`, r.version]))
  return ds.map((d) => {
    if (!SUBJECT_KINDS.has(d.kind)) return d
    const items = d.items as EntryItem[]
    const kept = items.filter((i) => {
      const v = removedAt.get(`${ownerOf(d, i)}\u0000${i.entryId}`)
      return v === undefined || (i.version !== undefined && i.version >= v)
    })
    return kept.length === items.length ? d : { ...d, items: kept }
  })
}
