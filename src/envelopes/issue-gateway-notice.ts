import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ENVELOPE_TYP, GATEWAY_ID, MAX_LIFETIME_SECONDS, type EnvelopeClaimsV1 } from '../../contracts/envelope-v1.js'
import type { GatewayNoticeItemV1 } from '../../contracts/gateway-notice-item-v1.js'
import { acceptanceDeps } from './acceptance-deps.js'
import { acceptVerified, type IngestResult } from './ingest-service.js'
import { digestOf } from './parse-jws.js'

/**
 * Issues `gateway.notice` items as the gateway itself (iss and origin `YRD`): an envelope signed
 * with the gateway's own key, validated and committed like any other, then delivered to every
 * enabled platform through the ordinary outbox, queues and adapters. The one way a notice enters
 * the ledger: a platform's notice is refused (FORBIDDEN).
 */
export async function issueGatewayNotice (app: FastifyInstance, items: GatewayNoticeItemV1[], jti = `${GATEWAY_ID}-notice-${randomUUID()}`): Promise<IngestResult> {
  const iat = Math.floor(Date.now() / 1000)
  const claims: EnvelopeClaimsV1 = { iss: GATEWAY_ID, aud: GATEWAY_ID, jti, iat, exp: iat + MAX_LIFETIME_SECONDS, kind: 'gateway.notice', items }
  const raw = await app.gatewayKeys.sign(claims, ENVELOPE_TYP)
  // The signer serialises with JSON.stringify: the same text is what the payload segment holds.
  const payloadText = Buffer.from(raw.split('.')[1] ?? '', 'base64url').toString('utf8')
  return await acceptVerified(acceptanceDeps(app), { raw, payloadText, digest: digestOf(Buffer.from(raw, 'utf8')), claims })
}
