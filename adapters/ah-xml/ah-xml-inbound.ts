import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { refuseGatewayOnly } from '../refuse-gateway-only.js'
import {
  InboundRefusal, type InboundContext, type InboundProblem, type InboundRefusalCode, type NativeInbound
} from '../types.js'
import { RECEIVE_PATH } from './ah-xml-adapter.js'
import { AUTH_FAILED_CODE, RESULT_CODES, RESULT_TEXT, kindOfCode } from './ah-xml-codes.js'
import { buildXml, type AhElement } from './ah-xml-codec.js'
import {
  AhRefusal, beijingTime, openPayload, parsePayload, precheckPayload, readMessage, recordsDigest
} from './ah-xml-envelope.js'
import { ahKeys, ahXmlOptions } from './ah-xml-keys.js'
import { fromNative } from './ah-xml-mapping.js'
import { RECEIPT_ROOT } from './ah-xml-receipt.js'
import { AhXmlTooLarge } from './ah-xml-scan.js'

const XML_TYPE = 'application/xml; charset=utf-8'

/** Anhui's refusal codes as the gateway's, for the security log and metrics. */
const GATEWAY_CODE_OF: Readonly<Record<string, InboundRefusalCode>> = {
  [RESULT_CODES.MALFORMED]: 'ENVELOPE_MALFORMED',
  [RESULT_CODES.DIGEST_MISMATCH]: 'SIGNATURE_INVALID',
  [RESULT_CODES.DECRYPTION_FAILED]: 'SIGNATURE_INVALID',
  [RESULT_CODES.PARTY_UNKNOWN]: 'ISSUER_UNKNOWN',
  [RESULT_CODES.HEADER_MISMATCH]: 'ENVELOPE_MALFORMED',
  [RESULT_CODES.UNSUPPORTED]: 'ENVELOPE_MALFORMED'
}

/** Gateway codes about the message as a whole, before any record is read: Anhui's E100. */
const MESSAGE_LEVEL: ReadonlySet<string> = new Set([
  'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'BAD_REQUEST', 'ENVELOPE_MALFORMED'
])

/** Wraps the codec's refusals so they keep Anhui's code and gain the gateway's. */
function asNative (err: unknown): unknown {
  if (err instanceof AhRefusal) {
    return new InboundRefusal(GATEWAY_CODE_OF[err.code] ?? 'ENVELOPE_MALFORMED', err.code, err.message, { cause: err })
  }
  if (err instanceof AhXmlTooLarge) {
    return new InboundRefusal('PAYLOAD_TOO_LARGE', RESULT_CODES.MALFORMED, err.message, { cause: err })
  }
  return err
}

/**
 * The FHJG receipt for a refusal: Anhui's code (E1xx for the message, E201 for the records with
 * CWLB naming each, E500 with HTTP 5xx for the gateway's own failures).
 */
