import type pg from 'pg'
import { inTransaction } from '../ledger/pool.js'
import type { FingerprintScope } from './fingerprint-scope.js'
import { applyFold, ELEMENT_HASH, LIVE, SLICE, type FoldTables } from './fold-apply.js'
import { buildScope, foldScopes, pruneScopes } from './scoped-fold.js'

const OWN: FoldTables = { fold: 'recon_fold', elements: 'recon_elements', buckets: 'recon_buckets', key: ['owner'] }

/**
 * A fold of at least this many entries that also outnumbers the elements already kept (an initial
 * load) builds `recon_elements_range` afresh after its inserts instead of inserting into it entry by
 * entry: in key-hash order those inserts land on random pages, and once the index outgrows shared
 * buffers they made the first fold of 10,000,000 entries 1.5 times slower per million than of
 * 1,000,000 (`npm run bench:fold`).
 */
export const REBUILD_RANGE_INDEX_FROM = 500_000

/**
 * Whether a fold of `folded` entries should rebuild the range index: large, and more than the
 * table holds (the planner's estimate; -1 for a table never analysed).
 */
export async function rebuildsRangeIndex (client: pg.PoolClient, folded: number, from: number): Promise<boolean> {
  if (folded < from) return false
  const { rows } = await client.query<{ n: number }>("SELECT reltuples AS n FROM pg_class WHERE oid = to_regclass('recon_elements')")
  return folded > Math.max(0, Number(rows[0]?.n ?? 0))
}

/** Drops the range index and returns the statement that makes it again, exactly as the migrations made it. */
export async function dropRangeIndex (client: pg.PoolClient): Promise<string | undefined> {
  const { rows } = await client.query<{ def: string | null }>("SELECT pg_get_indexdef(to_regclass('recon_elements_range')) AS def")
  const def = rows[0]?.def ?? undefined
  if (def !== undefined) await client.query('DROP INDEX recon_elements_range')
  return def
}

/**
 * Folds the changes ingest appended to `recon_deltas` into `recon_elements` and `recon_buckets`
 * (src/ledger/migrations/006.do.reconciliation.sql), all lists at once, in one transaction under
 * an advisory lock: the work is proportional to what changed since the last fold, never to the
 * size of a list. The same changes are folded into every fingerprint scope in use (migration 022);
 * `scopes` are the ones the caller is about to read: one not kept yet is built first, from the
 * entries as they are. A fold of `rebuildIndexFrom` entries or more that outnumbers the elements
 * kept rebuilds the range index ({@link REBUILD_RANGE_INDEX_FROM}; tests lower it). Returns the
 * number of entries folded.
 */
export async function foldDeltas (
  pool: pg.Pool, scopes: readonly FingerprintScope[] = [], rebuildIndexFrom = REBUILD_RANGE_INDEX_FROM
): Promise<number> {
  let built = 0
  const folded = await inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('yrd-recon-fold'))")
    const scoped = await pruneScopes(client)
    for (const s of scopes) built += await buildScope(client, s)
    // The entries' data is read (for the scopes' projections) only when some scope is kept.
    const withData = scoped || scopes.length > 0
    await client.query(`CREATE TEMP TABLE recon_fold (owner text, entry_id text, list_code text, version integer, status text,
      content_hash text, key_hash bytea, x1 bigint, x2 bigint, data jsonb) ON COMMIT DROP`)
    const { rowCount } = await client.query(`
      WITH d AS (DELETE FROM recon_deltas RETURNING *),
      u AS (SELECT d.id, x.* FROM d, unnest(d.owners, d.entry_ids, d.list_codes, d.versions, d.statuses, d.content_hashes)
              WITH ORDINALITY AS x(owner, entry_id, list_code, version, status, content_hash, ord)),
      latest AS (SELECT DISTINCT ON (owner, entry_id) owner, entry_id, list_code, version, status, content_hash
                 FROM u ORDER BY owner, entry_id, id DESC, ord DESC),
      hashed AS (SELECT *, CASE WHEN status IN ${LIVE} THEN ${ELEMENT_HASH} END AS h FROM latest)
      INSERT INTO recon_fold
      SELECT owner, entry_id, list_code, version, status, content_hash, decode(md5(owner || ':' || entry_id), 'hex'),
             ${SLICE('h', 1)}, ${SLICE('h', 17)},
             ${withData
               // Same statement, same snapshot as the deltas taken: the entry as the latest delta left it.
               ? `CASE WHEN status IN ${LIVE} THEN (SELECT en.data FROM entries en
                   WHERE en.owner = hashed.owner AND en.entry_id = hashed.entry_id) END`
               : 'NULL::jsonb'}
      FROM hashed`)
    if (rowCount === 0) return 0
    // Inside the fold's transaction: readers of the elements wait for its commit (they fold first, under
    // the same lock, anyway), and a failed fold leaves the index as it was.
    const large = await rebuildsRangeIndex(client, rowCount ?? 0, rebuildIndexFrom)
    const rebuild = large ? await dropRangeIndex(client) : undefined
    await applyFold(client, OWN)
    if (rebuild !== undefined) await client.query(rebuild)
    if (withData) await foldScopes(client)
    return rowCount ?? 0
  })
  // A large fold (an initial load) changes the table's shape: give the planner fresh statistics.
  if (folded > 50_000) await pool.query('ANALYZE recon_elements, recon_buckets')
  if (built + (scopes.length === 0 ? 0 : folded) > 50_000) await pool.query('ANALYZE recon_scoped_elements, recon_scoped_buckets')
  return folded
}
