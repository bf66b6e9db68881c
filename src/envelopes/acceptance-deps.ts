import type { FastifyInstance } from 'fastify'
import { MAX_LIFETIME_SECONDS } from '../../contracts/envelope-v1.js'
import type { IngestDeps } from './ingest-service.js'
import { ReplayCache } from './replay-cache.js'
import { workflowDeps } from '../coordination/workflow-deps.js'

/**
 * What accepting a trusted envelope needs, built once per app for both ways in (JWS envelopes
 * and native publications): the replay cache, the ledger, the gateway's keys, the registries,
 * who should receive what a platform sends (every other enabled platform), and the coordination
 * workflow (with the holiday calendar for deadlines), and the hash of receipts' digests.
 */
export function acceptanceDeps (app: FastifyInstance): Omit<IngestDeps, 'verifier'> {
  const skew = app.config.settings.clockSkewSeconds
  const workflow = workflowDeps(app)
  const peers = workflow.relayPeers
  return {
    replay: new ReplayCache(app.redis, app.runtime.redisPrefix, MAX_LIFETIME_SECONDS + 2 * skew, app.log),
    pool: app.pg,
    committer: app.groupCommit,
    keys: app.gatewayKeys,
    registries: app.config.registries,
    destinationsFor: peers === undefined
      ? (iss) => workflow.platforms().filter((p) => p !== iss)
      : async (iss, msg) => [...workflow.platforms().filter((p) => p !== iss), ...await peers(iss, msg)],
    workflow,
    proofHash: app.config.settings.proofHash
  }
}
