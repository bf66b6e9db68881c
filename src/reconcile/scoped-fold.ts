import type pg from 'pg'
import type { FingerprintScope } from './fingerprint-scope.js'
import { applyFold, ELEMENT_HASH, LIVE, SLICE, type FoldTables } from './fold-apply.js'

// Why tables kept by the fold rather than scoped hashes computed per run: a run for a restricted
// platform would otherwise reread and reproject every entry of the list each time, where the fold's
// work stays proportional to what changed since the last run (as for the ledger's own fingerprints);
// and ingest pays nothing, where a hash column per scope on `entries` would cost every write.
// Platforms withholding nothing have no scope and never reach this file's work.
const SCOPED: FoldTables = {
  fold: 'recon_scoped_fold', elements: 'recon_scoped_elements', buckets: 'recon_scoped_buckets', key: ['scope_key', 'owner']
}

/** A scope no run has read for this long is dropped, so a platform's old scopes cost nothing for ever. */
const UNUSED = "interval '30 days'"

/**
 * Fills `recon_scoped_fold` with the elements of `source` (rows of owner, entry_id, list_code,
 * version, status, key_hash and data) as each scope in `scopeFilter` projects them: the item
 * through recon_scoped_item (share-scope.ts's applyShareScope in SQL), hashed like the ledger hashes
 * its own; an entry the scope withholds whole is not an element (status `withheld`).
 */
async function project (
  client: pg.PoolClient, source: string, scopeFilter: string, params: unknown[]
): Promise<number> {
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS recon_scoped_fold (scope_key text, owner text, entry_id text,
    list_code text, version integer, status text, content_hash text, key_hash bytea, x1 bigint, x2 bigint) ON COMMIT DROP`)
  await client.query('TRUNCATE recon_scoped_fold')
  const { rowCount } = await client.query(`
    WITH p AS (
      SELECT s.scope_key, f.owner, f.entry_id, f.list_code, f.version, f.status, f.key_hash,
             CASE WHEN f.status IN ${LIVE} THEN recon_scoped_item(f.data, s.withheld) END AS item
      FROM ${source} f CROSS JOIN recon_scopes s ${scopeFilter}
    ),
    c AS (SELECT *, encode(sha256(convert_to(item::text, 'UTF8')), 'hex') AS content_hash FROM p),
    hashed AS (SELECT *, CASE WHEN item IS NOT NULL THEN ${ELEMENT_HASH} END AS h FROM c)
    INSERT INTO recon_scoped_fold (scope_key, owner, entry_id, list_code, version, status, content_hash, key_hash, x1, x2)
    SELECT scope_key, owner, entry_id, list_code, version, CASE WHEN item IS NULL THEN 'withheld' ELSE status END,
           content_hash, key_hash, ${SLICE('h', 1)}, ${SLICE('h', 17)}
    FROM hashed`, params)
  return rowCount ?? 0
}

/** Drops the scopes unused for 30 days; answers whether any scope is still kept. */
export async function pruneScopes (client: pg.PoolClient): Promise<boolean> {
  await client.query(`DELETE FROM recon_scopes WHERE used_at < now() - ${UNUSED}`)
  const { rows } = await client.query<{ kept: boolean }>('SELECT EXISTS (SELECT 1 FROM recon_scopes) AS kept')
  return rows[0]?.kept === true
}

/**
 * Marks `scope` used; when it is new, builds its tables from every live entry as it is now (one
 * pass over the entries, once per scope) and answers how many entries it projected. Entries changed
 * since have deltas not yet folded: the fold that follows recomputes them, replacing what this
 * build wrote (it subtracts whatever element a scope holds before adding the new one).
 */
export async function buildScope (client: pg.PoolClient, scope: FingerprintScope): Promise<number> {
  const { rows } = await client.query<{ created: boolean }>(`
    INSERT INTO recon_scopes (scope_key, withheld, used_at) VALUES ($1, $2, now())
    ON CONFLICT (scope_key) DO UPDATE SET used_at = now() RETURNING (xmax = 0) AS created`, [scope.key, scope.withheld])
  if (rows[0]?.created !== true) return 0
  const built = await project(client, `(SELECT owner, entry_id, list_code, version, status, decode(md5(owner || ':' || entry_id), 'hex') AS key_hash,
    data FROM entries WHERE status IN ${LIVE})`, 'WHERE s.scope_key = $1', [scope.key])
  await applyFold(client, SCOPED)
  return built
}

/** Folds the changed entries in `recon_fold` (with their data) into every kept scope. */
export async function foldScopes (client: pg.PoolClient): Promise<void> {
  await project(client, 'recon_fold', '', [])
  await applyFold(client, SCOPED)
}
