/**
 * A reference-protocol replica in a process of its own, answering reconciliation from its store
 * in PostgreSQL (sim/pg-replica-store.ts): the second party of `bench:reconcile` and of the tests
 * that need one with its own state (issue 17 item 1). Forked by sim/pg-replica-client.ts, which
 * sends one `start` message over the IPC channel; the process answers `ready` with its URL, then
 * `stats` with its peak RSS when asked, and exits when the channel closes.
 *
 * It serves `POST /yrd/v1/reconcile` only (adapters/README.md, "Reconciliation"); the list it
 * holds is written into its schema by whoever set it up.
 */
import { createServer } from 'node:http'
import type { JSONWebKeySet } from 'jose'
import { localKeySet } from '../src/keys/key-sets.js'
import { createPool } from '../src/ledger/pool.js'
import { PgReplicaStore } from './pg-replica-store.js'
import { readBody } from './read-body.js'
import { respondYrdReconcile, type ReconcileSource } from './yrd-reconcile-endpoint.js'

export interface PgReplicaStart {
  type: 'start'
  databaseUrl: string
  schema: string
  platform: string
  /** The gateway's public keys (its signature on reconciliation requests). */
  gatewayJwks: JSONWebKeySet
}
export type ToPgReplica = PgReplicaStart | { type: 'stats' }
export type FromPgReplica = { type: 'ready', url: string } | { type: 'stats', maxRssBytes: number } | { type: 'failed', error: string }

const BODY_LIMIT = 64 * 1024 * 1024

async function start (m: PgReplicaStart): Promise<string> {
  const pool = createPool(m.databaseUrl, m.schema, 4)
  const store = new PgReplicaStore(pool)
  await store.createTables()
  const keys = localKeySet(m.gatewayJwks)
  const source: ReconcileSource = {
    query: async (owner, listCode, ranges, max) => await store.answerQuery(owner, listCode, ranges, max),
    exportPage: async (owner, listCode, after, limit) => await store.exportPage(owner, listCode, after, limit),
    rangeV2: async (owner, listCode, records) => await store.answerRangeV2(owner, listCode, records)
  }
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (req.method !== 'POST' || req.url !== '/yrd/v1/reconcile') { send(404, { error: 'not found' }); return }
    readBody(req, BODY_LIMIT).then(async (body) => {
      if (body === undefined) { send(413, { error: 'body too large' }); return }
      await respondYrdReconcile(req, res, body, { platform: m.platform, source, gatewayKeys: keys })
    }).catch(() => { send(500, { error: 'replica error' }) })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  process.once('disconnect', () => {
    server.close()
    server.closeAllConnections()
    pool.end().finally(() => process.exit(0))
  })
  const address = server.address()
  if (address === null || typeof address !== 'object') throw new Error('replica is not listening on a TCP port')
  return `http://127.0.0.1:${address.port}`
}

process.on('message', (raw) => {
  const m = raw as ToPgReplica
  const reply = (answer: FromPgReplica): void => { process.send?.(answer) }
  if (m.type === 'stats') { reply({ type: 'stats', maxRssBytes: process.resourceUsage().maxRSS * 1024 }); return }
  start(m).then((url) => { reply({ type: 'ready', url }) }, (err: unknown) => { reply({ type: 'failed', error: String(err) }) })
})
