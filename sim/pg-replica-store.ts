import type pg from 'pg'
import type { ReconcileAnswerV1, ReconcileExportPageV1 } from '../contracts/reconcile-v1.js'
import type { AnswerV2, RecordV2 } from '../contracts/reconcile-v2.js'
import { inTransaction } from '../src/ledger/pool.js'
import { answerRangeV2 } from '../src/reconcile/range-v2.js'
import { fingerprintText, KEY_HEX } from '../src/reconcile/element-hash.js'
import { applyFold, ELEMENT_HASH, LIVE, SLICE, type FoldTables } from '../src/reconcile/fold-apply.js'
import { LedgerList } from '../src/reconcile/ledger-fingerprints.js'
import { dropRangeIndex, rebuildsRangeIndex, REBUILD_RANGE_INDEX_FROM } from '../src/reconcile/ledger-fold.js'
import { toWire } from './replica-answer.js'

/**
 * A replica's tables, in the schema its pool's search path names: the entries it holds (the
 * `list.upsert` item as applied, its version and state) and, kept with every change in the same
 * transaction, the same element and bucket tables the ledger folds into
 * (src/ledger/migrations/006.do.reconciliation.sql), so both parties compute fingerprints the same way.
 */
const TABLES = `
CREATE TABLE IF NOT EXISTS replica_entries (
  owner      text NOT NULL,
  entry_id   text NOT NULL,
  list_code  text NOT NULL,
  version    integer NOT NULL,
  status     text NOT NULL CHECK (status IN ('active', 'suspended', 'removed')),
  item       jsonb NOT NULL,
  PRIMARY KEY (owner, entry_id)
);
CREATE TABLE IF NOT EXISTS recon_elements (
  owner text NOT NULL, entry_id text NOT NULL, list_code text NOT NULL, key_hash bytea NOT NULL,
  version integer NOT NULL, status text NOT NULL, content_hash text NOT NULL, x1 bigint NOT NULL, x2 bigint NOT NULL,
  PRIMARY KEY (owner, entry_id)
);
CREATE INDEX IF NOT EXISTS recon_elements_range ON recon_elements (owner, list_code, key_hash);
CREATE TABLE IF NOT EXISTS recon_buckets (
  owner text NOT NULL, list_code text NOT NULL, bucket integer NOT NULL,
  n bigint NOT NULL, s1 bigint NOT NULL, s2 bigint NOT NULL,
  PRIMARY KEY (owner, list_code, bucket)
);`

const FOLD: FoldTables = { fold: 'replica_fold', elements: 'recon_elements', buckets: 'recon_buckets', key: ['owner'] }

/** What a change to the replica names: the columns of `replica_entries`, in order. */
const ENTRY_COLUMNS = '(owner, entry_id, list_code, version, status, item)'

/** A change to apply, as `applyEntries` takes it: `item` is the `list.upsert` item held. */
export interface ReplicaChange {
  owner: string
  entryId: string
  listCode: string
  version: number
  status: 'active' | 'suspended' | 'removed'
  item: unknown
}

/**
 * The reference replica's store in PostgreSQL (issue 17 item 1): its own schema, the list it
 * holds, and incremental fingerprints maintained as it applies changes, so a reconciliation run
 * meets a second party with its own state and bounded memory whatever the list's size. The
 * process serving it (sim/pg-replica-process.ts) answers `reconcile.query` and `reconcile.export`
 * from here; its answers are those of sim/replica-answer.ts over the same elements.
 */
export class PgReplicaStore {
  constructor (private readonly pool: pg.Pool) {}

  async createTables (): Promise<void> {
    await this.pool.query(TABLES)
  }

