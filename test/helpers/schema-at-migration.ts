import pg from 'pg'
import Postgrator from 'postgrator'
import { migrationsDir } from '../../src/ledger/migrate.js'
import { DATABASE_URL } from './harness.js'

/** Creates `schema` and brings it up to migration `version` only, to write rows as an older gateway did. */
export async function schemaAtMigration (schema: string, version: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  try {
    await client.query(`CREATE SCHEMA "${schema}"`)
    await client.query(`SET search_path TO "${schema}"`)
    const postgrator = new Postgrator({
      migrationPattern: `${migrationsDir()}/*`, driver: 'pg', schemaTable: `${schema}.schemaversion`, currentSchema: schema, execQuery: async (q: string) => await client.query(q)
    })
    await postgrator.migrate(version)
  } finally {
    await client.end()
  }
}
