import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { CheckAnswerV1, CheckRecordV1, CheckRequestV1 } from '../../contracts/check-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import type { Principal } from '../auth/bearer-auth.js'
import { GatewayError } from '../errors/gateway-error.js'
import { runCheck, type CheckAsker, type CheckDeps } from './check-service.js'
import { checkRecord, readCheck } from './check-store.js'

export const CheckIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) })

const principalOf = (request: FastifyRequest): Principal => {
  if (request.principal === null) throw new GatewayError('UNAUTHORIZED', 'not authenticated')
  return request.principal
}

/** The asker of a check: a platform, or a department system of its home platform. */
export function askerOf (p: Principal): CheckAsker {
  if (p.roles.includes('checker') && p.department !== undefined) {
    return { principal: p.id, role: 'checker', platform: p.department.platform, department: p.department.name }
  }
  if (p.roles.includes('platform') && p.platform !== undefined) return { principal: p.id, role: 'platform', platform: p.platform, department: null }
  throw new GatewayError('FORBIDDEN', 'only a platform or an authorised department system may check')
}

/**
 * `POST /v1/checks` (check before deciding) and `GET /v1/checks/{id}` (the stored check, its
 * receipt and outcome).
 */
export async function checkRoutes (app: FastifyInstance): Promise<void> {
  const deps: CheckDeps = { pool: app.pg, keys: app.gatewayKeys, registries: app.config.registries, platforms: app.config.platforms.map((p) => p.id) }

  app.post('/v1/checks', {
    preHandler: requireRoles(app, ['platform', 'checker']),
    schema: {
      summary: 'Check a subject before deciding (应查必查)',
      description: 'For a platform (its own token) or an authorised department system (a `checkers.json` issuer\'s token). ' +
        'The subject is a credit code or an identity number; `decisionType` one of the registries\' decision types. ' +
        'The answer summarises every current entry across the provinces (black, red, key supervision; `suspended` while under objection), ' +
        'flags contradictions (又红又黑) and repeat listings, lists the measures that bear on that decision type (with whether each applies), ' +
        'says which sources it covers, and carries a receipt: a JWS signed by the gateway (typ yrd-check-receipt+jwt) naming who asked, when, why, ' +
        'for which decision, and exactly what was answered (each entry\'s owner, id, version and status, the measures, and `answered.digest`, the SHA-256 ' +
        'of the canonical JSON — keys sorted, no whitespace — of the answer without `receipt`). Keep it as proof that the check came before the decision; ' +
        'verify it with /.well-known/jwks.json. Every check is written to the query log and stored under `checkId`; report what came of it with ' +
        'POST /v1/checks/{id}/outcome. Identity numbers are masked in the answer.',
      tags: ['checks'],
      security: [{ bearer: [] }],
      body: CheckRequestV1,
      response: { 200: CheckAnswerV1, 400: ProblemV1, 401: ProblemV1, 403: ProblemV1, 422: ProblemV1 }
    }
  }, async (request) => {
    const asker = askerOf(principalOf(request))
    return await runCheck(deps, asker, request.body as CheckRequestV1)
  })

  app.get('/v1/checks/:id', {
    preHandler: requireRoles(app, ['platform', 'checker', 'admin', 'operator', 'auditor']),
    schema: {
      summary: 'A stored check: what was asked and answered, its receipt and its outcome',
      description: 'For the principal that checked, and admin roles.',
      tags: ['checks'],
      security: [{ bearer: [] }],
      params: CheckIdParams,
      response: { 200: CheckRecordV1, 401: ProblemV1, 403: ProblemV1, 404: ProblemV1 }
    }
  }, async (request) => {
    const p = principalOf(request)
    const row = await readCheck(app.pg, (request.params as { id: string }).id)
    const admin = p.roles.some((r) => r === 'admin' || r === 'operator' || r === 'auditor')
    // Someone else's check is as absent as a missing one: its existence says who was checked.
    if (row === undefined || (!admin && row.principal !== p.id)) throw new GatewayError('NOT_FOUND', 'no such check')
    return checkRecord(row)
  })
}
