import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { MessageStatusV1 } from '../../contracts/message-status-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import { PlatformIdV1 } from '../../contracts/common-v1.js'
import { findMessage } from './message-status.js'

/** `?issuer=`: which platform's message, when several used one jti (ids are per issuer). */
export const MessageIssuerQuery = Type.Object({
  issuer: Type.Optional({ ...PlatformIdV1, description: 'The issuer of the message (YRD for the gateway\'s own). Needed only when a jti is used by several issuers: a platform otherwise gets its own message, or the only one addressed to it.' })
}, { additionalProperties: false })

/** `GET /v1/messages/{jti}`: per-destination delivery status of one message. */
export const messageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/messages/:jti', {
    preHandler: requireRoles(app, ['platform', 'admin', 'operator', 'auditor']),
    schema: {
      summary: 'Where a message stands, per destination platform',
      description: 'A platform sees the messages it sent or that are addressed to it; admin roles see all. Message ids are per issuer: ' +
        'when several issuers used this jti, a platform gets its own message, otherwise `issuer` names the one wanted (400 BAD_REQUEST without it).',
      tags: ['messages'],
      params: Type.Object({ jti: Type.String({ minLength: 1, maxLength: 128 }) }),
      querystring: MessageIssuerQuery,
      response: { 200: MessageStatusV1, 400: ProblemV1, 401: ProblemV1, 403: ProblemV1, 404: ProblemV1 }
    }
  }, async (request) => {
    const { jti } = request.params
    const { issuer } = request.query
    return await findMessage(app.pg, jti, { issuer, platform: request.principal?.platform })
  })
}
