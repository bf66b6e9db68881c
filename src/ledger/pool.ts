import pg from 'pg'
import { assertSchemaName } from './migrate.js'

/** A pool whose every connection works in the ledger's schema. */
export function createPool (databaseUrl: string, schema: string, max = 10): pg.Pool {
  assertSchemaName(schema)
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 5000
  })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined)
  return pool
}

/**
 * Runs `fn` in one transaction: committed if it returns, rolled back if it throws. `begin` opens it,
 * for a transaction that needs another isolation level or access mode than the default.
 */
export async function inTransaction<T> (
  pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'
): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query(begin)
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    client.release()
  }
}
