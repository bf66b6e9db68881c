import type pg from 'pg'
import { inTransaction } from '../ledger/pool.js'

const M = '4611686018427387904' // 2^62
const LIVE = "('active', 'suspended')"

const SLICE = (h: string, from: number): string =>
  `(('x' || substr(${h}, ${from}, 16))::bit(64)::bigint & 4611686018427387903)`

const ELEMENT_HASH = "encode(sha256(convert_to(owner || ':' || entry_id || E'\\n' || version || E'\\n' || status || E'\\n' || content_hash, 'UTF8')), 'hex')"

/**
 * Folds the changes ingest appended to `recon_deltas` into `recon_elements` and `recon_buckets`
 * (src/ledger/migrations/006.do.reconciliation.sql), all lists at once, in one transaction under
 * an advisory lock: the work is proportional to what changed since the last fold, never to the
 * size of a list. Returns the number of entries folded.
 */
export async function foldDeltas (pool: pg.Pool): Promise<number> {
  const folded = await inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('yrd-recon-fold'))")
    await client.query(`CREATE TEMP TABLE recon_fold (owner text, entry_id text, list_code text, version integer, status text,
      content_hash text, key_hash bytea, x1 bigint, x2 bigint) ON COMMIT DROP`)
    const { rowCount } = await client.query(`
      WITH d AS (DELETE FROM recon_deltas RETURNING *),
      u AS (SELECT d.id, x.* FROM d, unnest(d.owners, d.entry_ids, d.list_codes, d.versions, d.statuses, d.content_hashes)
              WITH ORDINALITY AS x(owner, entry_id, list_code, version, status, content_hash, ord)),
      latest AS (SELECT DISTINCT ON (owner, entry_id) owner, entry_id, list_code, version, status, content_hash
                 FROM u ORDER BY owner, entry_id, id DESC, ord DESC),
      hashed AS (SELECT *, CASE WHEN status IN ${LIVE} THEN ${ELEMENT_HASH} END AS h FROM latest)
      INSERT INTO recon_fold
      SELECT owner, entry_id, list_code, version, status, content_hash, decode(md5(owner || ':' || entry_id), 'hex'),
             ${SLICE('h', 1)}, ${SLICE('h', 17)}
      FROM hashed`)
    if (rowCount === 0) return 0
    await client.query(`
      INSERT INTO recon_buckets (owner, list_code, bucket, n, s1, s2)
      SELECT owner, list_code, bucket, sum(sign),
             (sum(CASE WHEN sign > 0 THEN x1 ELSE ${M} - x1 END) % ${M})::bigint,
             (sum(CASE WHEN sign > 0 THEN x2 ELSE ${M} - x2 END) % ${M})::bigint
      FROM (
        SELECT owner, list_code, get_byte(key_hash, 0) * 256 + get_byte(key_hash, 1) AS bucket, 1 AS sign, x1, x2
        FROM recon_fold WHERE status IN ${LIVE}
        UNION ALL
        SELECT e.owner, e.list_code, get_byte(e.key_hash, 0) * 256 + get_byte(e.key_hash, 1), -1, e.x1, e.x2
        FROM recon_elements e JOIN recon_fold f USING (owner, entry_id)
      ) x
      GROUP BY owner, list_code, bucket ORDER BY owner, list_code, bucket
      ON CONFLICT (owner, list_code, bucket) DO UPDATE SET n = recon_buckets.n + EXCLUDED.n,
        s1 = (recon_buckets.s1 + EXCLUDED.s1) % ${M}, s2 = (recon_buckets.s2 + EXCLUDED.s2) % ${M}`)
    await client.query(`DELETE FROM recon_elements e USING recon_fold f
      WHERE e.owner = f.owner AND e.entry_id = f.entry_id AND f.status NOT IN ${LIVE}`)
    await client.query(`
      INSERT INTO recon_elements (owner, entry_id, list_code, key_hash, version, status, content_hash, x1, x2)
      SELECT owner, entry_id, list_code, key_hash, version, status, content_hash, x1, x2 FROM recon_fold WHERE status IN ${LIVE}
      ON CONFLICT (owner, entry_id) DO UPDATE SET list_code = EXCLUDED.list_code, key_hash = EXCLUDED.key_hash,
        version = EXCLUDED.version, status = EXCLUDED.status, content_hash = EXCLUDED.content_hash, x1 = EXCLUDED.x1, x2 = EXCLUDED.x2`)
    return rowCount ?? 0
  })
  // A large fold (an initial load) changes the table's shape: give the planner fresh statistics.
  if (folded > 50_000) await pool.query('ANALYZE recon_elements, recon_buckets')
  return folded
}
