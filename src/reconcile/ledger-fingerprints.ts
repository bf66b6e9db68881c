import type pg from 'pg'
import { addElement, emptyFingerprint, hashElement, HEX, type ElementStatus, type Fingerprint, type HashedElement } from './element-hash.js'

const MOD62 = '4611686018427387904'
const BUCKET_HEX = 4 // a bucket is a 4-hex-digit prefix (65,536 per list)

/**
 * Folds a list's pending deltas into its buckets (its own short transaction, one list at a time
 * under an advisory lock). Ingest only ever appends deltas, so it never waits on this.
 */
export async function foldDeltas (pool: pg.Pool, owner: string, listCode: string): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`recon:${owner}:${listCode}`])
    await client.query(`
      WITH d AS (DELETE FROM recon_deltas WHERE owner = $1 AND list_code = $2 RETURNING buckets, dn, ds1, ds2),
      u AS (SELECT b, sum(n) AS n, sum(s1) % ${MOD62} AS s1, sum(s2) % ${MOD62} AS s2
            FROM d, unnest(d.buckets, d.dn, d.ds1, d.ds2) AS x(b, n, s1, s2) GROUP BY b)
      INSERT INTO recon_buckets (owner, list_code, bucket, n, s1, s2)
      SELECT $1, $2, b, n, s1::bigint, s2::bigint FROM u ORDER BY b
      ON CONFLICT (owner, list_code, bucket) DO UPDATE SET n = recon_buckets.n + EXCLUDED.n,
        s1 = (recon_buckets.s1 + EXCLUDED.s1) % ${MOD62}, s2 = (recon_buckets.s2 + EXCLUDED.s2) % ${MOD62}`, [owner, listCode])
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

interface EntryRow { entry_id: string, version: number, status: ElementStatus, content_hash: string }

/**
 * The owner's side of one list, read from one snapshot (the caller's REPEATABLE READ transaction):
 * the 65,536 bucket fingerprints (folded buckets plus the deltas not folded yet), loaded once,
 * serve every range of up to four hex digits; a narrower range reads its elements through the
 * `entries_recon_key` index. Nothing here reads the whole list.
 */
export class LedgerList {
  private buckets: Fingerprint[] | undefined
  elementsRead = 0

  constructor (private readonly client: pg.PoolClient, readonly owner: string, readonly listCode: string) {}

  private async loadBuckets (): Promise<Fingerprint[]> {
    if (this.buckets !== undefined) return this.buckets
    const { rows } = await this.client.query<{ b: number, n: string, s1: string, s2: string }>(`
      SELECT b, sum(n)::text AS n, (sum(s1) % ${MOD62})::text AS s1, (sum(s2) % ${MOD62})::text AS s2 FROM (
        SELECT bucket AS b, n, s1, s2 FROM recon_buckets WHERE owner = $1 AND list_code = $2
        UNION ALL
        SELECT x.b, x.n, x.s1, x.s2 FROM recon_deltas d, unnest(d.buckets, d.dn, d.ds1, d.ds2) AS x(b, n, s1, s2)
        WHERE d.owner = $1 AND d.list_code = $2
      ) u GROUP BY b`, [this.owner, this.listCode])
    const buckets = Array.from({ length: 65536 }, emptyFingerprint)
    for (const r of rows) buckets[r.b] = { n: Number(r.n), s1: BigInt(r.s1), s2: BigInt(r.s2) }
    this.buckets = buckets
    return buckets
  }

  /** The fingerprint of a range of at most four hex digits, from the buckets. */
  async fingerprint (prefix: string): Promise<Fingerprint> {
    if (prefix.length > BUCKET_HEX) {
      const fp = emptyFingerprint()
      for (const e of (await this.elements([prefix])).get(prefix) ?? []) addElement(fp, e)
      return fp
    }
    const buckets = await this.loadBuckets()
    const lo = parseInt(prefix.padEnd(BUCKET_HEX, '0'), 16)
    const hi = parseInt(prefix.padEnd(BUCKET_HEX, 'f'), 16)
    const fp = emptyFingerprint()
    for (let b = lo; b <= hi; b++) {
      const x = buckets[b]
      if (x !== undefined && x.n !== 0) { fp.n += x.n; fp.s1 = (fp.s1 + x.s1) % (1n << 62n); fp.s2 = (fp.s2 + x.s2) % (1n << 62n) }
    }
    return fp
  }

  /** The 16 sub-ranges' fingerprints of `prefix`, in hex order. */
  async children (prefix: string): Promise<Fingerprint[]> {
    if (prefix.length + 1 <= BUCKET_HEX) return await Promise.all([...HEX].map(async (d) => await this.fingerprint(prefix + d)))
    const out = Array.from({ length: 16 }, emptyFingerprint)
    for (const e of (await this.elements([prefix])).get(prefix) ?? []) {
      const c = out[HEX.indexOf(e.keyHash.charAt(prefix.length))]
      if (c !== undefined) addElement(c, e)
    }
    return out
  }

  /** The owner's live elements in each range, through the key-hash index. */
  async elements (prefixes: string[]): Promise<Map<string, HashedElement[]>> {
    const out = new Map<string, HashedElement[]>(prefixes.map((p) => [p, []]))
    if (prefixes.length === 0) return out
    const { rows } = await this.client.query<EntryRow & { p: string }>(`
      SELECT r.p, e.entry_id, e.version, e.status, e.content_hash
      FROM unnest($3::text[]) AS r(p)
      JOIN entries e ON e.owner = $1 AND e.list_code = $2
        AND recon_key_hash(e.owner, e.entry_id) BETWEEN decode(rpad(r.p, 64, '0'), 'hex') AND decode(rpad(r.p, 64, 'f'), 'hex')
      WHERE e.status <> 'removed'`, [this.owner, this.listCode, prefixes])
    this.elementsRead += rows.length
    for (const r of rows) {
      out.get(r.p)?.push(hashElement(this.owner, { entryId: r.entry_id, version: r.version, status: r.status, contentHash: r.content_hash }))
    }
    return out
  }

  /** Every live element of the list (the export path, which compares whole lists anyway). */
  async allElements (): Promise<HashedElement[]> {
    const { rows } = await this.client.query<EntryRow>(
      "SELECT entry_id, version, status, content_hash FROM entries WHERE owner = $1 AND list_code = $2 AND status <> 'removed'",
      [this.owner, this.listCode])
    this.elementsRead += rows.length
    return rows.map((r) => hashElement(this.owner, { entryId: r.entry_id, version: r.version, status: r.status, contentHash: r.content_hash }))
  }
}
