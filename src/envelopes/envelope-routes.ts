import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AcceptedV1 } from '../../contracts/receipt-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { toGatewayError } from '../errors/error-handler.js'
import { GatewayError } from '../errors/gateway-error.js'
import { logRefusal } from './refusal-log.js'
import { digestOf, type JwsSerialisation } from './parse-jws.js'
import { EnvelopeVerifier, type Claimed } from './verify-envelope.js'
import { acceptanceDeps } from './acceptance-deps.js'
import { ingestEnvelope, type IngestDeps } from './ingest-service.js'
import { ENVELOPE_REQUEST_BODY } from '../openapi/envelope-request-body.js'

const COMPACT = 'application/jose'
const FLATTENED = 'application/jose+json'

declare module 'fastify' {
  interface FastifyRequest { envelopeClaimed: Claimed | null }
}

const problems = {
  400: ProblemV1,
  401: ProblemV1,
  403: ProblemV1,
  409: ProblemV1,
  413: ProblemV1,
  415: ProblemV1,
  422: ProblemV1,
  503: ProblemV1
}

/** `POST /v1/envelopes`: the one way in for every message from a platform. */
export const envelopeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const bodyLimit = app.config.settings.bodyLimitBytes
  app.removeAllContentTypeParsers()
  for (const type of [COMPACT, FLATTENED]) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => { done(null, body) })
  }
  app.decorateRequest('envelopeClaimed', null)

  const skew = app.config.settings.clockSkewSeconds
  const deps: IngestDeps = {
    verifier: new EnvelopeVerifier(app.keyDirectory, skew), ...acceptanceDeps(app), messageItems: app.messageItems
  }

  // Every refused envelope leaves one security-log line, and nothing else.
  app.addHook('onError', async (request, _reply, error) => {
    await logRefusal(app, request, toGatewayError(error), request.envelopeClaimed)
  })

  app.post('/v1/envelopes', {
    bodyLimit,
    config: { access: { own: 'the envelope\'s signature by a platform key' }, openapi: { requestBody: ENVELOPE_REQUEST_BODY } },
    schema: {
      summary: 'Submit a signed envelope',
      description: 'Body: a JWS (RFC 7515) in compact (`application/jose`) or flattened JSON (`application/jose+json`) serialisation. ' +
        'Protected header: alg ES256, EdDSA or SM2-SM3 (gateway-defined: SM2 with SM3, user id 1234567812345678, signature r ‖ s), kid in the issuer\'s JWK Set, typ yrd-envelope+jwt. Payload: EnvelopeClaimsV1, items per kind ' +
        '(ListUpsertItemV1, ListRemoveItemV1, PunishmentNoticeItemV1, PunishmentFeedbackItemV1, ObjectionOpenItemV1, ObjectionResolveItemV1, and beyond the six kinds of the contract ' +
        'RepairRequestItemV1 (repair.request, to the entry\'s owner) and RepairDecisionItemV1 (repair.decision, owner only; granted removes the entry everywhere)). ' +
        'gateway.notice (GatewayNoticeItemV1) is issued by the gateway only: a platform\'s envelope of that kind is refused, 403 FORBIDDEN. ' +
        'Accepted whole or not at all. 202 with a receipt; the same jti with the same bytes again: 200 with the original receipt; with other bytes: 409 JTI_CONFLICT.',
      tags: ['envelopes'],
      consumes: [COMPACT, FLATTENED],
      response: { 200: AcceptedV1, 202: AcceptedV1, ...problems }
    }
  }, async (request, reply) => {
    const body = request.body
    // Only a request without a body reaches here unparsed: no content type, no bytes, no envelope.
    if (!Buffer.isBuffer(body)) {
      throw new GatewayError('ENVELOPE_MALFORMED', 'no body: send the JWS as application/jose or application/jose+json')
    }
    const serialisation: JwsSerialisation = (request.headers['content-type'] ?? '').startsWith(FLATTENED) ? 'flattened' : 'compact'
    const claimed: Claimed = { digest: digestOf(body) }
    request.envelopeClaimed = claimed
    const result = await ingestEnvelope(deps, body, serialisation, claimed, request.traceparent)
    if (result.status === 202) {
      app.metrics.envelopesAccepted.inc({ iss: result.iss, kind: result.kind })
      app.metrics.itemsAccepted.inc({ iss: result.iss, kind: result.kind }, result.items)
      request.log.info({ platform: result.iss, jti: result.body.jti, kind: result.kind, items: result.items }, 'envelope accepted')
    }
    return await reply.code(result.status).send(result.body)
  })
}
