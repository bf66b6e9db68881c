import fp from 'fastify-plugin'
import type pg from 'pg'
import { createPool } from '../ledger/pool.js'
import { MessageItems } from '../delivery/message-items.js'

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool
    /** Items decoded from the ledger's envelopes, cached for this app only. */
    messageItems: MessageItems
  }
}

/** The ledger's connection pool, closed with the app, and the app's cache of what it reads most. */
export const postgresPlugin = fp(async (app) => {
  const pool = createPool(app.runtime.databaseUrl, app.runtime.dbSchema, app.runtime.dbPoolSize)
  app.decorate('pg', pool)
  app.decorate('messageItems', new MessageItems())
  app.addHook('onClose', async () => { await pool.end() })
}, { name: 'gw-postgres', dependencies: ['gw-context'] })
