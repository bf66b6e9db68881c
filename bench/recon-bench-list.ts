import type pg from 'pg'
import type { PgReplicaStore } from '../sim/pg-replica-store.js'

/** The reconciliation benches' list: one owner's list of generated black-list entries. */
export const OWNER = 'SH'
export const LIST = 'bench-list'
/** Entries written per INSERT statement while loading. */
const CHUNK = 100_000

/** The same item in SQL and in TypeScript, so the ledger and a replica hold identical content. */
const itemSql = (i: string): string => `jsonb_build_object('entryId', 'B-' || ${i}, 'owner', '${OWNER}', 'version', 1, 'listType', 'black',
  'listCode', '${LIST}', 'domain', 'food-drug', 'facts', '生产经营不符合食品安全标准的食品，情节严重。编号' || ${i},
  'decision', jsonb_build_object('documentNumber', '沪市监罚〔2026〕' || ${i} || '号', 'decidedOn', '2026-03-15'), 'repairable', true)`

export const itemJs = (i: number, version = 1): Record<string, unknown> => ({
  entryId: `B-${i}`,
  owner: OWNER,
  version,
  listType: 'black',
  listCode: LIST,
  domain: 'food-drug',
  facts: `生产经营不符合食品安全标准的食品，情节严重。编号${i}`,
  decision: { documentNumber: `沪市监罚〔2026〕${i}号`, decidedOn: '2026-03-15' },
  repairable: true
})

/**
 * Writes entries B-1 … B-`entries` of the list straight into `entries` (the reconciliation
 * trigger appends their deltas, as ingest's would), `CHUNK` per statement; `onChunk` hears how
 * many are loaded after each.
 */
export async function loadBenchList (db: pg.Pool, entries: number, onChunk?: (loaded: number) => void): Promise<void> {
  for (let from = 1; from <= entries; from += CHUNK) {
    const to = Math.min(entries, from + CHUNK - 1)
    await db.query(`
      INSERT INTO entries (owner, entry_id, version, status, list_type, list_code, domain, subject_type, subject_id, data, content_hash, last_iss, last_jti, created_at, updated_at)
      SELECT '${OWNER}', 'B-' || i, 1, 'active', 'black', '${LIST}', 'food-drug', 'enterprise', 'X', d, encode(sha256(convert_to(d::text, 'UTF8')), 'hex'), '${OWNER}', 'bench', now(), now()
      FROM (SELECT i, ${itemSql('i')} AS d FROM generate_series(${from}, ${to}) AS i) x`)
    onChunk?.(to)
  }
}

/**
 * Writes the same entries into a replica's store (sim/pg-replica-store.ts) in one transaction:
 * its entries, elements and buckets, the range index built after the inserts.
 */
export async function loadBenchReplica (store: PgReplicaStore, entries: number): Promise<number> {
  return await store.applyFrom(
    `SELECT '${OWNER}', 'B-' || i, '${LIST}', 1, 'active', ${itemSql('i')} FROM generate_series(1, ${entries}) AS i`)
}
