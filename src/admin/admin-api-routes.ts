import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  AdminActionPageV1, AuditVerifyV1, MessageDetailV1, MessageSearchV1, OverviewV1, PlatformResumedV1, QueryLogPageV1
} from '../../contracts/admin-v1.js'
import { DeliveryStatusV1 } from '../../contracts/message-status-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { recordAdminAction } from '../audit/admin-action-log.js'
import { verifyAudit } from '../audit/verify-audit.js'
import { GatewayError } from '../errors/gateway-error.js'
import { readPurpose } from '../subjects/subject-routes.js'
import { readAdminActions, readQueryLog, type QueryLogFilter } from './audit-queries.js'
import { searchQueryLogBySubject, type SubjectSearch } from './query-log-search.js'
import { messageDetail, searchMessages } from './message-search.js'
import { platformOverview } from './platform-overview.js'
import { resumePlatform } from '../delivery/platform-resume.js'
import { MessageIssuerQuery } from '../messages/message-routes.js'
import { writeCsv } from '../privacy/csv-writer.js'

const PlatformId = Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' })
const Seq = Type.String({ pattern: '^\\d{1,18}$' })
const Limit = Type.Integer({ minimum: 1, maximum: 500, description: '1 to 500 (default 100)' })
const problems = { 400: ProblemV1, 401: ProblemV1, 403: ProblemV1 }
const OPS = ['admin', 'operator', 'auditor'] as const

