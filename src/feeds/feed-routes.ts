import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import { GatewayError } from '../errors/gateway-error.js'
import { acknowledge, readFeed } from './feed-store.js'
import { applyShareScope } from '../delivery/share-scope.js'

const Platform = Type.Object({ platform: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }) })
const FeedPage = Type.Object({
  items: Type.Array(Type.Object({
    cursor: Type.String(),
    deliveryId: Type.String(),
    jti: Type.String(),
    kind: Type.String(),
    origin: Type.String(),
    jws: Type.String({ description: 'The delivery, signed by the gateway as in the reference push protocol (aud the platform)' })
  })),
  next: Type.String({ description: 'Pass as `after` to read on' })
}, { $id: 'FeedPageV1' })
const AckBody = Type.Object({
  acks: Type.Array(Type.Object({ deliveryId: Type.String({ pattern: '^\\d{1,18}$' }), jti: Type.String({ minLength: 1, maxLength: 128 }) }), { minItems: 1, maxItems: 1000 })
})

/**
 * The pull feed (`GET /v1/feeds/{platform}`, `POST /v1/feeds/{platform}/ack`) for platforms that
 * fetch their deliveries instead of receiving pushes. Only the platform itself reads and
 * acknowledges its feed.
 */
export const feedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ownFeed = (platform: string, caller: string | undefined): void => {
    if (!app.delivery.adapters.get(platform)?.capabilities.pull) throw new GatewayError('NOT_FOUND', `${platform} has no feed (its deliveries are pushed)`)
    if (caller !== platform) throw new GatewayError('FORBIDDEN', 'only the platform itself reads and acknowledges its feed')
  }

  app.get('/v1/feeds/:platform', {
    preHandler: requireRoles(app, ['platform']),
    schema: {
      summary: 'Deliveries waiting for a pull platform',
      description: 'Returns deliveries after the cursor not yet acknowledged, and any offered earlier but not acknowledged within the redelivery time (offered again).',
      tags: ['feeds'],
      params: Platform,
      querystring: Type.Object({
        after: Type.Optional(Type.String({ pattern: '^\\d{1,18}$', default: '0' })),
        limit: Type.Optional(Type.Integer({
          minimum: 1, maximum: 1000, description: 'Most deliveries to offer (at most feedPageSize) (1 to 1000)'
        }))
      }),
      response: { 200: FeedPage, 401: ProblemV1, 403: ProblemV1, 404: ProblemV1 }
    }
  }, async (request) => {
    const { platform } = request.params
    ownFeed(platform, request.principal?.platform)
    const q = request.query
    const s = app.config.settings
    const scopes = app.config.platforms.find((p) => p.id === platform)?.shareScopes
    const limit = Math.min(q.limit ?? s.feedPageSize, s.feedPageSize)
    return await readFeed(app.pg, app.messageItems, app.gatewayKeys, platform, q.after ?? '0', limit, s.feedRedeliverMs,
      (d) => applyShareScope(d, app.config.registries, scopes))
  })

  app.post('/v1/feeds/:platform/ack', {
    preHandler: requireRoles(app, ['platform']),
    schema: {
      summary: 'Acknowledge deliveries a pull platform applied',
      tags: ['feeds'],
      params: Platform,
      body: AckBody,
      response: {
        200: Type.Object({ acknowledged: Type.Array(Type.String()), unknown: Type.Array(Type.String()) }),
        400: ProblemV1,
        401: ProblemV1,
        403: ProblemV1,
        404: ProblemV1
      }
    }
  }, async (request) => {
    const { platform } = request.params
    ownFeed(platform, request.principal?.platform)
    return await acknowledge(app.pg, app.messageItems, platform, request.body.acks)
  })
}
