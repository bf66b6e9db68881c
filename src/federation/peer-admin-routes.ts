import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import type { Role } from '../auth/bearer-auth.js'
import { GatewayError } from '../errors/gateway-error.js'
import { pausePeer, resumePeer } from './peer-pauses.js'

const PeerPauseV1 = Type.Object({
  peer: Type.String(),
  since: Type.String({ format: 'date-time' }),
  principal: Type.String({ description: 'Who paused it' }),
  reason: Type.String()
}, { $id: 'PeerPauseV1' })
const PeerPausedV1 = Type.Object({
  peer: Type.String(),
  paused: Type.Boolean({ description: 'Whether the peer is paused now' }),
  pause: Type.Union([PeerPauseV1, Type.Null()], { description: 'The pause now in force (pause), or the one lifted (resume; null if none was)' })
})
const problems = { 400: ProblemV1, 401: ProblemV1, 403: ProblemV1, 404: ProblemV1 }
const PeerParams = Type.Object({ id: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }) })
const ADMIN_OR_OPERATOR: { access: { roles: Role[] } } = { access: { roles: ['admin', 'operator'] } }

/**
 * `POST /v1/admin/peers/{id}/pause` and `/resume` (issue 18 item 4), where peers are configured: an
 * admin or operator stops taking what a peer gateway relays (503 UNAVAILABLE, retryable, until
 * resumed) and lets it in again. Each is an admin action, recorded with the pause.
 */
export const peerAdminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ids = new Set((app.config.peers ?? []).map((p) => p.id))
  if (ids.size === 0) return
  const known = (id: string): void => { if (!ids.has(id)) throw new GatewayError('NOT_FOUND', 'no such peer gateway') }
  const principalOf = (p: { id: string } | null): string => {
    if (p === null) throw new GatewayError('UNAUTHORIZED', 'not authenticated')
    return p.id
  }

  app.post('/v1/admin/peers/:id/pause', {
    config: ADMIN_OR_OPERATOR,
    schema: {
      summary: 'Pause a peer gateway: refuse what it relays, and relay nothing to it, until resumed',
      description: 'Its relays are answered 503 UNAVAILABLE (retryable) while paused, and relays to it wait in its queue; the action is recorded. A session must send its X-CSRF-Token.',
      tags: ['federation'],
      params: PeerParams,
      querystring: Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
      response: { 200: PeerPausedV1, ...problems }
    }
  }, async (request) => {
    known(request.params.id)
    const pause = await pausePeer(app.pg, request.params.id, principalOf(request.principal), request.query.reason ?? 'paused by an admin')
    app.log.warn({ peer: pause.peer, principal: pause.principal }, 'peer gateway paused')
    return { peer: pause.peer, paused: true, pause }
  })

  app.post('/v1/admin/peers/:id/resume', {
    config: ADMIN_OR_OPERATOR,
    schema: {
      summary: 'Resume a paused peer gateway',
      description: 'Its relays are taken again, and what waited for it is relayed; the action is recorded. A session must send its X-CSRF-Token.',
      tags: ['federation'],
      params: PeerParams,
      response: { 200: PeerPausedV1, ...problems }
    }
  }, async (request) => {
    known(request.params.id)
    const lifted = await resumePeer(app.pg, request.params.id, principalOf(request.principal))
    app.log.warn({ peer: request.params.id }, 'peer gateway resumed')
    return { peer: request.params.id, paused: false, pause: lifted ?? null }
  })
}
