import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import {
  decodeRequestV2, encodeAnswerV2, RECONCILE_V2_MEDIA, RECONCILE_V2_SIGNATURE_HEADER, RECONCILE_V2_TYP, WireError
} from '../../contracts/reconcile-v2.js'
import { GatewayError } from '../errors/gateway-error.js'
import { inTransaction } from '../ledger/pool.js'
import { LedgerList } from '../reconcile/ledger-fingerprints.js'
import { foldDeltas } from '../reconcile/ledger-fold.js'
import { answerRangeV2 } from '../reconcile/range-v2.js'
import { checkReconcileRequest, type ReconcileRequestRefusal } from '../reconcile/reconcile-request.js'

const problems = Object.fromEntries([400, 401, 403, 413, 415].map((status) => [status, ProblemV1]))

/** What this route reads of a query's claims (checkReconcileRequest has checked iss, aud, exp and digest). */
interface QueryClaims {
  iss?: unknown
  kind?: unknown
  owner?: unknown
  listCode?: unknown
}

const unverifiedIssuer = (jws: string): unknown => {
  try {
    return (JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as QueryClaims).iss
  } catch {
    return undefined
  }
}

/** A refused request's problem, per checkReconcileRequest's reason. */
function refusal (why: ReconcileRequestRefusal, peer: string): GatewayError {
  switch (why) {
    case 'typ': return new GatewayError('ENVELOPE_MALFORMED', `typ must be ${RECONCILE_V2_TYP}`)
    case 'signature': return new GatewayError('SIGNATURE_INVALID', `the request's signature does not verify with ${peer}'s keys`)
    case 'addressee': return new GatewayError('AUDIENCE_INVALID', `not a request of ${peer} addressed to ${GATEWAY_ID}`)
    case 'expired': return new GatewayError('ENVELOPE_EXPIRED', 'the request expired')
    case 'digest': return new GatewayError('SIGNATURE_INVALID', 'the body is not the one the request signs')
  }
}

/**
 * `POST /v1/relay/reconcile` (issue 18 item 5, docs/federation.md), where peers are configured: a peer
 * gateway reconciles one of its origins' lists with what this gateway holds of it, by range
 * reconciliation version 2 (the reference protocol's binary records, adapters/README.md), exactly as
 * a platform's replica answers. The peer signs the request (`yrd-reconcile-v2+jwt` in the
 * `yrd-reconcile-signature` header, `aud` this gateway, the body's SHA-256); it may ask only about the
 * lists of its own origins, whose publisher it relays. The answer comes from one snapshot of the ledger.
 */
export const peerReconcileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const peers = app.config.peers ?? []
  if (peers.length === 0) return
  const settings = app.config.settings
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(RECONCILE_V2_MEDIA, { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 }, (_req, body, done) => { done(null, body) })

  app.post('/v1/relay/reconcile', {
    bodyLimit: 64 * 1024 * 1024,
    config: { access: { own: 'the request\'s signature by a peer gateway\'s key, about its own origins\' lists' } },
    schema: {
      summary: 'Range reconciliation (version 2) of a peer gateway\'s list with this gateway',
      description: `Body: version 2 records (\`${RECONCILE_V2_MEDIA}\`); header \`${RECONCILE_V2_SIGNATURE_HEADER}\`: a compact JWS by the peer gateway ` +
        `(typ ${RECONCILE_V2_TYP}, aud this gateway, kind reconcile.query, owner one of the peer's origins, listCode, digest the body's SHA-256). ` +
        'Answer: version 2 records over what this gateway holds of the list.',
      tags: ['federation'],
      consumes: [RECONCILE_V2_MEDIA],
      produces: [RECONCILE_V2_MEDIA],
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'Version 2 records' }), ...problems }
    }
  }, async (request, reply) => {
    const body = request.body
    if (!Buffer.isBuffer(body)) throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', `send version 2 records as ${RECONCILE_V2_MEDIA}`)
    const header = request.headers[RECONCILE_V2_SIGNATURE_HEADER]
    const jws = typeof header === 'string' ? header : ''
    const iss = unverifiedIssuer(jws)
    const peer = typeof iss === 'string' ? app.keyDirectory.peer?.(iss) : undefined
    if (peer === undefined || !peer.peer.enabled) throw new GatewayError('ISSUER_UNKNOWN', 'not signed by a configured peer gateway')
    const checked = await checkReconcileRequest(jws, peer.keys, {
      typ: RECONCILE_V2_TYP, aud: GATEWAY_ID, iss: peer.peer.id, clockSkewSeconds: settings.clockSkewSeconds, body
    })
    if ('refused' in checked) throw refusal(checked.refused, peer.peer.id)
    const claims = checked.claims as QueryClaims
    const owner = String(claims.owner)
    if (claims.kind !== 'reconcile.query' || typeof claims.listCode !== 'string') throw new GatewayError('BAD_REQUEST', 'not a reconciliation query')
    if (!Object.hasOwn(peer.peer.origins, owner)) {
      throw new GatewayError('FORBIDDEN', `${peer.peer.id} may reconcile only its origins' lists, not ${owner}'s`)
    }
    let records
    try {
      records = decodeRequestV2(body)
    } catch (err) {
      if (err instanceof WireError) throw new GatewayError('BAD_REQUEST', `not version 2 records: ${err.message}`)
      throw err
    }
    await foldDeltas(app.pg)
    const listCode = claims.listCode
    const answer = await inTransaction(app.pg, async (client) =>
      await answerRangeV2(new LedgerList(client, owner, listCode), records), { isolation: 'REPEATABLE READ', readOnly: true })
    request.log.info({ peer: peer.peer.id, owner, listCode }, 'peer reconciliation answered')
    return await reply.code(200).type(RECONCILE_V2_MEDIA).send(encodeAnswerV2(answer.whole, answer.records))
  })
}
