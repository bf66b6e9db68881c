import type pg from 'pg'
import { addElement, emptyFingerprint, halvesOf, HEX, type ElementStatus, type Fingerprint, type HashedElement } from './element-hash.js'

const BUCKET_HEX = 4 // a bucket is a 4-hex-digit prefix (65,536 per list)

interface ElementRow {
  entry_id: string,
  version: number,
  status: ElementStatus,
  content_hash: string,
  key_hash: string,
  x1: string,
  x2: string
}

const elementOf = (r: ElementRow): HashedElement =>
  (
    {
      entryId: r.entry_id,
      version: r.version,
      status: r.status,
      contentHash: r.content_hash,
      keyHash: r.key_hash,
      bucket: parseInt(r.key_hash.slice(0, 4), 16),
      h: halvesOf(BigInt(r.x1), BigInt(r.x2))
    }
  )

const COLUMNS = "e.entry_id, e.version, e.status, e.content_hash, encode(e.key_hash, 'hex') AS key_hash, e.x1::text AS x1, e.x2::text AS x2"

/**
 * The owner's side of one list as of the last fold, read from one snapshot (the caller's
 * REPEATABLE READ transaction; the fold changes buckets and elements in one transaction, so they
 * agree): the 65,536 bucket fingerprints, loaded once, serve every range of up to four hex
 * digits; a narrower range reads its elements through the `recon_elements_range` index. Nothing
 * here but the export path reads the whole list.
 *
 * With a fingerprint scope (a platform whose share scopes withhold fields), the same reads go to
 * that scope's tables (migration 022): the list as that platform may hold it. Without one, the
 * queries are the ledger's own, unchanged.
 */
export class LedgerList {
  private loading: Promise<Fingerprint[]> | undefined
  elementsRead = 0
  private readonly buckets: string
  private readonly elementTable: string
  /** The condition naming the list ($1 owner, $2 list code) and the scope (parameter n, when scoped). */
  private readonly where: (alias: string, scopeParam: number) => string
  private readonly order: string
  private readonly scopeKey: string[]

  constructor (
    private readonly client: pg.PoolClient, readonly owner: string, readonly listCode: string, scopeKey?: string
  ) {
    const scoped = scopeKey !== undefined
    this.buckets = scoped ? 'recon_scoped_buckets' : 'recon_buckets'
    this.elementTable = scoped ? 'recon_scoped_elements' : 'recon_elements'
    this.where = (a, n) => `${scoped ? `${a}scope_key = $${n} AND ` : ''}${a}owner = $1 AND ${a}list_code = $2`
    this.order = scoped ? 'e.scope_key, e.owner, e.list_code, e.key_hash' : 'e.owner, e.list_code, e.key_hash'
    this.scopeKey = scoped ? [scopeKey] : []
  }

  private async loadBuckets (): Promise<Fingerprint[]> {
    this.loading ??= this.readBuckets()
    return await this.loading
  }

  private async readBuckets (): Promise<Fingerprint[]> {
    const { rows } = await this.client.query<{ b: number, n: string, s1: string, s2: string }>(
      `SELECT bucket AS b, n::text, s1::text, s2::text FROM ${this.buckets} WHERE ${this.where('', 3)} AND n <> 0`,
      [this.owner, this.listCode, ...this.scopeKey])
    const buckets = Array.from({ length: 65536 }, emptyFingerprint)
    for (const r of rows) buckets[r.b] = { n: Number(r.n), s1: BigInt(r.s1), s2: BigInt(r.s2) }
    return buckets
  }

