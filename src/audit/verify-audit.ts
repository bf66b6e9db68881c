import type pg from 'pg'
import type { ChainReportV1 } from '../../contracts/admin-v1.js'
import { CHAINS, GENESIS_HASH, canonicalRow, chainHash, type ChainTable } from './audit-canonical.js'

const BATCH = 1000

interface ChainRow { id: string, seq: string, at: Date, prev_hash: string, hash: string, values: Array<string | null> }

async function readBatch (pool: pg.Pool | pg.PoolClient, table: ChainTable, afterSeq: string): Promise<ChainRow[]> {
  // Every field as text, as the trigger encoded it (result_count as an integer's text, detail as jsonb text).
  const fields = CHAINS[table].map((f) => `${f}::text`).join(', ')
  const { rows } = await pool.query<Record<string, string | null> & {
    id: string, seq: string, at: Date, prev_hash: string, hash: string
  }>(
    `SELECT id::text AS id, seq::text AS seq, at, prev_hash, hash, ${fields} FROM ${table} t WHERE t.seq > $1::bigint ORDER BY t.seq LIMIT ${BATCH}`, [afterSeq])
  return rows.map((r) => ({
    id: r.id,
    seq: r.seq,
    at: r.at,
    prev_hash: r.prev_hash,
    hash: r.hash,
    values: CHAINS[table].map((f) => r[f] ?? null)
  }))
}

/**
 * Walks one chain in `seq` order, recomputing every hash from the stored fields, and reports
 * the first broken link: a gap in `seq` (a row removed), a `prev_hash` that is not the hash of the
 * row before (rows removed or reordered), or a `hash` that does not match the row (a row changed).
 * The head (last seq and hash) is what to keep elsewhere to detect a cut-off tail later.
 */
export async function verifyChain (pool: pg.Pool | pg.PoolClient, table: ChainTable): Promise<ChainReportV1> {
  let prevHash = GENESIS_HASH
  let expectedSeq = 1n
  let count = 0
  let last: ChainRow | undefined
  for (;;) {
    const batch = await readBatch(pool, table, last?.seq ?? '0')
    for (const row of batch) {
      const broken = (reason: string): ChainReportV1 => (
        { table, rows: count, ok: false, head: null, firstBroken: { seq: row.seq, id: row.id, reason } }
      )
      if (BigInt(row.seq) !== expectedSeq) return broken(`seq ${row.seq} follows ${expectedSeq - 1n}: row(s) missing`)
      if (row.prev_hash !== prevHash) return broken('prev_hash is not the hash of the row before')
      if (chainHash(prevHash, canonicalRow(row.seq, row.at, row.values)) !== row.hash) return broken('hash does not match the row: it was changed')
      prevHash = row.hash
      expectedSeq++
      count++
      last = row
    }
    if (batch.length < BATCH) break
  }
  return {
    table,
    rows: count,
    ok: true,
    head: last === undefined ? null : { seq: last.seq, hash: last.hash },
    firstBroken: null
  }
}

/** Both chains: the query log and the admin actions. */
export async function verifyAudit (pool: pg.Pool | pg.PoolClient): Promise<ChainReportV1[]> {
  return [await verifyChain(pool, 'query_log'), await verifyChain(pool, 'admin_actions')]
}