const QueryLogQuery = Type.Object({
  principal: Type.Optional(Type.String({ maxLength: 200 })),
  subject: Type.Optional(Type.String({
    minLength: 18,
    maxLength: 18,
    description: 'A credit code or identity number: every lookup of it. Such a search is itself a lookup of the subject: it is written to the query log ' +
      '(purpose from X-Query-Purpose, or a default) and limited per principal (settings.subjectSearchRateLimitPerMinute; 429 RATE_LIMITED beyond)'
  })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  before: Type.Optional(Seq),
  limit: Type.Optional(Limit)
})

const SearchPurpose = Type.Object({ 'x-query-purpose': Type.Optional(Type.String({ description: 'Why the subject is searched (recorded; percent-encode non-ASCII text)' })) })

/**
 * The dashboard's read APIs (also usable with an admin bearer token): the overview, message
 * search and detail, and for auditors the query log (with CSV export), the admin actions and the
 * audit chains' verification; resuming a paused platform. Resending stays `POST /v1/deliveries/{id}/resend`.
 */
export const adminApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  type LogQuery = Omit<QueryLogFilter, 'limit' | 'subjectDigests'> & { subject?: string }
  // A filter by subject goes through the limited, recorded search; the rest read the log as it is.
  const queryLog = async (request: FastifyRequest, route: SubjectSearch['route'], q: LogQuery, limit: number): Promise<QueryLogPageV1> => {
    const { subject, ...filter } = q
    if (subject === undefined) return await readQueryLog(app.pg, { ...filter, limit })
    const p = request.principal
    if (p === null) throw new GatewayError('UNAUTHORIZED', 'not authenticated')
    const raw = request.headers['x-query-purpose']
    return await searchQueryLogBySubject(
      { pool: app.pg, digests: app.subjectDigests, perMinute: app.config.settings.subjectSearchRateLimitPerMinute },
      { principal: p.id, role: p.roles.join(','), route, subject, purpose: raw === undefined ? undefined : readPurpose(raw) },
      { ...filter, limit })
  }

  app.get('/v1/admin/overview', {
    config: { access: { roles: [...OPS] } },
    schema: {
      summary: 'Each platform\'s health, queue depth and deliveries; the peer gateways and their pauses; delivery lag over time',
      tags: ['admin'],
      querystring: Type.Object({
        minutes: Type.Optional(Type.Integer({
          minimum: 5, maximum: 10_080, description: 'The lag chart\'s window in minutes, 5 to 10,080 (default 60)'
        }))
      }),
      response: { 200: OverviewV1, ...problems }
    }
  }, async (request) => {
    return await platformOverview(app, request.query.minutes ?? 60)
  })

  app.post('/v1/admin/platforms/:id/resume', {
    config: { access: { roles: ['admin', 'operator'] } },
    schema: {
      summary: 'Resume a platform\'s paused delivery queue (refused credentials fixed, breaker, found down)',
      description: 'Deliveries waiting in the queue go on with the attempts they had; the action is recorded. ' +
        'A session must send its X-CSRF-Token.',
      tags: ['admin'],
      params: Type.Object({ id: PlatformId }),
      response: { 200: PlatformResumedV1, ...problems, 404: ProblemV1 }
    }
  }, async (request) => {
    const principal = request.principal
    if (principal === null) throw new GatewayError('UNAUTHORIZED', 'not authenticated')
    return await resumePlatform(app, request.params.id, principal.id)
  })

  app.get('/v1/admin/messages', {
    config: { access: { roles: [...OPS] } },
    schema: {
      summary: 'Search messages, newest first',
      tags: ['admin'],
      querystring: Type.Object({
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'A jti or its beginning' })),
        origin: Type.Optional(PlatformId),
        destination: Type.Optional(PlatformId),
        status: Type.Optional(DeliveryStatusV1),
        kind: Type.Optional(Type.String({ maxLength: 64 })),
        before: Type.Optional(Type.String({ format: 'date-time' })),
        limit: Type.Optional(Limit)
      }),
      response: { 200: MessageSearchV1, ...problems }
    }
  }, async (request) => {
    const q = request.query
    return await searchMessages(app.pg, { ...q, limit: q.limit ?? 100 })
  })

  app.get('/v1/admin/messages/:jti', {
    config: { access: { roles: [...OPS] } },
    schema: {
      summary: 'A message per destination: status, resends, every attempt and receipt',
      tags: ['admin'],
      params: Type.Object({ jti: Type.String({ minLength: 1, maxLength: 128 }) }),
      querystring: MessageIssuerQuery,
      response: { 200: MessageDetailV1, ...problems, 404: ProblemV1 }
    }
  }, async (request) => {
    return await messageDetail(app.pg, request.params.jti, request.query.issuer)
  })

  app.get('/v1/admin/query-log', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      summary: 'The query log: who looked up which subject (masked), when and why',
      description: '国办发〔2020〕49号 (十三): query-use registration, for review by auditors.',
      tags: ['admin'],
      querystring: QueryLogQuery,
      headers: SearchPurpose,
      response: { 200: QueryLogPageV1, ...problems, 422: ProblemV1, 429: ProblemV1 }
    }
  }, async (request) => {
    const { limit, ...q } = request.query
    return await queryLog(request, 'GET /v1/admin/query-log', q, limit ?? 100)
  })

  app.get('/v1/admin/query-log.csv', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      summary: 'The query log as CSV (UTF-8 with BOM), same filters, at most 100,000 rows; the export is itself recorded',
      tags: ['admin'],
      querystring: Type.Omit(QueryLogQuery, ['before', 'limit']),
      headers: SearchPurpose
    }
  }, async (request, reply) => {
    const q = request.query
    const page = await queryLog(request, 'GET /v1/admin/query-log.csv', q, 100_000)
    const principal = request.principal?.id ?? 'unknown'
    await recordAdminAction(app.pg, { principal, action: 'query-log.export', target: 'query_log', detail: { filter: { ...q, subject: q.subject === undefined ? undefined : 'given' }, rows: page.rows.length } })
    const csv = writeCsv(page.rows.map(
      (r) => [r.seq, r.at, r.principal, r.role, r.route, r.subjectMasked, r.purpose, r.resultCount]
    ),
    { header: ['seq', 'at', 'principal', 'role', 'route', 'subject_masked', 'purpose', 'result_count'], bom: true })
    return await reply.type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="query-log-${new Date().toISOString().slice(0, 10)}.csv"`)
      .send(csv)
  })

  app.get('/v1/admin/actions', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      summary: 'Admin actions (resend, heal, approve, login, export…), newest first',
      tags: ['admin'],
      querystring: Type.Object(
        {
          principal: Type.Optional(Type.String({ maxLength: 200 })),
          action: Type.Optional(Type.String({ maxLength: 64 })),
          before: Type.Optional(Seq),
          limit: Type.Optional(Limit)
        }
      ),
      response: { 200: AdminActionPageV1, ...problems }
    }
  }, async (request) => {
    const q = request.query
    return await readAdminActions(app.pg, { ...q, limit: q.limit ?? 100 })
  })

  app.get('/v1/admin/audit/verify', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      summary: 'Walk the query log\'s and the admin actions\' hash chains; the first broken link of each',
      tags: ['admin'],
      response: { 200: AuditVerifyV1, ...problems }
    }
  }, async () => ({ chains: await verifyAudit(app.pg) }))
}
