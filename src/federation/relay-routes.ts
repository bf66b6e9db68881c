import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { AcceptedV1 } from '../../contracts/receipt-v1.js'
import { toGatewayError } from '../errors/error-handler.js'
import { GatewayError } from '../errors/gateway-error.js'
import { acceptanceDeps } from '../envelopes/acceptance-deps.js'
import { acceptVerified } from '../envelopes/ingest-service.js'
import { digestOf } from '../envelopes/parse-jws.js'
import type { Claimed } from '../envelopes/verify-envelope.js'
import { logRefusal } from '../envelopes/refusal-log.js'
import { peerPause } from './peer-pauses.js'
import { RelayVerifier, type PeerKeys } from './verify-relay.js'
import { heldLists } from './peer-destinations.js'
import { applyBehalfRemoval } from './behalf-removals.js'

const COMPACT = 'application/jose'
const problems = Object.fromEntries([400, 401, 403, 409, 413, 415, 422, 503].map((status) => [status, ProblemV1]))

/**
 * `POST /v1/relay` (issue 18, docs/federation.md), registered where peers are configured: a peer
 * gateway relays an envelope its origin published. Once the relay holds (RelayVerifier), the envelope
 * is accepted exactly as a platform's own (validation, ownership and versions per its publisher, one
 * transaction, deliveries to every platform here), kept with the relay beside it, and answered with a
 * receipt naming both. The same envelope by another path is a replay: the original receipt, nothing
 * applied twice. A refusal leaves one security-log line naming the peer.
 */
export const relayRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const peers = app.config.peers ?? []
  if (peers.length === 0) return
  const settings = app.config.settings
  const bodyLimit = settings.bodyLimitBytes
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(COMPACT, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => { done(null, body) })
  const held = heldLists(app.pg)
  const directory = (id: string): PeerKeys | undefined => app.keyDirectory.peer?.(id)
  const paused = async (id: string): Promise<boolean> => await peerPause(app.pg, id) !== undefined
  const verifier = new RelayVerifier(directory, GATEWAY_ID, settings.clockSkewSeconds, held, paused)
  const deps = acceptanceDeps(app)
  const claimedOf = new WeakMap<object, Claimed>()

  app.addHook('onError', async (request, _reply, error) => {
    await logRefusal(app, request, toGatewayError(error), claimedOf.get(request), 'relay: ')
  })

  app.post('/v1/relay', {
    bodyLimit,
    config: { access: { own: 'the relay\'s signature by a peer gateway\'s key' } },
    schema: {
      summary: 'Relay an envelope from a peer gateway',
      description: 'Body: a compact JWS (`application/jose`), typ yrd-relay+jwt, signed by a configured peer gateway, over RelayClaimsV1: ' +
        'the publisher\'s envelope nested unchanged, the path it came by (via) and its publisher (origin, one of the peer\'s origins). ' +
        'Accepted as the publisher\'s own envelope: 202 with a receipt naming the envelope and the relay; the same envelope again ' +
        '(by any path): 200 with the original receipt. 409 RELAY_LOOP when it already passed here, 403 RELAY_NOT_SHARED outside the peer\'s share policy.',
      tags: ['federation'],
      consumes: [COMPACT],
      response: { 200: AcceptedV1, 202: AcceptedV1, ...problems }
    }
  }, async (request, reply) => {
    const body = request.body
    if (!Buffer.isBuffer(body)) throw new GatewayError('ENVELOPE_MALFORMED', 'no body: send the relay as application/jose')
    const claimed: Claimed = { digest: digestOf(body) }
    claimedOf.set(request, claimed)
    const verified = await verifier.verify(body, claimed)
    const { claims, original } = verified
    const received = Buffer.from(claims.envelope, 'utf8')
    if (verified.behalf) {
      const { jti, receipt, removed, unheld } = await applyBehalfRemoval(app, verified, received)
      request.log.info({ peer: claims.iss, jti, removed: removed.length }, 'peer\'s removal on its origins\' behalf applied')
      // Relays come in acceptance order, so an entry not held here never got here (its publication's relay is dead
      // at the peer, or was not shared): nothing is in force to remove, and the peer sends no older version after this.
      if (unheld.length > 0) request.log.warn({ peer: claims.iss, jti, unheld: unheld.slice(0, 20) }, 'peer removed entries on its origins\' behalf that are not held here')
      return await reply.code(202).send({ jti, receipt })
    }
    const relay = { jws: body.toString('utf8').trim(), iss: claims.iss, jti: claims.jti, via: claims.via }
    const result = await acceptVerified(deps, { ...original, received, relay }, request.traceparent)
    if (result.status === 202) {
      request.log.info({ peer: claims.iss, origin: result.iss, jti: result.body.jti, kind: result.kind, items: result.items }, 'relayed envelope accepted')
    }
    return await reply.code(result.status).send(result.body)
  })
}
