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

/** How a transaction begins; the default is PostgreSQL's (READ COMMITTED, read-write). */
export interface TransactionMode {
  isolation?: 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE'
  readOnly?: boolean
}

/** Runs `fn` in one transaction: committed if it returns, rolled back if it throws. */
export async function inTransaction<T> (pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>,
  mode: TransactionMode = {}): Promise<T> {
  const begin = 'BEGIN' + (mode.isolation === undefined ? '' : ` ISOLATION LEVEL ${mode.isolation}`) +
    (mode.readOnly === true ? ' READ ONLY' : '')
  const client = await pool.connect()
  // A connection lost mid-transaction (a terminated backend, a restart) fails the query under way,
  // and the client also emits 'error': unheard, that event would crash the process. The pool drops
  // such a client on release.
  const lost = (): void => undefined
  client.on('error', lost)
  try {
    await client.query(begin)
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    client.off('error', lost)
    client.release()
  }
}
