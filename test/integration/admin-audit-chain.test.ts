import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import pg from 'pg'
import { startHarness, DATABASE_URL, type Harness } from '../helpers/harness.js'
import { schemaAtMigration } from '../helpers/schema-at-migration.js'
import { recordQuery } from '../../src/ledger/query-log.js'
import { recordAdminAction } from '../../src/audit/admin-action-log.js'
import { verifyAudit, verifyChain } from '../../src/audit/verify-audit.js'
import { migrate } from '../../src/ledger/migrate.js'
import { inTransaction } from '../../src/ledger/pool.js'
import { subjectDigestsFrom } from '../../src/privacy/subject-digests.js'

const run = promisify(execFile)

const digests = subjectDigestsFrom([{ kid: 't1', secret: 'audit-chain-test-secret-of-32-chars' }])
const query = (i: number): Parameters<typeof recordQuery>[1] => ({
  principal: `SH-${i}`,
  role: 'platform',
  route: 'GET /v1/subjects/{id}/entries',
  subjectDigest: digests.digest(`33010619900101${String(1000 + i)}`),
  subjectMasked: '3301**********' + String(1000 + i),
  purpose: i % 2 === 0 ? '行政许可审查 licence check' : 'procurement',
  resultCount: i
})

async function fill (h: Harness, n: number): Promise<void> {
  // Concurrent writers, each in its own transaction: the chain must come out linear anyway.
  await Promise.all(Array.from({ length: n }, async (_x, i) => {
    await inTransaction(h.db, async (c) => {
      await recordQuery(c, query(i))
      await recordAdminAction(c, { principal: `admin-console:u${i}`, action: 'delivery.resend', target: String(i), detail: { previousStatus: 'dead', 备注: `第${i}次`, nested: { a: [1, 2.5, null] } } })
    })
  }))
}

t.test('concurrent writers make one linear chain per table, and the TypeScript check agrees with the trigger', async (t) => {
  const h = await startHarness(t)
  await fill(h, 40)
  const reports = await verifyAudit(h.db)
  t.same(reports.map((r) => [r.table, r.ok, r.rows]), [['query_log', true, 40], ['admin_actions', true, 40]])
  const rows = (await h.db.query<{ seq: string, prev_hash: string, hash: string }>('SELECT seq, prev_hash, hash FROM query_log ORDER BY seq')).rows
  t.same(rows.map((r) => Number(r.seq)), Array.from({ length: 40 }, (_x, i) => i + 1), 'seq is gapless')
  t.equal(rows[0]?.prev_hash, '0'.repeat(64), 'the first row links to the genesis hash')
  t.ok(rows.every((r, i) => i === 0 || r.prev_hash === rows[i - 1]?.hash), 'each row links to the one before')
  t.equal(reports[0]?.head?.hash, rows[39]?.hash, 'the head is the last hash')
})

t.test('UPDATE, DELETE and TRUNCATE are refused by the triggers', async (t) => {
  const h = await startHarness(t)
  await fill(h, 3)
  for (const table of ['query_log', 'admin_actions']) {
    await t.rejects(h.db.query(`UPDATE ${table} SET principal = 'someone else' WHERE seq = 2`), { code: '42501', message: new RegExp(`${table} is append-only: UPDATE refused`) })
    await t.rejects(h.db.query(`DELETE FROM ${table} WHERE seq = 3`), { code: '42501', message: /DELETE refused/ })
    await t.rejects(h.db.query(`TRUNCATE ${table}`), { code: '42501', message: /TRUNCATE refused/ })
  }
  t.same((await verifyAudit(h.db)).map((r) => r.rows), [3, 3], 'nothing changed')
})

t.test('tampering with the triggers disabled is found: the first broken link, by the API and the command', async (t) => {
  const h = await startHarness(t)
  await fill(h, 10)
  const env = { ...process.env, DATABASE_URL, GW_DB_SCHEMA: h.runtime.dbSchema }
  const ok = await run(process.execPath, ['dist/src/cli.js', 'verify-audit'], { env })
  t.match(ok.stdout, /query_log: ok, 10 rows, head seq 10 hash [0-9a-f]{64}\nadmin_actions: ok, 10 rows/)

  // A superuser can switch the triggers off: the chain still tells.
  await h.db.query('ALTER TABLE query_log DISABLE TRIGGER query_log_append_only')
  await h.db.query("UPDATE query_log SET purpose = 'nothing to see' WHERE seq = 5")
  await h.db.query('ALTER TABLE admin_actions DISABLE TRIGGER admin_actions_append_only')
  await h.db.query('DELETE FROM admin_actions WHERE seq = 7')
  const [ql, aa] = await verifyAudit(h.db)
  t.match(ql, { ok: false, rows: 4, firstBroken: { seq: '5', reason: /hash does not match/ } })
  t.match(aa, { ok: false, rows: 6, firstBroken: { seq: '8', reason: /row\(s\) missing/ } })

  const broken = await run(process.execPath, ['dist/src/cli.js', 'verify-audit'], { env }).then(() => undefined, (err: { code: number, stdout: string }) => err)
  t.equal(broken?.code, 1, 'exit code 1')
  t.match(broken?.stdout, /query_log: BROKEN at seq 5 \(id \d+\): hash does not match the row: it was changed/)
  t.match(broken?.stdout, /admin_actions: BROKEN at seq 8/)

  const token = await h.adminToken('auditor')
  const api = await h.app.inject({ url: '/v1/admin/audit/verify', headers: { authorization: `Bearer ${token}` } })
  t.match(api.json(), { chains: [{ table: 'query_log', ok: false, firstBroken: { seq: '5' } }, { table: 'admin_actions', ok: false }] })

  // Rewriting a row together with its own hash breaks the next link instead.
  await h.db.query('DELETE FROM admin_actions WHERE seq > 7')
  await h.db.query("UPDATE query_log SET purpose = 'procurement', hash = repeat('a', 64) WHERE seq = 5")
  const again = await verifyChain(h.db, 'query_log')
  t.match(again.firstBroken, { seq: '5' })
})

t.test('migration 008 chains the rows written before it', async (t) => {
  const schema = `t_chain_${process.pid}`
  const db = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 2 })
  t.teardown(async () => { await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); await db.end() })
  await schemaAtMigration(schema, '003')
  for (let i = 0; i < 5; i++) await recordQuery(db, query(i))
  await db.query("INSERT INTO admin_actions (principal, action, target, detail) VALUES ('cli:x', 'delivery.resend', '1', NULL), ('cli:y', 'delivery.resend', '2', '{\"previousStatus\":\"dead\"}')")
  await migrate(DATABASE_URL, schema)
  t.same((await verifyAudit(db)).map((r) => [r.ok, r.rows]), [[true, 5], [true, 2]], 'the old rows are chained and verify')
  await recordQuery(db, query(9))
  t.same((await verifyChain(db, 'query_log')).head?.seq, '6', 'new rows continue the chain')
})
