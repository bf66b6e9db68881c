import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { CaseDetailV1, CaseListV1 } from '../../contracts/case-v1.js'
import { CoordinationStatsV1 } from '../../contracts/coordination-stats-v1.js'
import { EntryTrackingV1 } from '../../contracts/entry-tracking-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import { GatewayError } from '../errors/gateway-error.js'
import { listCases, readCase } from './case-reads.js'
import { coordinationStats } from './coordination-stats.js'
import { entryTracking } from './entry-tracking.js'

const Id = Type.String({ minLength: 1, maxLength: 64 })
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' })
const problems = { 400: ProblemV1, 401: ProblemV1, 403: ProblemV1, 404: ProblemV1 }

/** A platform sees what it is party to; admin roles see everything. */
function partyOf (principal: { platform: string | undefined, roles: string[] } | null): string | undefined {
  if (principal === null) throw new GatewayError('UNAUTHORIZED', 'not authenticated')
  return principal.roles.includes('platform') ? principal.platform : undefined
}

/**
 * Coordination reads: cases (who responded, which measures were applied, what is overdue), an
 * entry's propagation (suspensions and removals tracked until every platform confirmed) and the
 * statistics per month, domain and province.
 */
export const coordinationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const readers = requireRoles(app, ['platform', 'admin', 'operator', 'auditor'])

  app.get('/v1/cases', {
    preHandler: readers,
    schema: {
      summary: 'Joint punishment and reward cases, overdue first',
      description: 'A platform sees the cases it initiated or implements. Filters: status, overdue.',
      tags: ['coordination'],
      querystring: Type.Object({
        status: Type.Optional(Type.Union(['open', 'suspended', 'closed', 'revoked', 'withdrawn'].map((s) => Type.Literal(s)))),
        overdue: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: '1 to 500 (default 100)' }))
      }),
      response: { 200: CaseListV1, ...problems }
    }
  }, async (request) => {
    const q = request.query
    return await listCases(app.pg, {
      status: q.status,
      overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
      limit: q.limit ?? 100,
      party: partyOf(request.principal),
      calendar: app.config.calendar
    })
  })

  app.get('/v1/cases/:initiator/:caseId', {
    preHandler: readers,
    schema: {
      summary: 'One case: per-platform response and feedback per measure, deadlines, history',
      tags: ['coordination'],
      params: Type.Object({ initiator: Id, caseId: Id }),
      response: { 200: CaseDetailV1, ...problems }
    }
  }, async (request) => {
    const { initiator, caseId } = request.params
    const c = await readCase(app.pg, initiator, caseId, partyOf(request.principal), app.config.calendar)
    if (c === undefined) throw new GatewayError('NOT_FOUND', 'no such case (or not one this platform is party to)')
    return c
  })

  app.get('/v1/entries/:owner/:entryId', {
    preHandler: readers,
    schema: {
      summary: 'An entry\'s status and how its last change and its objections reached every platform',
      description: 'A removal (repair, expiry, revocation) or a suspension is tracked here until every platform has confirmed it. Carries no subject data.',
      tags: ['coordination'],
      params: Type.Object({ owner: Id, entryId: Id }),
      response: { 200: EntryTrackingV1, ...problems }
    }
  }, async (request) => {
    const { owner, entryId } = request.params
    partyOf(request.principal)
    const e = await entryTracking(app.pg, owner, entryId, app.config.calendar)
    if (e === undefined) throw new GatewayError('NOT_FOUND', 'no such entry')
    return e
  })

  app.get('/v1/stats/coordination', {
    preHandler: requireRoles(app, ['admin', 'operator', 'auditor']),
    schema: {
      summary: 'Coordination statistics per month, domain and province',
      description: 'Cases opened and overdue; responses and feedback on time, late or outstanding; objections and outcomes; repairs and their time to reach every platform. Months in China Standard Time.',
      tags: ['coordination'],
      querystring: Type.Object({ from: Month, to: Month }),
      response: { 200: CoordinationStatsV1, ...problems }
    }
  }, async (request) => {
    const { from, to } = request.query
    if (from > to) throw new GatewayError('BAD_REQUEST', 'from is after to')
    return await coordinationStats(app.pg, from, to)
  })
}
