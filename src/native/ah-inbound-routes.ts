import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { RECEIVE_PATH } from '../../adapters/ah-xml/ah-xml-adapter.js'
import { AUTH_FAILED_CODE, RESULT_CODES, RESULT_TEXT, kindOfCode } from '../../adapters/ah-xml/ah-xml-codes.js'
import { buildXml, type AhElement } from '../../adapters/ah-xml/ah-xml-codec.js'
import { AhRefusal, beijingTime, openPayload, parsePayload, precheckPayload, readMessage } from '../../adapters/ah-xml/ah-xml-envelope.js'
import { ahKeys, ahXmlOptions } from '../../adapters/ah-xml/ah-xml-keys.js'
import { fromNative } from '../../adapters/ah-xml/ah-xml-mapping.js'
import { RECEIPT_ROOT } from '../../adapters/ah-xml/ah-xml-receipt.js'
import { AhXmlTooLarge } from '../../adapters/ah-xml/ah-xml-scan.js'
import { toGatewayError } from '../errors/error-handler.js'
import type { GatewayError, ErrorCode } from '../errors/gateway-error.js'
import { AUTH_FAILURE_CODES, installNativeAuthLimiter } from './native-auth-limiter.js'
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
  if (err instanceof AhXmlTooLarge) return new NativeRefusal('PAYLOAD_TOO_LARGE', RESULT_CODES.MALFORMED, err.message, { cause: err })
  return err
}

/**
 * The FHJG receipt for a refusal: Anhui's code (E1xx for the message, E201 for the records with
 * CWLB naming each, E500 with HTTP 5xx for the gateway's own failures).
 */
export function ahRefusalOf (err: GatewayError, xxid: string | undefined): { status: number, xml: string } {
  if (err.status >= 500 || err.code === 'RATE_LIMITED') {
    const status = err.code === 'RATE_LIMITED' ? 429 : err.status === 503 ? 503 : 500
    return { status, xml: buildXml(RECEIPT_ROOT, { DM: RESULT_CODES.BUSY, XX: `${RESULT_TEXT[RESULT_CODES.BUSY] ?? ''}: [${err.code}]`, CLSJ: beijingTime() }) }
  }
  const dm = err instanceof NativeRefusal
    ? err.nativeCode
    : MESSAGE_LEVEL.has(
      err.code
    )
      ? RESULT_CODES.MALFORMED
      : RESULT_CODES.FIELD_INVALID
  const content: AhElement = { DM: dm, XX: `${RESULT_TEXT[dm] ?? ''}: [${err.code}] ${err.message}` }
  if (xxid !== undefined) content.XXID = xxid
  // A message that does not authenticate gets one answer, byte for byte, whatever failed: no time either.
  if (!(err instanceof NativeRefusal && err.nativeCode === AUTH_FAILED_CODE)) content.CLSJ = beijingTime()
  if (err.errors !== undefined && err.errors.length > 0) {
    content.CWLB = { CW: err.errors.map((e) => ({ XH: String(e.index + 1), DM: RESULT_CODES.FIELD_INVALID, XX: `[${e.code}] ${e.path} ${e.detail}`.trim() })) }
  }
  return { status: err.status === 413 || err.status === 415 ? err.status : 400, xml: buildXml(RECEIPT_ROOT, content) }
}

/**
 * `POST /v1/native/<ID>/ahxy/gateway/receive` for a platform whose adapter is `ah-xml`: the
 * platform sends its own AHXY message (FSF itself, JSF YRD) sealed with the keys it shares with
 * the gateway for this direction. In order, each step bounded before the next: an address over
 * its failed-authentication limit is refused before the body is read; the body is at most the
 * route's own limit; the envelope is read by the bounded reader (never a general XML parser);
 * the SM3-HMAC over header, IV and ciphertext is checked before anything is decrypted; every
 * authentication failure gets one identical answer; the decrypted payload is checked for size
 * (1,000 records) before it is parsed. The answer is an FHJG receipt in Anhui's codes, carrying
 * the gateway's signed receipt in `HZ`.
 */
