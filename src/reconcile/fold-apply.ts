import type pg from 'pg'

const M = '4611686018427387904' // 2^62
export const LIVE = "('active', 'suspended')"

export const SLICE = (h: string, from: number): string =>
  `(('x' || substr(${h}, ${from}, 16))::bit(64)::bigint & 4611686018427387903)`

export const ELEMENT_HASH = "encode(sha256(convert_to(owner || ':' || entry_id || E'\\n' || version || E'\\n' || status || E'\\n' || content_hash, 'UTF8')), 'hex')"

/** The tables one fold writes: the ledger's own (keyed by owner) or a scope's (keyed by scope and owner). */
export interface FoldTables { fold: string, elements: string, buckets: string, key: readonly string[] }

/**
 * Applies the changed elements in `t.fold` (one row per changed entry; a status outside LIVE
 * removes the element) to the element and bucket tables: the old element's hash is subtracted
 * from its bucket, the new one's added. Reads nothing but the changed entries' rows.
 */
export async function applyFold (client: pg.PoolClient, t: FoldTables): Promise<void> {
  const k = t.key.join(', ')
  const ek = t.key.map((c) => `e.${c}`).join(', ')
  await client.query(`
    INSERT INTO ${t.buckets} (${k}, list_code, bucket, n, s1, s2)
    SELECT ${k}, list_code, bucket, sum(sign),
           (sum(CASE WHEN sign > 0 THEN x1 ELSE ${M} - x1 END) % ${M})::bigint,
           (sum(CASE WHEN sign > 0 THEN x2 ELSE ${M} - x2 END) % ${M})::bigint
    FROM (
      SELECT ${k}, list_code, get_byte(key_hash, 0) * 256 + get_byte(key_hash, 1) AS bucket, 1 AS sign, x1, x2
      FROM ${t.fold} WHERE status IN ${LIVE}
      UNION ALL
      SELECT ${ek}, e.list_code, get_byte(e.key_hash, 0) * 256 + get_byte(e.key_hash, 1), -1, e.x1, e.x2
      FROM ${t.elements} e JOIN ${t.fold} f USING (${k}, entry_id)
    ) x
    GROUP BY ${k}, list_code, bucket ORDER BY ${k}, list_code, bucket
    ON CONFLICT (${k}, list_code, bucket) DO UPDATE SET n = ${t.buckets}.n + EXCLUDED.n,
      s1 = (${t.buckets}.s1 + EXCLUDED.s1) % ${M}, s2 = (${t.buckets}.s2 + EXCLUDED.s2) % ${M}`)
  await client.query(`DELETE FROM ${t.elements} e USING ${t.fold} f
    WHERE ${t.key.map((c) => `e.${c} = f.${c}`).join(' AND ')} AND e.entry_id = f.entry_id AND f.status NOT IN ${LIVE}`)
  await client.query(`
    INSERT INTO ${t.elements} (${k}, entry_id, list_code, key_hash, version, status, content_hash, x1, x2)
    SELECT ${k}, entry_id, list_code, key_hash, version, status, content_hash, x1, x2 FROM ${t.fold} WHERE status IN ${LIVE}
    ON CONFLICT (${k}, entry_id) DO UPDATE SET list_code = EXCLUDED.list_code, key_hash = EXCLUDED.key_hash,
      version = EXCLUDED.version, status = EXCLUDED.status, content_hash = EXCLUDED.content_hash, x1 = EXCLUDED.x1, x2 = EXCLUDED.x2`)
}