  /**
   * Applies the rows of `source` (a SELECT yielding {@link ENTRY_COLUMNS}, with `params`) to the
   * entries and their fingerprints in one transaction. A large first load rebuilds the range index
   * after its inserts, as the ledger's fold does. Returns the number of entries changed.
   */
  async applyFrom (
    source: string, params: unknown[] = [], rebuildIndexFrom = REBUILD_RANGE_INDEX_FROM
  ): Promise<number> {
    return await inTransaction(this.pool, async (client) => {
      await client.query(`CREATE TEMP TABLE replica_fold (owner text, entry_id text, list_code text, version integer, status text,
        content_hash text, key_hash bytea, x1 bigint, x2 bigint) ON COMMIT DROP`)
      const { rowCount } = await client.query(`
        WITH up AS (
          INSERT INTO replica_entries ${ENTRY_COLUMNS} ${source}
          ON CONFLICT (owner, entry_id) DO UPDATE SET list_code = EXCLUDED.list_code, version = EXCLUDED.version,
            status = EXCLUDED.status, item = EXCLUDED.item
          RETURNING owner, entry_id, list_code, version, status, encode(sha256(convert_to(item::text, 'UTF8')), 'hex') AS content_hash),
        hashed AS (SELECT *, CASE WHEN status IN ${LIVE} THEN ${ELEMENT_HASH} END AS h FROM up)
        INSERT INTO replica_fold
        SELECT owner, entry_id, list_code, version, status, content_hash, decode(md5(owner || ':' || entry_id), 'hex'),
               ${SLICE('h', 1)}, ${SLICE('h', 17)}
        FROM hashed`, params)
      const changed = rowCount ?? 0
      if (changed === 0) return 0
      const large = await rebuildsRangeIndex(client, changed, rebuildIndexFrom)
      const rebuild = large ? await dropRangeIndex(client) : undefined
      await applyFold(client, FOLD)
      if (rebuild !== undefined) await client.query(rebuild)
      return changed
    }).then(async (changed) => {
      if (changed > 50_000) await this.pool.query('ANALYZE replica_entries, recon_elements, recon_buckets')
      return changed
    })
  }

  /** Applies changes given as values (a test's or a bench's drift). */
  async applyEntries (changes: readonly ReplicaChange[]): Promise<number> {
    return await this.applyFrom(
      `SELECT c.owner, c."entryId", c."listCode", c.version, c.status, c.item
       FROM jsonb_to_recordset($1::jsonb) AS c(owner text, "entryId" text, "listCode" text, version integer, status text, item jsonb)`,
      [JSON.stringify(changes)])
  }

  /**
   * The answer to a `reconcile.query` over list (owner, listCode), read from one snapshot:
   * per range, a match, its elements when at most `maxElements` (or when it cannot be split), or
   * its 16 sub-ranges' `[count, fingerprint]`.
   */
  async answerQuery (
    owner: string, listCode: string, ranges: ReadonlyArray<readonly [string, string]>, maxElements: number
  ): Promise<ReconcileAnswerV1> {
    return await inTransaction(this.pool, async (client) => {
      const list = new LedgerList(client, owner, listCode)
      const answer: ReconcileAnswerV1 = { match: [], elements: {}, children: {} }
      const listed: string[] = []
      for (const [prefix, theirs] of ranges) {
        const fp = await list.fingerprint(prefix)
        if (fingerprintText(fp) === theirs) answer.match.push(prefix)
        else if (fp.n <= maxElements || prefix.length >= KEY_HEX) listed.push(prefix)
        else answer.children[prefix] = (await list.children(prefix)).map((c) => [c.n, fingerprintText(c)])
      }
      for (const [prefix, members] of await list.elements(listed)) answer.elements[prefix] = members.map(toWire)
      return answer
    }, { isolation: 'REPEATABLE READ', readOnly: true })
  }

  /** One version 2 round trip over list (owner, listCode), read from one snapshot. */
  async answerRangeV2 (owner: string, listCode: string, records: RecordV2[]): Promise<AnswerV2> {
    const answer = async (client: pg.PoolClient): Promise<AnswerV2> =>
      await answerRangeV2(new LedgerList(client, owner, listCode), records)
    return await inTransaction(this.pool, answer, { isolation: 'REPEATABLE READ', readOnly: true })
  }

  /**
   * One page of a `reconcile.export`, by key cursor: the elements after key hash `after` (hex,
   * '' for the first page) in key-hash order. An entry present for the whole export is listed
   * exactly once, whatever changes meanwhile.
   */
  async exportPage (owner: string, listCode: string, after: string, limit: number): Promise<ReconcileExportPageV1> {
    if (after !== '' && !/^k[0-9a-f]{32}$/.test(after)) throw new Error('unknown export cursor')
    const { rows } = await this.pool.query<{ entry_id: string, version: number, status: 'active' | 'suspended', content_hash: string, k: string }>(
      `SELECT entry_id, version, status, content_hash, encode(key_hash, 'hex') AS k FROM recon_elements
       WHERE owner = $1 AND list_code = $2 AND key_hash > decode($3, 'hex') ORDER BY owner, list_code, key_hash LIMIT $4`,
      [owner, listCode, after.slice(1), limit])
    const last = rows[rows.length - 1]
    return {
      elements: rows.map((r) => [r.entry_id, r.version, r.status, r.content_hash]),
      next: rows.length < limit || last === undefined ? null : `k${last.k}`
    }
  }
}