export async function ahInboundRoutes (
  app: FastifyInstance, opts: { platform: string, secrets: Readonly<Record<string, string>>, ingest: NativeIngest }
): Promise<void> {
  const { platform, ingest } = opts
  const config = app.config.platforms.find((p) => p.id === platform)
  if (config === undefined) throw new Error(`ah-xml: no configuration for platform ${platform}`)
  const options = ahXmlOptions(config)
  const keys = ahKeys(opts.secrets, platform, options.legacyCbc).in
  const bodyLimit = Math.min(options.inboundBodyLimitBytes, app.config.settings.bodyLimitBytes)
  const xxids = new WeakMap<FastifyRequest, string>()
  const blockedRepeat = new WeakSet<FastifyRequest>()

  app.removeAllContentTypeParsers()
  for (const type of ['application/xml', 'text/xml']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => { done(null, body) })
  }
  const limiter = installNativeAuthLimiter(app, platform,
    (max) => new NativeRefusal('RATE_LIMITED', RESULT_CODES.BUSY, `too many failed authentications from this address: at most ${max} a minute`),
    (request, first) => { if (!first) blockedRepeat.add(request) })
  app.setErrorHandler(async (error, request, reply) => {
    const err = toGatewayError(asNative(error))
    if (err.status >= 500) request.log.error({ err: error, platform, code: err.code }, 'native request failed')
    else request.log.info({ platform, code: err.code, detail: err.message }, 'native request refused')
    ingest.claim(request, platform)
    if (AUTH_FAILURE_CODES.has(err.code)) await limiter.failed(platform, request.ip)
    // One security-log line per blocked window, not one per request an attacker sends.
    if (!blockedRepeat.has(request)) await ingest.refused(request, err)
    const answer = ahRefusalOf(err, xxids.get(request))
    return await reply.code(answer.status).type('application/xml; charset=utf-8').send(answer.xml)
  })

  app.post(ahInboundPath(platform), {
    bodyLimit,
    config: { access: { own: 'Anhui\'s SM3-HMAC (or, legacy, SM4 key and SM3 digest)' } },
    schema: {
      summary: `Publish natively in Anhui's interface (${platform})`,
      description: 'Anhui\'s exchange interface (adapters/ah-xml/README.md, "Publishing into the gateway"): an AHXY message with ' +
        `FSF ${platform} and JSF YRD, protocol 2.0: payload SM4-CBC encrypted, SM3 digest, SM3-HMAC (RZM) over header, IV and ciphertext, ` +
        'with the platform-to-gateway keys. Answered with an FHJG receipt: 0000 (HZ = the gateway\'s receipt), 0001 for the same bytes ' +
        'again (same receipt), E101 (one answer for every message that does not authenticate), E100/E103–E105 for the message, E201 with ' +
        'CWLB for invalid records (nothing stored), E500 with HTTP 429 after too many failed authentications, E500 with HTTP 5xx for system failures.',
      tags: ['native'],
      consumes: ['application/xml']
    }
  }, async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as Buffer
    ingest.claim(request, platform, body)
    // The envelope is ASCII by construction (codes, ids, times, hex, base64), so it is read byte for
    // byte, without a UTF-8 pass over megabytes of ZT; a non-ASCII byte fails the field checks.
    const xml = body.toString('latin1')
    try {
      const msg = readMessage(xml, bodyLimit)
      const { XXID, XXLX, FSF, JSF } = msg.header
      xxids.set(request, XXID)
      ingest.claim(request, platform, undefined, XXID)
      if (FSF !== platform || JSF !== GATEWAY_ID) throw new AhRefusal(RESULT_CODES.PARTY_UNKNOWN, `FSF must be ${platform} and JSF ${GATEWAY_ID}`)
      const payloadXml = openPayload(msg, keys)
      // The MAC (or, in legacy mode, the payload's SM3 digest) held: the message is the platform's.
      ingest.authenticated(request)
      precheckPayload(payloadXml)
      const payload = parsePayload(payloadXml)
      if (payload.XXID !== XXID || payload.XXLX !== XXLX) throw new AhRefusal(RESULT_CODES.HEADER_MISMATCH, 'SJB.XXID or SJB.XXLX differs from BT')
      if (payload.YSF !== platform) throw new AhRefusal(RESULT_CODES.PARTY_UNKNOWN, `SJB.YSF must be ${platform}: a platform publishes its own messages`)
      const kind = kindOfCode(XXLX)
      if (kind === undefined) throw new AhRefusal(RESULT_CODES.UNSUPPORTED, 'BT.XXLX is not supported')
      refuseGatewayOnly(kind, RESULT_CODES.UNSUPPORTED, `XXLX ${XXLX}`)
      const items = mapRecords(payload.records, (record, i) => fromNative(kind, record, i + 1))
      const result = await ingest.accept(request, { platform, adapter: 'ah-xml', auth: keys.mac === undefined ? 'sm4-sm3' : 'sm4-sm3-hmac', msgId: XXID, kind, items, body })
      const dm = result.status === 202 ? RESULT_CODES.OK : RESULT_CODES.DUPLICATE
      const receipt: AhElement = { DM: dm, XX: RESULT_TEXT[dm] ?? '', XXID, ZY: msg.digest, CLSJ: beijingTime(), HZ: result.body.receipt }
      return await reply.code(200).type('application/xml; charset=utf-8').send(buildXml(RECEIPT_ROOT, receipt))
    } catch (err) {
      throw asNative(err)
    }
  })
}
