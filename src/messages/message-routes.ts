import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { MessageStatusV1 } from '../../contracts/message-status-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import { GatewayError } from '../errors/gateway-error.js'
import { messageStatus } from './message-status.js'

/** `GET /v1/messages/{jti}`: per-destination delivery status of one message. */
export async function messageRoutes (app: FastifyInstance): Promise<void> {
  app.get('/v1/messages/:jti', {
    preHandler: requireRoles(app, ['platform', 'admin', 'operator', 'auditor']),
    schema: {
      summary: 'Where a message stands, per destination platform',
      description: 'A platform sees the messages it sent or that are addressed to it; admin roles see all.',
      tags: ['messages'],
      security: [{ bearer: [] }],
      params: Type.Object({ jti: Type.String({ minLength: 1, maxLength: 128 }) }),
      response: { 200: MessageStatusV1, 401: ProblemV1, 403: ProblemV1, 404: ProblemV1 }
    }
  }, async (request) => {
    const { jti } = request.params as { jti: string }
    const status = await messageStatus(app.pg, jti)
    const platform = request.principal?.platform
    const visible = status !== undefined && (platform === undefined || status.iss === platform ||
      status.destinations.some((d) => d.platform === platform))
    if (!visible) throw new GatewayError('NOT_FOUND', 'no such message')
    return status
  })
}
