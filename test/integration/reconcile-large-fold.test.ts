import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import type pg from 'pg'
import { migrate } from '../../src/ledger/migrate.js'
import { createPool } from '../../src/ledger/pool.js'
import { foldDeltas } from '../../src/reconcile/ledger-fold.js'
import { DATABASE_URL } from '../helpers/harness.js'

// Writes entries the way the bench loader does (the reconciliation trigger appends their deltas).
async function load (db: pg.Pool, from: number, to: number): Promise<void> {
  await db.query(`
    INSERT INTO entries (owner, entry_id, version, status, list_type, list_code, domain, subject_type, subject_id, data,
                         content_hash, last_iss, last_jti, created_at, updated_at)
    SELECT 'SH', 'E-' || i, 1, CASE WHEN i % 7 = 0 THEN 'suspended' ELSE 'active' END, 'black',
           CASE WHEN i % 2 = 0 THEN 'list-a' ELSE 'list-b' END, 'food-drug', 'enterprise', 'X', jsonb_build_object('n', i),
           md5(i::text), 'SH', 'test', now(), now()
    FROM generate_series($1::int, $2::int) AS i`, [from, to])
}

async function change (db: pg.Pool): Promise<void> {
  await db.query("UPDATE entries SET version = 2, content_hash = md5('changed' || entry_id) WHERE entry_id IN (SELECT 'E-' || (i * 29) FROM generate_series(1, 100) AS i)")
  await db.query("UPDATE entries SET version = 3, status = 'removed' WHERE entry_id IN (SELECT 'E-' || (i * 29 + 1) FROM generate_series(1, 50) AS i)")
}

async function scratch (t: Test): Promise<pg.Pool> {
  const schema = `large_fold_${randomBytes(4).toString('hex')}`
  await migrate(DATABASE_URL, schema)
  const db = createPool(DATABASE_URL, schema, 2)
  t.teardown(async () => { await db.query(`DROP SCHEMA "${schema}" CASCADE`); await db.end() })
  return db
}

const indexOid = async (db: pg.Pool): Promise<string> =>
  (await db.query<{ oid: string }>("SELECT to_regclass('recon_elements_range')::oid::text AS oid")).rows[0]?.oid ?? ''
const indexDef = async (db: pg.Pool): Promise<string> =>
  (await db.query<{ def: string }>("SELECT replace(pg_get_indexdef(to_regclass('recon_elements_range')), current_schema() || '.', '') AS def")).rows[0]?.def ?? ''
const tables = async (db: pg.Pool): Promise<unknown> => ({
  elements: (await db.query('SELECT owner, entry_id, list_code, key_hash, version, status, content_hash, x1, x2 FROM recon_elements ORDER BY owner, entry_id')).rows,
  buckets: (await db.query('SELECT owner, list_code, bucket, n, s1, s2 FROM recon_buckets WHERE n <> 0 ORDER BY owner, list_code, bucket')).rows
})

t.test('a large first fold rebuilds the range index and folds exactly what entry-by-entry inserts do', async (t) => {
  const rebuilt = await scratch(t)
  const inserted = await scratch(t)
  for (const db of [rebuilt, inserted]) await load(db, 1, 3000)
  const before = { rebuilt: await indexOid(rebuilt), inserted: await indexOid(inserted) }
  const definition = await indexDef(inserted)

  t.equal(await foldDeltas(rebuilt, [], 1000), 3000, 'folded with the rebuild: 3,000 entries')
  t.equal(await foldDeltas(inserted), 3000, 'folded entry by entry (below the default threshold)')
  t.not(await indexOid(rebuilt), before.rebuilt, 'the range index was built afresh')
  t.equal(await indexOid(inserted), before.inserted, 'the other kept its index')
  t.equal(await indexDef(rebuilt), definition, 'rebuilt exactly as the migrations made it')
  t.same(await tables(rebuilt), await tables(inserted), 'the same elements and bucket sums')

  // A later, small fold (100 edits, 50 removals) goes entry by entry even with the threshold lowered:
  // it does not outnumber the elements kept.
  const afterFirst = await indexOid(rebuilt)
  for (const db of [rebuilt, inserted]) await change(db)
  t.equal(await foldDeltas(rebuilt, [], 10), 150, 'the changes folded')
  await foldDeltas(inserted)
  t.equal(await indexOid(rebuilt), afterFirst, 'a later fold keeps the index')
  t.same(await tables(rebuilt), await tables(inserted), 'still the same elements and sums')
})