export function ahRefusalOf (err: InboundProblem, xxid: string | undefined): { status: number, xml: string } {
  if (err.status >= 500 || err.code === 'RATE_LIMITED') {
    const status = err.code === 'RATE_LIMITED' ? 429 : err.status === 503 ? 503 : 500
    const xx = `${RESULT_TEXT[RESULT_CODES.BUSY] ?? ''}: [${err.code}]`
    return { status, xml: buildXml(RECEIPT_ROOT, { DM: RESULT_CODES.BUSY, XX: xx, CLSJ: beijingTime() }) }
  }
  const dm = err.nativeCode ?? (MESSAGE_LEVEL.has(err.code) ? RESULT_CODES.MALFORMED : RESULT_CODES.FIELD_INVALID)
  const content: AhElement = { DM: dm, XX: `${RESULT_TEXT[dm] ?? ''}: [${err.code}] ${err.message}` }
  if (xxid !== undefined) content.XXID = xxid
  // A message that does not authenticate gets one answer, byte for byte, whatever failed: no time either.
  if (err.nativeCode !== AUTH_FAILED_CODE) content.CLSJ = beijingTime()
  if (err.errors !== undefined && err.errors.length > 0) {
    content.CWLB = {
      CW: err.errors.map((e) => ({
        XH: String(e.index + 1), DM: RESULT_CODES.FIELD_INVALID, XX: `[${e.code}] ${e.path} ${e.detail}`.trim()
      }))
    }
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
export function ahXmlInbound (ctx: InboundContext): NativeInbound {
  const platform = ctx.platform.id
  const options = ahXmlOptions(ctx.platform)
  const keys = ahKeys(ctx.secrets, platform, options.legacyCbc).in
  const bodyLimit = Math.min(options.inboundBodyLimitBytes, ctx.maxBodyBytes)

  return {
    body: { types: ['application/xml', 'text/xml'], limit: bodyLimit },
    rateLimitedCode: RESULT_CODES.BUSY,
    // One security-log line per blocked window, not one per request an attacker sends.
    logFirstBlocked: true,
    refusal: (problem, xxid) => {
      const answer = ahRefusalOf(problem, xxid)
      return { status: answer.status, type: XML_TYPE, body: answer.xml }
    },
    routes: [{
      method: 'POST',
      path: RECEIVE_PATH,
      access: 'Anhui\'s SM3-HMAC (or, legacy, SM4 key and SM3 digest)',
      summary: `Publish natively in Anhui's interface (${platform})`,
      description: 'Anhui\'s exchange interface (adapters/ah-xml/README.md, "Publishing into the gateway"): ' +
        `an AHXY message with FSF ${platform} and JSF YRD, protocol 2.0: payload SM4-CBC encrypted, SM3 digest, ` +
        'SM3-HMAC (RZM) over header, IV and ciphertext, ' +
        'with the platform-to-gateway keys. Answered with an FHJG receipt: 0000 (HZ = the gateway\'s receipt), ' +
        '0001 for the same bytes again (same receipt), ' +
        'E101 (one answer for every message that does not authenticate), ' +
        'E100/E103–E105 for the message, E201 with CWLB for invalid records (nothing stored), ' +
        'E500 with HTTP 429 after too many failed authentications, E500 with HTTP 5xx for system failures.',
      consumes: ['application/xml'],
      handle: async (request, ingest) => {
        // The envelope is ASCII by construction (codes, ids, times, hex, base64), so it is read byte for
        // byte, without a UTF-8 pass over megabytes of ZT; a non-ASCII byte fails the field checks.
        const xml = request.body.toString('latin1')
        try {
          const msg = readMessage(xml, bodyLimit)
          const { XXID, XXLX, FSF, JSF } = msg.header
          ingest.messageId(XXID)
          if (FSF !== platform || JSF !== GATEWAY_ID) {
            throw new AhRefusal(RESULT_CODES.PARTY_UNKNOWN, `FSF must be ${platform} and JSF ${GATEWAY_ID}`)
          }
          const payloadXml = openPayload(msg, keys)
          // The MAC (or, in legacy mode, the payload's SM3 digest) held: the message is the platform's.
          ingest.authenticated()
          precheckPayload(payloadXml)
          const payload = parsePayload(payloadXml)
          if (payload.XXID !== XXID || payload.XXLX !== XXLX) {
            throw new AhRefusal(RESULT_CODES.HEADER_MISMATCH, 'SJB.XXID or SJB.XXLX differs from BT')
          }
          if (payload.YSF !== platform) {
            const detail = `SJB.YSF must be ${platform}: a platform publishes its own messages`
            throw new AhRefusal(RESULT_CODES.PARTY_UNKNOWN, detail)
          }
          // The payload's own summary of its records, like JLS: a payload that disagrees with itself (E104).
          if (payload.YSZY !== recordsDigest(payloadXml)) {
            throw new AhRefusal(RESULT_CODES.HEADER_MISMATCH,
              'SJB.YSZY is not the SHA-256 (base64url, unpadded) of the JL records as sent (README, "Publishing into the gateway")')
          }
          const kind = kindOfCode(XXLX)
          if (kind === undefined) throw new AhRefusal(RESULT_CODES.UNSUPPORTED, 'BT.XXLX is not supported')
          refuseGatewayOnly(kind, RESULT_CODES.UNSUPPORTED, `XXLX ${XXLX}`)
          const items = ingest.mapRecords(payload.records, (record, i) => fromNative(kind, record, i + 1))
          const auth = keys.mac === undefined ? 'sm4-sm3' : 'sm4-sm3-hmac'
          const result = await ingest.accept({ auth, msgId: XXID, kind, items })
          const dm = result.duplicate ? RESULT_CODES.DUPLICATE : RESULT_CODES.OK
          const receipt: AhElement = {
            DM: dm, XX: RESULT_TEXT[dm] ?? '', XXID, ZY: msg.digest, CLSJ: beijingTime(), HZ: result.receipt
          }
          return { status: 200, type: XML_TYPE, body: buildXml(RECEIPT_ROOT, receipt) }
        } catch (err) {
          throw asNative(err)
        }
      }
    }]
  }
}
