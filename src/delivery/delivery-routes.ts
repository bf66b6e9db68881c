import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DeliveryListV1, DeliveryStatusV1, type DeliveryListV1 as DeliveryList } from '../../contracts/message-status-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import { GatewayError } from '../errors/gateway-error.js'
import { resendDelivery } from './delivery-admin.js'

const Query = Type.Object({
  status: Type.Optional(DeliveryStatusV1),
  platform: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' })),
  before: Type.Optional(Type.String({ pattern: '^\\d{1,18}$', description: 'Return deliveries with a smaller id (paging)' })),
  limit: Type.Optional(Type.Integer({
    minimum: 1, maximum: 500, description: 'Most deliveries to return, default 100 (1 to 500)'
  }))
})

/** `GET /v1/deliveries` (listing, e.g. the dead ones of a platform) and `POST /v1/deliveries/{id}/resend`. */
export const deliveryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/deliveries', {
    preHandler: requireRoles(app, ['admin', 'operator', 'auditor']),
    schema: {
      summary: 'List deliveries, newest first, by status and destination platform',
      tags: ['deliveries'],
      querystring: Query,
      response: { 200: DeliveryListV1, 400: ProblemV1, 401: ProblemV1, 403: ProblemV1 }
    }
  }, async (request): Promise<DeliveryList> => {
    const q = request.query
    const limit = q.limit ?? 100
    const { rows } = await app.pg.query<{ id: string, jti: string, iss: string, kind: string, destination: string, status: DeliveryList['deliveries'][number]['status'], attempts: number, resends: number, last_error: string | null, last_error_code: string | null, created_at: Date, updated_at: Date }>(
      `SELECT d.id, d.jti, e.iss, e.kind, d.destination, d.status, d.attempts, d.resends, d.last_error, d.last_error_code,
         d.created_at, d.updated_at
       FROM deliveries d JOIN envelopes e USING (iss, jti)
       WHERE ($1::text IS NULL OR d.status = $1) AND ($2::text IS NULL OR d.destination = $2) AND ($3::bigint IS NULL OR d.id < $3)
       ORDER BY d.id DESC LIMIT $4`, [q.status ?? null, q.platform ?? null, q.before ?? null, limit])
    return {
      deliveries: rows.map((r) => ({
        deliveryId: r.id,
        jti: r.jti,
        origin: r.iss,
        kind: r.kind,
        platform: r.destination,
        status: r.status,
        attempts: r.attempts,
        resends: r.resends,
        lastError: r.last_error,
        lastErrorCode: r.last_error_code,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString()
      })),
      nextBefore: rows.length === limit ? rows[rows.length - 1]?.id ?? null : null
    }
  })

  app.post('/v1/deliveries/:id/resend', {
    preHandler: requireRoles(app, ['admin']),
    schema: {
      summary: 'Resend a dead, partial or delivered delivery',
      description: 'Puts the delivery back in its queue with its attempts reset; earlier attempts stay in the evidence trail; the action is recorded. A partial delivery sends its refused items alone.',
      tags: ['deliveries'],
      params: Type.Object({ id: Type.String({ pattern: '^\\d{1,18}$' }) }),
      response: {
        202: Type.Object({ id: Type.String(), status: Type.String() }),
        401: ProblemV1,
        403: ProblemV1,
        404: ProblemV1,
        409: ProblemV1
      }
    }
  }, async (request, reply) => {
    const { id } = request.params
    const principal = request.principal
    if (principal === null) throw new GatewayError('UNAUTHORIZED', 'not authenticated')
    const result = await resendDelivery(app.pg, id, principal.id)
    app.delivery.relay.kick()
    return await reply.code(202).send(result)
  })
}
