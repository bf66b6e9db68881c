import fp from 'fastify-plugin'
import type pg from 'pg'
import { createPool } from '../ledger/pool.js'

declare module 'fastify' {
  interface FastifyInstance { pg: pg.Pool }
}

/** The ledger's connection pool, closed with the app. */
export const postgresPlugin = fp(async (app) => {
  const pool = createPool(app.runtime.databaseUrl, app.runtime.dbSchema, app.runtime.dbPoolSize)
  app.decorate('pg', pool)
  app.addHook('onClose', async () => { await pool.end() })
}, { name: 'gw-postgres', dependencies: ['gw-context'] })
