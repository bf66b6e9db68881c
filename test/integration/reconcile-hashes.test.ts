import t from 'tap'
import fc from 'fast-check'
import pg from 'pg'
import { contentHashOf, halvesOf, hashElement, jsonbText, keyHashOf } from '../../src/reconcile/element-hash.js'
import { DATABASE_URL } from '../helpers/harness.js'

// The replica side hashes in TypeScript what the ledger hashes in SQL: they must agree exactly,
// or every reconciliation would report content mismatches that are not there.
t.test('jsonbText prints what PostgreSQL prints for jsonb, for any JSON value', async (t) => {
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  t.teardown(async () => { await client.end() })
  const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('\\u0000'))
  await fc.assert(fc.asyncProperty(json, async (v) => {
    const text = JSON.stringify(v)
    const { rows } = await client.query<{ t: string, h: string }>(
      "SELECT $1::jsonb::text AS t, encode(sha256(convert_to($1::jsonb::text, 'UTF8')), 'hex') AS h", [text])
    const parsed = JSON.parse(text) as unknown
    return rows[0]?.t === jsonbText(parsed) && rows[0]?.h === contentHashOf(parsed)
  }), { numRuns: 300 })
  t.pass('300 random JSON values agree')
})

t.test('key and element hashes agree with the SQL the ledger uses', async (t) => {
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  t.teardown(async () => { await client.end() })
  const { rows } = await client.query<{ k: string, x1: string, x2: string }>(`
    SELECT encode(decode(md5('SH:SH-black-1'), 'hex'), 'hex') AS k,
      (('x' || substr(h, 1, 16))::bit(64)::bigint & 4611686018427387903)::text AS x1,
      (('x' || substr(h, 17, 16))::bit(64)::bigint & 4611686018427387903)::text AS x2
    FROM (SELECT encode(sha256(convert_to('SH:SH-black-1' || E'\\n' || 3 || E'\\n' || 'suspended' || E'\\n' || 'abc', 'UTF8')), 'hex') AS h) x`)
  const e = hashElement('SH', { entryId: 'SH-black-1', version: 3, status: 'suspended', contentHash: 'abc' })
  t.equal(e.keyHash, keyHashOf('SH', 'SH-black-1'))
  t.equal(rows[0]?.k, e.keyHash, 'key hash')
  t.same(halvesOf(BigInt(rows[0]?.x1 ?? 0), BigInt(rows[0]?.x2 ?? 0)), e.h, 'both 62-bit slices, as 31-bit halves')
})
