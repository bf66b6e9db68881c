import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { RECEIVE_PATH } from '../../adapters/ah-xml/ah-xml-adapter.js'
import { RESULT_CODES, RESULT_TEXT, kindOfCode } from '../../adapters/ah-xml/ah-xml-codes.js'
import { buildXml, type AhElement } from '../../adapters/ah-xml/ah-xml-codec.js'
import { parseSm4Key } from '../../adapters/ah-xml/ah-xml-crypto.js'
import { AhRefusal, beijingTime, decryptPayload, parsePayload, readMessage } from '../../adapters/ah-xml/ah-xml-envelope.js'
import { fromNative } from '../../adapters/ah-xml/ah-xml-mapping.js'
import { RECEIPT_ROOT } from '../../adapters/ah-xml/ah-xml-receipt.js'
import { toGatewayError } from '../errors/error-handler.js'
import { GatewayError, type ErrorCode } from '../errors/gateway-error.js'
import { mapRecords, type NativeIngest } from './native-ingest.js'
import { NativeRefusal, refuseGatewayOnly } from './native-refusal.js'

/** Where a platform speaking Anhui's interface publishes into the gateway. */
export const ahInboundPath = (platform: string): string => `/v1/native/${platform}${RECEIVE_PATH}`

/** Anhui's refusal codes as the gateway's, for the security log and metrics. */
const GATEWAY_CODE_OF: Readonly<Record<string, ErrorCode>> = {
  [RESULT_CODES.MALFORMED]: 'ENVELOPE_MALFORMED',
  [RESULT_CODES.DIGEST_MISMATCH]: 'SIGNATURE_INVALID',
  [RESULT_CODES.DECRYPTION_FAILED]: 'SIGNATURE_INVALID',
  [RESULT_CODES.PARTY_UNKNOWN]: 'ISSUER_UNKNOWN',
  [RESULT_CODES.HEADER_MISMATCH]: 'ENVELOPE_MALFORMED',
  [RESULT_CODES.UNSUPPORTED]: 'ENVELOPE_MALFORMED'
}

