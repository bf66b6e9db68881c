import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { SubjectEntriesV1 } from '../../contracts/subject-entries-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import { GatewayError } from '../errors/gateway-error.js'
import { checkUscc } from '../identifiers/uscc.js'
import { checkIdNumber } from '../identifiers/id-number.js'
import { subjectEntries } from './subject-entries.js'

/** Reads the subject id: a valid credit code or a valid identity number, nothing else. */
export function classifySubjectId (id: string): 'organisation' | 'person' {
  if (checkUscc(id) === null) return 'organisation'
  if (checkIdNumber(id) === null) return 'person'
  // Messages never echo the id: it may be a person's number with a typo.
  if (/^\d{17}[\dX]$/.test(id)) throw new GatewayError('ID_NUMBER_INVALID', 'not a valid resident identity number')
  throw new GatewayError('USCC_INVALID', 'not a valid unified social credit code or identity number')
}

/** Reads the purpose of a lookup; percent-encoding carries non-ASCII purposes (e.g. Chinese). */
export function readPurpose (raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw
  if (value === undefined || value.trim() === '') throw new GatewayError('PURPOSE_REQUIRED', 'X-Query-Purpose is required: say why the subject is looked up')
  let purpose = value
  try { purpose = decodeURIComponent(value) } catch { /* taken as sent */ }
  if (purpose.length > 200) throw new GatewayError('PURPOSE_REQUIRED', 'X-Query-Purpose is at most 200 characters')
  return purpose.trim()
}

/** `GET /v1/subjects/{id}/entries`: a subject's current entries across lists and platforms. */
export const subjectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/subjects/:id/entries', {
    preHandler: requireRoles(app, ['platform', 'admin', 'operator']),
    schema: {
      summary: 'Every current list entry of a subject, across lists and platforms',
      description: 'The id is an 18-character unified social credit code or resident identity number. ' +
        'Requires X-Query-Purpose (percent-encode non-ASCII text); every call is written to the query log (who, when, what, why). ' +
        'Identity numbers are masked in the answer. `asResponsiblePerson` lists, apart, the current entries about other subjects that name this one among their ' +
        'responsible persons (legal representative, principal, actual controller, directly responsible: 落实到人, 国发〔2016〕33号 (十四)), each with `through` ' +
        '(the roles held, the listed subject\'s credit code) and `personMeasures` (the entry\'s measures that the measures list says reach a person in that role). `flags` shows contradictions (a red-list and a black-list entry at once) and repeat listings across provinces; nothing is merged. `coverage` says which sources the answer covers: no entry is not the same as clean where a source has sent nothing.',
      tags: ['subjects'],
      params: Type.Object({ id: Type.String({ minLength: 18, maxLength: 18 }) }),
      headers: Type.Object({ 'x-query-purpose': Type.Optional(Type.String()) }),
      response: { 200: SubjectEntriesV1, 400: ProblemV1, 401: ProblemV1, 403: ProblemV1, 422: ProblemV1 }
    }
  }, async (request) => {
    const { id } = request.params
    const purpose = readPurpose(request.headers['x-query-purpose'])
    const kind = classifySubjectId(id)
    const principal = request.principal
    if (principal === null) throw new GatewayError('UNAUTHORIZED', 'not authenticated')
    return await subjectEntries(app.pg, {
      subjectId: id, subjectDigest: app.subjectDigests.digest(id), kind, principal: principal.id, role: principal.roles.join(','), purpose
    }, app.config.platforms.map((p) => p.id), app.config.registries, app.clock())
  })
}
