import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { RunDetailV1, RunSummaryV1, type RunSummaryV1 as RunSummary } from '../../contracts/reconcile-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import { GatewayError } from '../errors/gateway-error.js'
import { healRun } from './heal-run.js'
import { runCsv } from './run-csv.js'
import { replicasOf } from './replica-platforms.js'
import { relayedTo } from '../federation/peer-destinations.js'
import { runReconciliation } from './reconcile-service.js'
import { listRuns, readRun } from './run-store.js'
import { configShares } from './fingerprint-scope.js'

const PlatformId = Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' })
const ListCode = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' })
const RunId = Type.Object({ id: Type.String({ pattern: '^\\d{1,18}$' }) })

const RunRequest = Type.Object({
  owner: PlatformId,
  listCode: ListCode,
  platform: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$', description: 'One replica platform; every enabled platform but the owner when left out' })),
  method: Type.Optional(Type.Union([Type.Literal('range'), Type.Literal('export')], { description: 'Force a method (default: range where the adapter speaks it, else export)' }))
}, { additionalProperties: false })

const HealAnswer = Type.Object({
  runId: Type.String(),
  jtis: Type.Array(Type.String(), { description: 'The heal messages, tracked like any other at GET /v1/messages/{jti}' }),
  items: Type.Record(Type.String(), Type.Integer(), { description: 'Items sent, per kind' }),
  resent: Type.Array(Type.Object({
    iss: Type.String(),
    jti: Type.String(),
    kind: Type.String(),
    objectionId: Type.String(),
    deliveryId: Type.String(),
    action: Type.String({ description: 'requeued, queued (first delivery to this replica) or under-way' })
  }), { description: 'Objection messages from the ledger sent again as their issuers signed them (suspension mismatches)' }),
  review: Type.Array(Type.Object({ entryId: Type.String(), reason: Type.String() }),
    { description: 'Suspension mismatches without a real objection message: left to a person, never healed with an invented objection' }),
  relayed: Type.Optional(Type.Array(Type.Object({
    iss: Type.String(),
    jti: Type.String(),
    kind: Type.String(),
    entryId: Type.String(),
    deliveryId: Type.String(),
    action: Type.String({ description: 'requeued, queued or under-way' })
  }), { description: 'A run against a peer gateway: the publishers\' own envelopes relayed to it again (a peer takes nothing the gateway signs in their name)' }))
})

/**
 * Reconciliation reports and actions: runs on demand, every run and its findings (JSON or CSV),
 * and heal after an admin's approval. Findings name subjects with identity numbers masked.
 */