  /** The fingerprint of a range of at most four hex digits, from the buckets. */
  async fingerprint (prefix: string): Promise<Fingerprint> {
    if (prefix.length > BUCKET_HEX) {
      const fp = emptyFingerprint()
      for (const e of (await this.elements([prefix])).get(prefix) ?? []) addElement(fp, e)
      return fp
    }
    if (prefix === '' && this.loading === undefined) {
      // The fast path: the whole list's fingerprint summed by PostgreSQL, no buckets sent over.
      const { rows } = await this.client.query<{ n: string | null, s1: string | null, s2: string | null }>(
        `SELECT sum(n)::text AS n, (sum(s1) % 4611686018427387904)::text AS s1, (sum(s2) % 4611686018427387904)::text AS s2
         FROM ${this.buckets} WHERE ${this.where('', 3)}`, [this.owner, this.listCode, ...this.scopeKey])
      const r = rows[0]
      return { n: Number(r?.n ?? 0), s1: BigInt(r?.s1 ?? 0), s2: BigInt(r?.s2 ?? 0) }
    }
    const buckets = await this.loadBuckets()
    const lo = parseInt(prefix.padEnd(BUCKET_HEX, '0'), 16)
    const hi = parseInt(prefix.padEnd(BUCKET_HEX, 'f'), 16)
    const fp = emptyFingerprint()
    for (let b = lo; b <= hi; b++) {
      const x = buckets[b]
      if (x !== undefined && x.n !== 0) {
        fp.n += x.n; fp.s1 = (fp.s1 + x.s1) % (1n << 62n); fp.s2 = (fp.s2 + x.s2) % (1n << 62n)
      }
    }
    return fp
  }

  /** The 16 sub-ranges' fingerprints of `prefix`, in hex order. */
  async children (prefix: string): Promise<Fingerprint[]> {
    if (prefix === '' && this.loading === undefined) {
      // The first question of a version 2 run: summed by PostgreSQL, no buckets sent over.
      const { rows } = await this.client.query<{ d: number, n: string, s1: string, s2: string }>(
        `SELECT bucket >> 12 AS d, sum(n)::text AS n, (sum(s1) % 4611686018427387904)::text AS s1,
           (sum(s2) % 4611686018427387904)::text AS s2
         FROM ${this.buckets} WHERE ${this.where('', 3)} GROUP BY 1`, [this.owner, this.listCode, ...this.scopeKey])
      const out = Array.from({ length: 16 }, emptyFingerprint)
      for (const r of rows) out[r.d] = { n: Number(r.n), s1: BigInt(r.s1), s2: BigInt(r.s2) }
      return out
    }
    if (prefix.length + 1 <= BUCKET_HEX) {
      const out: Fingerprint[] = []
      for (const d of HEX) out.push(await this.fingerprint(prefix + d)) // one client: one query at a time
      return out
    }
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
    const { rows } = await this.client.query<ElementRow & { p: string }>(`
      SELECT r.p, e.* FROM unnest($3::text[]) AS r(p)
      CROSS JOIN LATERAL (
        -- LATERAL with the index's order: one index range scan per prefix, whatever the statistics
        -- (a plain join was planned as the whole list times every prefix on a freshly folded table).
        SELECT ${COLUMNS} FROM ${this.elementTable} e WHERE ${this.where('e.', 4)}
          AND e.key_hash BETWEEN decode(rpad(r.p, 32, '0'), 'hex') AND decode(rpad(r.p, 32, 'f'), 'hex')
        ORDER BY ${this.order}) e`, [this.owner, this.listCode, prefixes, ...this.scopeKey])
    this.elementsRead += rows.length
    for (const r of rows) out.get(r.p)?.push(elementOf(r))
    return out
  }

  /**
   * Every live element of the list, in key-hash order, `batch` at a time through the range index
   * (the export path, which compares whole lists: the list is never all in memory at once).
   */
  async eachElement (fn: (e: HashedElement) => void, batch = 50_000): Promise<void> {
    let after = ''
    const afterParam = 3 + this.scopeKey.length
    for (;;) {
      const { rows } = await this.client.query<ElementRow>(
        `SELECT ${COLUMNS} FROM ${this.elementTable} e WHERE ${this.where('e.', 3)} AND e.key_hash > decode($${afterParam}, 'hex')
         ORDER BY ${this.order} LIMIT ${batch}`,
        [this.owner, this.listCode, ...this.scopeKey, after])
      this.elementsRead += rows.length
      for (const r of rows) fn(elementOf(r))
      const last = rows[rows.length - 1]
      if (rows.length < batch || last === undefined) return
      after = last.key_hash
    }
  }
}
