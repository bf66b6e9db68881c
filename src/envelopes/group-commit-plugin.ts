import fp from 'fastify-plugin'
import { Counter, Histogram } from 'prom-client'
import { GroupCommitter } from './group-commit.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's one group committer: both ways in (JWS envelopes, native messages) share its groups. */
    groupCommit: GroupCommitter
  }
}

/**
 * The group committer of accepted envelopes (ingestGroupWindowMs, ingestGroupMaxEnvelopes), with
 * its metrics. Closed before the ledger's pool (hooks close in reverse order of registration), so
 * a group still waiting at shutdown is committed, not lost.
 */
export const groupCommitPlugin = fp(async (app) => {
  const { ingestGroupWindowMs, ingestGroupMaxEnvelopes } = app.config.settings
  const sizes = new Histogram({
    name: 'gw_ingest_group_envelopes',
    help: 'Envelopes committed in one ingest transaction (groups of two or more)',
    buckets: [2, 4, 8, 16, 32, 64],
    registers: [app.metrics.registry]
  })
  const fallbacks = new Counter({
    name: 'gw_ingest_group_fallbacks_total',
    help: 'Ingest groups whose transaction failed as a whole, each envelope then committed alone',
    registers: [app.metrics.registry]
  })
  const committer = new GroupCommitter(app.pg, {
    windowMs: ingestGroupWindowMs,
    maxEnvelopes: ingestGroupMaxEnvelopes,
    onGroup: (envelopes, fellBack) => {
      sizes.observe(envelopes)
      if (fellBack) {
        fallbacks.inc()
        app.log.warn({ envelopes }, 'ingest group transaction failed; its envelopes were committed one by one')
      }
    }
  })
  app.decorate('groupCommit', committer)
  app.addHook('onClose', async () => {
    if (committer.pending > 0) app.log.info({ envelopes: committer.pending }, 'committing the ingest group waiting at shutdown')
    await committer.close()
  })
}, { name: 'gw-group-commit', dependencies: ['gw-context', 'gw-postgres', 'gw-metrics'] })