export const reconcileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = { pool: app.pg, adapters: app.delivery.adapters, shares: configShares(app.config) }
  const peerIds = new Set(relayedTo(app.config.peers).map((p) => p.id))

  app.get('/v1/reconciliation/runs', {
    preHandler: requireRoles(app, ['admin', 'operator', 'auditor']),
    schema: {
      summary: 'Reconciliation runs, newest first',
      description: 'Every run (scheduled, on demand, from the command line): scope, method, counts per finding kind, round trips and bytes.',
      tags: ['reconciliation'],
      querystring: Type.Object({
        owner: Type.Optional(PlatformId),
        listCode: Type.Optional(ListCode),
        platform: Type.Optional(PlatformId),
        before: Type.Optional(Type.String({ pattern: '^\\d{1,18}$', description: 'Runs with a smaller id (paging)' })),
        limit: Type.Optional(Type.Integer({
          minimum: 1, maximum: 500, description: 'Most runs to return, default 50 (1 to 500)'
        }))
      }),
      response: {
        200: Type.Object({ runs: Type.Array(RunSummaryV1), nextBefore: Type.Union([Type.String(), Type.Null()]) }),
        400: ProblemV1,
        401: ProblemV1,
        403: ProblemV1
      }
    }
  }, async (request) => {
    const q = request.query
    const limit = q.limit ?? 50
    const runs = await listRuns(app.pg, { ...q, limit })
    return { runs, nextBefore: runs.length === limit ? runs[runs.length - 1]?.id ?? null : null }
  })

  app.get('/v1/reconciliation/runs/:id', {
    preHandler: requireRoles(app, ['admin', 'operator', 'auditor']),
    schema: {
      summary: 'One reconciliation run and its findings (JSON, or CSV with format=csv or Accept: text/csv)',
      description: 'Findings most harmful first: extra-removed (removed or repaired at the owner, still held by the replica), extra-unknown, missing, stale, content-mismatch, suspension-mismatch; each with both versions and the likely cause.',
      tags: ['reconciliation'],
      params: RunId,
      querystring: Type.Object({
        format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
        offset: Type.Optional(Type.Integer({
          minimum: 0, maximum: 100000, description: 'Findings to skip, default 0 (0 to 100000)'
        })),
        limit: Type.Optional(Type.Integer({
          minimum: 1, maximum: 100000, description: 'Most findings to return, default 100000 (1 to 100000)'
        }))
      }),
      response: {
        200: { content: { 'application/json': { schema: RunDetailV1 }, 'text/csv': { schema: Type.String() } } },
        400: ProblemV1,
        401: ProblemV1,
        403: ProblemV1,
        404: ProblemV1
      }
    }
  }, async (request, reply) => {
    const { id } = request.params
    const q = request.query
    const detail = await readRun(app.pg, id, { offset: q.offset ?? 0, limit: q.limit ?? 100000 })
    if (detail === undefined) throw new GatewayError('NOT_FOUND', 'no such reconciliation run')
    const wantsCsv = q.format === 'csv' || (q.format === undefined && (request.headers.accept ?? '').includes('text/csv'))
    if (wantsCsv) {
      return await reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="reconciliation-run-${id}.csv"`)
        .serializer((x: unknown) => x as string)
        .send(runCsv(detail))
    }
    return detail
  })

  app.post('/v1/reconciliation/runs', {
    preHandler: requireRoles(app, ['admin', 'operator']),
    schema: {
      summary: 'Reconcile a list with one replica platform, or with all of them, now',
      description: 'Runs synchronously and answers the stored runs (one per platform). A platform whose adapter offers neither range reconciliation nor an export gets a run with status `unsupported`.',
      tags: ['reconciliation'],
      body: RunRequest,
      response: { 201: Type.Object({ runs: Type.Array(RunSummaryV1) }), 400: ProblemV1, 401: ProblemV1, 403: ProblemV1 }
    }
  }, async (request, reply) => {
    const body = request.body
    const principal = request.principal
    if (principal === null) throw new GatewayError('UNAUTHORIZED', 'not authenticated')
    const replicas = replicasOf(app.config, body.owner, body.listCode)
    const platforms = body.platform === undefined ? replicas : [body.platform]
    if (body.platform !== undefined && !replicas.includes(body.platform)) {
      throw new GatewayError('BAD_REQUEST', 'the platform is not an enabled replica of this owner')
    }
    const runs: RunSummary[] = []
    for (const platform of platforms) {
      const r = await runReconciliation(deps, { owner: body.owner, listCode: body.listCode, platform }, 'api', principal.id, body.method === undefined ? {} : { method: body.method })
      const detail = await readRun(app.pg, r.id, { offset: 0, limit: 1 })
      if (detail !== undefined) runs.push(detail.run)
    }
    return await reply.code(201).send({ runs })
  })

  app.post('/v1/reconciliation/runs/:id/heal', {
    preHandler: requireRoles(app, ['admin']),
    schema: {
      summary: 'Heal what a run found (admin approval)',
      description: 'Re-sends to the replica, as ordinary tracked deliveries issued by the gateway, what is missing or stale (the owner\'s current entry), removals for what should be gone, and, where the suspension differs, the real objection messages from the ledger as their issuers signed them (a mismatch without one is listed under `review`, never healed with an invented objection). The approval is recorded in admin_actions; a run is healed once. Run a new reconciliation afterwards to confirm.',
      tags: ['reconciliation'],
      params: RunId,
      response: { 202: HealAnswer, 401: ProblemV1, 403: ProblemV1, 404: ProblemV1, 409: ProblemV1 }
    }
  }, async (request, reply) => {
    const { id } = request.params
    const principal = request.principal
    if (principal === null) throw new GatewayError('UNAUTHORIZED', 'not authenticated')
    const result = await healRun(app.pg, app.gatewayKeys, id, principal.id, new Date(), peerIds)
    app.delivery.relay.kick()
    return await reply.code(202).send(result)
  })
}
