import t from 'tap'
import { readdirSync } from 'node:fs'
import pg from 'pg'
import { migrate, migrationsDir } from '../../src/ledger/migrate.js'
import { DATABASE_URL } from '../helpers/harness.js'

// The newest migration's number: every one of them is applied.
const LATEST = Math.max(...readdirSync(migrationsDir()).map((f) => Number(f.split('.')[0])))

t.test('migrations run once, concurrently safe, and report versions', async (t) => {
  const schema = `t_migrate_${process.pid}`
  const db = new pg.Pool({ connectionString: DATABASE_URL })
  t.teardown(async () => {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await db.end()
  })
  // The newest migration on disk (each issue adds its own, numbered in advance).
  const results = await Promise.all(
    [migrate(DATABASE_URL, schema), migrate(DATABASE_URL, schema), migrate(DATABASE_URL, schema)]
  )
  t.same(results.map((r) => r.to), [LATEST, LATEST, LATEST])
  t.equal(results.filter((r) => r.from === 0).length, 1, 'exactly one applied the migration')
  t.same(await migrate(DATABASE_URL, schema), { from: LATEST, to: LATEST })
  const { rows } = await db.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])
  const tables = rows.map((r) => r.table_name)
  for (const name of ['admin_actions', 'case_events', 'cases', 'checks', 'deliveries', 'delivery_attempts', 'entries', 'entry_history', 'envelopes', 'objections', 'query_log', 'replica_versions', 'schemaversion', 'security_log', 'transparency_checkpoints', 'transparency_leaves', 'transparency_logs', 'transparency_nodes', 'transparency_pending', 'admin_users', 'admin_sessions']) {
    t.ok(tables.includes(name), `table ${name}`)
  }
  await t.rejects(migrate(DATABASE_URL, 'Robert"; DROP TABLE x'), /invalid database schema name/)
})

t.test('a migration skipped below the schema\'s version stops start-up, naming it', async (t) => {
  const schema = `t_migrate_gap_${process.pid}`
  const db = new pg.Pool({ connectionString: DATABASE_URL })
  t.teardown(async () => {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await db.end()
  })
  await migrate(DATABASE_URL, schema)
  await db.query(`DELETE FROM "${schema}".schemaversion WHERE version = 2`)
  await t.rejects(migrate(DATABASE_URL, schema), /skipped migration\(s\) 2 /)
})
