import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { CheckAnswerV1, CheckOutcomeRequestV1, CheckOutcomeV1, CheckRecordV1, CheckRequestV1, CheckStatsV1, CheckVerificationAnswerV1 } from '../../contracts/check-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import type { Principal } from '../auth/bearer-auth.js'
import { GatewayError } from '../errors/gateway-error.js'
import { runCheck, type CheckAsker, type CheckDeps } from './check-service.js'
import { checkRecord, readCheck } from './check-store.js'
import { reportOutcome } from './check-outcome.js'
import { checkStats } from './check-stats.js'
import { monthStart, nextMonth } from '../quality/quality-routes.js'
import { DEFAULT_SHARE_SCOPES } from '../delivery/share-scope.js'
import type { ShareScope } from '../../config/registry-schema.js'

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

const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM (China Standard Time)' })

/**
 * `POST /v1/checks` (check before deciding), `GET /v1/checks/{id}` (the stored check, its receipt
 * and outcome), `POST /v1/checks/{id}/outcome` (what the decision was) and `GET /v1/checks/stats`.
 */
export const checkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const platformScopes = (platform: string): readonly ShareScope[] =>
    app.config.platforms.find((p) => p.id === platform)?.shareScopes ?? DEFAULT_SHARE_SCOPES
  const deps: CheckDeps = {
    pool: app.pg,
    keys: app.gatewayKeys,
    digests: app.subjectDigests,
    registries: app.config.registries,
    platforms: app.config.platforms.map((p) => p.id),
    now: app.clock,
    proofHash: app.config.settings.proofHash,
    // A department system receives what its own config allows, never more than its home platform.
    shareScopesOf: (asker) => {
      const home = platformScopes(asker.platform)
      if (asker.role !== 'checker') return home
      const own: readonly ShareScope[] | undefined = (app.config.checkers ?? []).find((c) => c.id === asker.principal.split(':')[0])?.shareScopes
      return own === undefined ? home : home.filter((s) => own.includes(s))
    }
  }

  app.post('/v1/checks', {
    preHandler: requireRoles(app, ['platform', 'checker']),
    schema: {
      summary: 'Check a subject before deciding (应查必查)',
      description: 'For a platform (its own token) or an authorised department system (a `checkers.json` issuer\'s token). ' +
        'The subject is a credit code or an identity number; `decisionType` one of the registries\' decision types. ' +
        'The answer summarises every current entry across the provinces (black, red, key supervision; `suspended` while under objection), ' +
        'flags contradictions (又红又黑) and repeat listings, lists the measures that bear on that decision type (with whether each applies), ' +
        'says which sources it covers, and carries a receipt: a JWS signed by the gateway (typ yrd-check-receipt+jwt) naming who asked, when, why, ' +
        'for which decision, and exactly what was answered (each entry\'s owner, id, version and status, the measures, and `answered.digest`, the SHA-256 (SM3 with `answered.digestAlg` SM3, where the deployment proves with SM3) ' +
        'of the canonical JSON — keys sorted, no whitespace — of the answer without `receipt`). Keep it as proof that the check came before the decision; ' +
        'verify it with /.well-known/jwks.json. Every check is written to the query log and stored under `checkId`; report what came of it with ' +
        'POST /v1/checks/{id}/outcome. Identity numbers are masked in the answer. ' +
        '`asResponsiblePerson` answers, apart, the current entries whose subject names the checked one among its responsible persons (legal representative, ' +
        'principal, actual controller, directly responsible: 落实到人, 国发〔2016〕33号 (十四)), each with `through` (roles held, the listed organisation\'s credit code), ' +
        'and the measures of them that bear on the decision and that the measures list extends to persons in that role; the receipt names them too ' +
        '(`answered.asResponsiblePerson`): a subject found only so is not clean. ' +
        'Each measure names, per entry, the basis on which it binds the ' +
        'asker\'s province (`bases`: national list, own province, a regional memorandum — 合作备忘录 — or none: information only). ' +
        '`mode`: where the catalogue keeps a field of a full answer from the asker (its share scopes), or the asker sends `mode: verification`, ' +
        'the answer is a verification (可用不可见, 国办发〔2021〕52号 (六)): only the measures bearing on the decision, whether each applies, its basis ' +
        'and the owning platforms to contact — no entry, count or flag (`asResponsiblePerson` likewise gives only its measures) — and the receipt signs `mode` and names no entry.',
      tags: ['checks'],
      body: CheckRequestV1,
      response: {
        200: Type.Union([CheckAnswerV1, CheckVerificationAnswerV1]),
        400: ProblemV1,
        401: ProblemV1,
        403: ProblemV1,
        422: ProblemV1
      }
    }
  }, async (request) => {
    const asker = askerOf(principalOf(request))
    return await runCheck(deps, asker, request.body)
  })

  app.get('/v1/checks/:id', {
    preHandler: requireRoles(app, ['platform', 'checker', 'admin', 'operator', 'auditor']),
    schema: {
      summary: 'A stored check: what was asked and answered, its receipt and its outcome',
      description: 'For the principal that checked, and admin roles (check ids are random UUIDs). No digest of the subject\'s identifier is shown; ' +
        '`receipt` is null only for a check stored before identifier digests were keyed, read by anyone but the principal that checked.',
      tags: ['checks'],
      params: CheckIdParams,
      response: { 200: CheckRecordV1, 401: ProblemV1, 403: ProblemV1, 404: ProblemV1 }
    }
  }, async (request) => {
    const p = principalOf(request)
    const row = await readCheck(app.pg, request.params.id)
    const admin = p.roles.some((r) => r === 'admin' || r === 'operator' || r === 'auditor')
    if (row === undefined) throw new GatewayError('NOT_FOUND', 'no such check')
    if (!admin && row.principal !== p.id) throw new GatewayError('FORBIDDEN', 'only the principal that checked, and admin roles, may read a check')
    return checkRecord(row, p.id)
  })

  app.post('/v1/checks/:id/outcome', {
    preHandler: requireRoles(app, ['platform', 'checker']),
    schema: {
      summary: 'Report what a check led to (结果实时反馈)',
      description: 'Only the principal that made the check. Outcomes (stable names): `fast-tracked` (approved through the fast track), `refused`, ' +
        '`handled-more-strictly` (stricter review or closer supervision), `key-supervision` (put under key supervision), `no-effect`. ' +
        'Reported once: 201 when recorded, 200 with the same answer for the same outcome again, 409 CHECK_OUTCOME_CONFLICT for another one. ' +
        'Each platform owning an entry of the answer receives a gateway notice (kind gateway.notice, noticeType check.outcome, one item per entry) ' +
        'through the ordinary delivery pipeline; `notices` gives each message id (GET /v1/messages/{jti}). Counted in GET /v1/checks/stats.',
      tags: ['checks'],
      params: CheckIdParams,
      body: CheckOutcomeRequestV1,
      response: {
        200: CheckOutcomeV1,
        201: CheckOutcomeV1,
        400: ProblemV1,
        401: ProblemV1,
        403: ProblemV1,
        404: ProblemV1,
        409: ProblemV1
      }
    }
  }, async (request, reply) => {
    const p = principalOf(request)
    const body = request.body
    const result = await reportOutcome(app.pg, app.gatewayKeys, p.id, request.params.id, body.outcome, body.note)
    return await reply.code(result.created ? 201 : 200).send(result.body)
  })

  app.get('/v1/checks/stats', {
    preHandler: requireRoles(app, ['admin', 'operator', 'auditor']),
    schema: {
      summary: 'Checks and their outcomes counted',
      description: 'Checks made from `from` to `to` (months, inclusive; all time by default): how many, how many found entries, how many ' +
        'reported an outcome, and the count of each outcome — overall, per asking province and per decision type.',
      tags: ['checks'],
      querystring: Type.Object(
        { from: Type.Optional(Month), to: Type.Optional(Month) }, { additionalProperties: false }
      ),
      response: { 200: CheckStatsV1, 400: ProblemV1, 401: ProblemV1, 403: ProblemV1 }
    }
  }, async (request) => {
    const q = request.query
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw new GatewayError('BAD_REQUEST', 'from is after to')
    return await checkStats(app.pg, q.from === undefined
      ? null
      : monthStart(
        q.from
      ), q.to === undefined
      ? null
      : monthStart(
        nextMonth(q.to)
      ),
    { from: q.from ?? null, to: q.to ?? null })
  })
}