/** Gateway codes about the message as a whole, before any record is read: Anhui's E100. */
const MESSAGE_LEVEL: ReadonlySet<string> = new Set(['UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'BAD_REQUEST', 'ENVELOPE_MALFORMED'])

/** Wraps the codec's refusals so they keep Anhui's code and gain the gateway's. */
function asNative (err: unknown): unknown {
  if (err instanceof AhRefusal) return new NativeRefusal(GATEWAY_CODE_OF[err.code] ?? 'ENVELOPE_MALFORMED', err.code, err.message, { cause: err })
  return err
}

/**
 * The FHJG receipt for a refusal: Anhui's code (E1xx for the message, E201 for the records with
 * CWLB naming each, E500 with HTTP 5xx for the gateway's own failures).
 */
export function ahRefusalOf (err: GatewayError, xxid: string | undefined): { status: number, xml: string } {
  if (err.status >= 500) {
    return { status: err.status === 503 ? 503 : 500, xml: buildXml(RECEIPT_ROOT, { DM: RESULT_CODES.BUSY, XX: RESULT_TEXT[RESULT_CODES.BUSY] ?? '', CLSJ: beijingTime() }) }
  }
  const dm = err instanceof NativeRefusal ? err.nativeCode : MESSAGE_LEVEL.has(err.code) ? RESULT_CODES.MALFORMED : RESULT_CODES.FIELD_INVALID
  const content: AhElement = { DM: dm, XX: `${RESULT_TEXT[dm] ?? ''}: [${err.code}] ${err.message}` }
  if (xxid !== undefined) content.XXID = xxid
  content.CLSJ = beijingTime()
  if (err.errors !== undefined && err.errors.length > 0) {
    content.CWLB = { CW: err.errors.map((e) => ({ XH: String(e.index + 1), DM: RESULT_CODES.FIELD_INVALID, XX: `[${e.code}] ${e.path} ${e.detail}`.trim() })) }
  }
  return { status: err.status === 413 || err.status === 415 ? err.status : 400, xml: buildXml(RECEIPT_ROOT, content) }
}

/**
 * `POST /v1/native/<ID>/ahxy/gateway/receive` for a platform whose adapter is `ah-xml`: the
 * platform sends its own AHXY message (FSF itself, JSF YRD) encrypted with the SM4 key it shares
 * with the gateway. Decrypting and matching the SM3 digest is the authentication; the answer is
 * an FHJG receipt in Anhui's codes, carrying the gateway's signed receipt in `HZ`.
 */
export async function ahInboundRoutes (app: FastifyInstance, opts: { platform: string, secrets: Readonly<Record<string, string>>, ingest: NativeIngest }): Promise<void> {
  const { platform, ingest } = opts
  const key = parseSm4Key(opts.secrets.SM4_KEY, `SM4_KEY (environment GW_${platform}_SM4_KEY)`)
  const bodyLimit = app.config.settings.bodyLimitBytes
  const xxids = new WeakMap<FastifyRequest, string>()

  app.removeAllContentTypeParsers()
  for (const type of ['application/xml', 'text/xml']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => { done(null, body) })
  }
  app.setErrorHandler(async (error, request, reply) => {
    const err = toGatewayError(asNative(error))
    if (err.status >= 500) request.log.error({ err: error, platform, code: err.code }, 'native request failed')
    else request.log.info({ platform, code: err.code, detail: err.message }, 'native request refused')
    ingest.claim(request, platform)
    await ingest.refused(request, err)
    const answer = ahRefusalOf(err, xxids.get(request))
    return await reply.code(answer.status).type('application/xml; charset=utf-8').send(answer.xml)
  })

  app.post(ahInboundPath(platform), {
    bodyLimit,
    config: { access: { own: 'Anhui\'s SM4 key and SM3 digest' } },
    schema: {
      summary: `Publish natively in Anhui's interface (${platform})`,
      description: 'Anhui\'s exchange interface (adapters/ah-xml/README.md, "Publishing into the gateway"): an AHXY message with ' +
        `FSF ${platform} and JSF YRD, payload SM4-CBC encrypted with the agreed key and digested with SM3. Answered with an FHJG receipt: ` +
        '0000 (HZ = the gateway\'s receipt), 0001 for the same bytes again (same receipt), E100–E105 for the message, E201 with CWLB ' +
        'for invalid records (nothing stored), E500 with HTTP 5xx for system failures.',
      tags: ['native'],
      consumes: ['application/xml']
    }
  }, async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as Buffer
    ingest.claim(request, platform, body)
    let xml: string
    try {
      xml = new TextDecoder('utf-8', { fatal: true }).decode(body)
    } catch {
      throw new NativeRefusal('ENVELOPE_MALFORMED', RESULT_CODES.MALFORMED, 'the message is not UTF-8')
    }
    try {
      const msg = readMessage(xml)
      const { XXID, XXLX, FSF, JSF } = msg.header
      xxids.set(request, XXID)
      ingest.claim(request, platform, undefined, XXID)
      if (FSF !== platform || JSF !== GATEWAY_ID) throw new AhRefusal(RESULT_CODES.PARTY_UNKNOWN, `FSF must be ${platform} and JSF ${GATEWAY_ID}`)
      const payload = parsePayload(decryptPayload(msg, key))
      // The payload's SM3 digest held: the message is the platform's (a parse failure after it is its own).
      ingest.authenticated(request)
      if (payload.XXID !== XXID || payload.XXLX !== XXLX) throw new AhRefusal(RESULT_CODES.HEADER_MISMATCH, 'SJB.XXID or SJB.XXLX differs from BT')
      if (payload.YSF !== platform) throw new AhRefusal(RESULT_CODES.PARTY_UNKNOWN, `SJB.YSF must be ${platform}: a platform publishes its own messages`)
      const kind = kindOfCode(XXLX)
      if (kind === undefined) throw new AhRefusal(RESULT_CODES.UNSUPPORTED, 'BT.XXLX is not supported')
      refuseGatewayOnly(kind, RESULT_CODES.UNSUPPORTED, `XXLX ${XXLX}`)
      const items = mapRecords(payload.records, (record, i) => fromNative(kind, record, i + 1))
      const result = await ingest.accept(request, { platform, adapter: 'ah-xml', auth: 'sm4-sm3', msgId: XXID, kind, items, body })
      const dm = result.status === 202 ? RESULT_CODES.OK : RESULT_CODES.DUPLICATE
      const receipt: AhElement = { DM: dm, XX: RESULT_TEXT[dm] ?? '', XXID, ZY: msg.digest, CLSJ: beijingTime(), HZ: result.body.receipt }
      return await reply.code(200).type('application/xml; charset=utf-8').send(buildXml(RECEIPT_ROOT, receipt))
    } catch (err) {
      throw asNative(err)
    }
  })
}
