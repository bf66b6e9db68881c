import { readdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Postgrator from 'postgrator'
import pg from 'pg'

/** The SQL migrations ship as files beside the source (`src/ledger/migrations`). */
export function migrationsDir (): string {
  const here = dirname(fileURLToPath(import.meta.url))
  // Compiled: dist/src/ledger → ../../../src/ledger/migrations; from source: ./migrations.
  return here.includes(`${'/'}dist${'/'}`)
    ? resolve(here, '..', '..', '..', 'src', 'ledger', 'migrations')
    : resolve(here, 'migrations')
}

export function assertSchemaName (schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid database schema name: ${schema}`)
  return schema
}

/**
 * Postgrator applies only migrations above the schema's version: one numbered below it that was
 * never applied (written on a branch while a higher one already ran) would be skipped silently.
 * Refuse to start on such a schema instead, naming what is missing.
 */
async function assertNoGaps (client: pg.Client, schema: string): Promise<void> {
  const files = readdirSync(migrationsDir()).map((f) => /^(\d+)\.do\./.exec(f)?.[1]).filter((v): v is string => v !== undefined).map(Number)
  const { rows } = await client.query<{ version: string }>(`SELECT version FROM "${schema}".schemaversion`)
  const applied = new Set(rows.map((r) => Number(r.version)))
  const missing = files.filter((v) => !applied.has(v)).sort((a, b) => a - b)
  if (missing.length > 0) throw new Error(`ledger schema ${schema} skipped migration(s) ${missing.join(', ')} (applied after a newer one existed); apply them by hand or rebuild the schema`)
}

/**
 * Brings the ledger's schema to the newest migration. Safe to run concurrently: an advisory lock
 * serialises gateways starting together.
 */
export async function migrate (databaseUrl: string, schema: string): Promise<{ from: number, to: number }> {
  assertSchemaName(schema)
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`yrd-migrate:${schema}`])
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    await client.query(`SET search_path TO "${schema}"`)
    const postgrator = new Postgrator({
      migrationPattern: `${migrationsDir()}/*`,
      driver: 'pg',
      schemaTable: `${schema}.schemaversion`,
      currentSchema: schema,
      execQuery: async (query: string) => await client.query(query)
    })
    const from = await postgrator.getDatabaseVersion()
    await postgrator.migrate()
    const to = await postgrator.getDatabaseVersion()
    await assertNoGaps(client, schema)
    return { from, to }
  } finally {
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined)
    await client.end()
  }
}
