import type { NativeKind } from '../native-kinds.js'
import { refuseGatewayOnly } from '../refuse-gateway-only.js'
import {
  InboundRefusal, type InboundAnswer, type InboundContext, type InboundIngest, type InboundMessage,
  type InboundProblem, type InboundRequest, type NativeInbound
} from '../types.js'
import { fromNative, SH_RECORD_TYPES } from './sh-rest-mapping.js'
import {
  SH_CODE_MESSAGES, SH_CODES, SH_HEADERS, SH_MSG_TYPES, SH_RECORDS_PATH, SH_TIMESTAMP_WINDOW_MS, type ShCode,
  type ShResponse
} from './sh-rest-protocol.js'
import { shBodyDigest, shSignature, shSignatureEquals, shStringToSign } from './sh-rest-signature.js'

/**
 * Most bytes of one publication: 1,000 records of a few hundred characters each come to ~1 MiB,
 * so 4 MiB leaves room for long narratives while keeping what an unauthenticated sender can make
 * the gateway read and hash small (a larger publication is split into several messages).
 */
export const SH_INBOUND_BODY_LIMIT = 4 * 1024 * 1024

/**
 * The shape a message can have, checked once it is authenticated and before `JSON.parse`: a record
 * is a few levels deep and holds at most ~100 values, and the longest text (2,000 characters, each
 * up to 12 bytes as a `\u` surrogate pair) fits in 32 KiB.
 */
const SH_JSON_SHAPE = { maxDepth: 16, maxValues: 1000 * 200, maxStringBytes: 32 * 1024 }

/** How long a nonce is remembered: as long as its request's timestamp could still be accepted. */
const NONCE_TTL_SECONDS = Math.ceil(2 * SH_TIMESTAMP_WINDOW_MS / 1000)

const JSON_TYPE = 'application/json; charset=utf-8'

/** Gateway codes that are problems of the request's authentication, in Shanghai's words. */
const AUTH_CODES: Readonly<Record<string, ShCode>> = {
  ISSUER_UNKNOWN: SH_CODES.appKeyUnknown,
  SIGNATURE_INVALID: SH_CODES.signatureInvalid,
  ENVELOPE_EXPIRED: SH_CODES.timestampStale
}

/** How a refusal reads in Shanghai's vocabulary: business outcomes with HTTP 200, system failures 5xx. */
export function shAnswerOf (
  err: InboundProblem, msgId: string | undefined
): { status: number, body: ShResponse & { data?: Record<string, unknown> } } {
  const busy = { code: SH_CODES.busy, message: SH_CODE_MESSAGES[SH_CODES.busy] }
  if (err.status >= 500) return { status: err.status === 503 ? 503 : 500, body: busy }
  // Too many requests from the address: "busy, try later" is Shanghai's word for it, with HTTP's own status.
  if (err.code === 'RATE_LIMITED') return { status: 429, body: { ...busy, data: { gatewayCode: err.code } } }
  const code: ShCode = err.nativeCode !== undefined
    ? err.nativeCode as ShCode
    : AUTH_CODES[err.code] ?? SH_CODES.fieldInvalid
  const message = code === SH_CODES.fieldInvalid ? `${SH_CODE_MESSAGES[code]}: ${err.message}` : SH_CODE_MESSAGES[code]
  const data: Record<string, unknown> = { gatewayCode: err.code }
  if (msgId !== undefined) data.msgId = msgId
  if (err.errors !== undefined) data.errors = err.errors
  return { status: 200, body: { code, message, data } }
}

const header = (request: InboundRequest, name: string): string | undefined => {
  const v = request.headers[name]
  return typeof v === 'string' && v !== '' ? v : undefined
}

const malformed = (detail: string): InboundRefusal => new InboundRefusal('ENVELOPE_MALFORMED', undefined, detail)

/** Reads Shanghai's request body into a native message (2001 for anything that is not one). */
function readShMessage (platform: string, body: Buffer, ingest: InboundIngest): InboundMessage {
  const tooLarge = ingest.jsonShapeProblem(body, SH_JSON_SHAPE)
  if (tooLarge !== undefined) throw malformed(`body refused before parsing: ${tooLarge}`)
  let msg: unknown
  try { msg = JSON.parse(body.toString('utf8')) } catch { throw malformed('body is not valid JSON') }
  const m = (typeof msg === 'object' && msg !== null && !Array.isArray(msg) ? msg : {}) as Record<string, unknown>
  if (typeof m.msgId !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(m.msgId)) {
    throw malformed('msgId must be 1 to 128 printable ASCII characters')
  }
  ingest.messageId(m.msgId)
  const kind = (Object.keys(SH_MSG_TYPES) as NativeKind[]).find((k) => SH_MSG_TYPES[k] === m.msgType)
  if (kind === undefined) throw malformed('msgType is not one of Shanghai\'s message types')
  refuseGatewayOnly(kind, SH_CODES.fieldInvalid, `msgType ${SH_MSG_TYPES[kind]}`)
  if (m.sourceProvince !== platform) {
    throw malformed(`sourceProvince must be ${platform}: a platform publishes its own messages`)
  }
  if (!Array.isArray(m.records) || m.records.length === 0 || m.records.length > 1000) {
    throw malformed('records must hold 1 to 1,000 records')
  }
  const records: unknown[] = m.records
  const items = ingest.mapRecords(records, (record, i) => {
    const mapped = fromNative(record, `records[${i}]`)
    if (mapped.kind !== kind || (record as { recordType?: unknown }).recordType !== SH_RECORD_TYPES[kind]) {
      throw new Error(`records[${i}].recordType does not match msgType`)
    }
    return mapped.item
  })
  return { auth: 'hmac-sha256', msgId: m.msgId, kind, items }
}

/**
 * `POST /v1/native/<ID>/api/credit/v2/records` for a platform whose adapter is `sh-rest`: the
 * platform publishes in its own interface, signed with the app key and secret it shares with the
 * gateway, and is answered in its own codes. Checks, in the platform's own order: app key (1000),
 * timestamp window (1002), signature (1001), nonce (1003, remembered only once the signature holds).
 */
export function shRestInbound (ctx: InboundContext): NativeInbound {
  const platform = ctx.platform.id
  const appKey = ctx.secrets.APP_KEY ?? ''
  const appSecret = ctx.secrets.APP_SECRET ?? ''

  /**
   * What the headers alone can tell (media type, app key, timestamp, nonce and signature present):
   * checked before the body is read.
   */
  function authHeaders (request: InboundRequest): { timestamp: string, nonce: string, signature: string } {
    const type = (header(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/json') {
      throw new InboundRefusal('UNSUPPORTED_MEDIA_TYPE', undefined, 'only application/json')
    }
    const key = header(request, SH_HEADERS.appKey)
    const timestamp = header(request, SH_HEADERS.timestamp)
    const nonce = header(request, SH_HEADERS.nonce)
    const signature = header(request, SH_HEADERS.signature)
    if (key === undefined || appKey === '' || !shSignatureEquals(key, appKey)) {
      throw new InboundRefusal('ISSUER_UNKNOWN', SH_CODES.appKeyUnknown, 'unknown app key')
    }
    if (timestamp === undefined || !/^\d{13}$/.test(timestamp) ||
      Math.abs(Date.now() - Number(timestamp)) > SH_TIMESTAMP_WINDOW_MS) {
      throw new InboundRefusal('ENVELOPE_EXPIRED', SH_CODES.timestampStale,
        'timestamp missing or more than 5 minutes off the gateway\'s clock')
    }
    if (nonce === undefined || !/^[\x21-\x7e]{16,64}$/.test(nonce) || signature === undefined) {
      throw new InboundRefusal('SIGNATURE_INVALID', SH_CODES.signatureInvalid, 'nonce or signature missing')
    }
    return { timestamp, nonce, signature }
  }

  /** The signature over the body, then the nonce: the body is parsed only after both hold. */
  async function authenticate (request: InboundRequest, ingest: InboundIngest): Promise<void> {
    const { timestamp, nonce, signature } = authHeaders(request)
    const signed = shStringToSign(request.method, request.url, timestamp, nonce, shBodyDigest(request.body))
    if (!shSignatureEquals(shSignature(appSecret, signed), signature)) {
      throw new InboundRefusal('SIGNATURE_INVALID', SH_CODES.signatureInvalid, 'HMAC-SHA256 signature does not verify')
    }
    if (!await ingest.claimNonce(nonce, NONCE_TTL_SECONDS)) {
      throw new InboundRefusal('SIGNATURE_INVALID', SH_CODES.nonceReused, 'nonce already used (a replayed request)')
    }
  }

  return {
    body: { types: ['application/json'], limit: Math.min(ctx.maxBodyBytes, SH_INBOUND_BODY_LIMIT) },
    rateLimitedCode: SH_CODES.busy,
    closeUnreadBody: true,
    refusal: (problem, msgId): InboundAnswer => ({ ...shAnswerOf(problem, msgId), type: JSON_TYPE }),
    routes: [{
      method: 'POST',
      path: SH_RECORDS_PATH,
      access: 'Shanghai\'s app key and HMAC-SHA256 signature',
      summary: `Publish natively in Shanghai's interface (${platform})`,
      description: 'Shanghai\'s data exchange interface v2 ' +
        '(adapters/sh-rest/README.md, "Publishing into the gateway"): ' +
        'JSON body, X-SH-AppKey, X-SH-Timestamp, X-SH-Nonce and X-SH-Signature (HMAC-SHA256) headers; ' +
        `at most ${SH_INBOUND_BODY_LIMIT / 1024 / 1024} MiB. Answered {code, message, data}: 0000 with ` +
        'data {msgId, accepted, receipt}, 3001 for the same bytes again (same receipt), ' +
        '1000/1001/1002/1003 for authentication, ' +
        '2001 for an invalid message or record (data.errors), 9999 with HTTP 5xx for system failures.',
      consumes: ['application/json'],
      // Refused on the headers before a byte of the body is read: an unknown sender costs nothing more.
      onHeaders: (request) => { authHeaders(request) },
      handle: async (request, ingest) => {
        await authenticate(request, ingest)
        ingest.authenticated()
        const message = readShMessage(platform, request.body, ingest)
        const result = await ingest.accept(message)
        const code = result.duplicate ? SH_CODES.duplicate : SH_CODES.ok
        const answer: ShResponse & { data: { receipt: string } } = {
          code,
          message: SH_CODE_MESSAGES[code],
          data: { msgId: message.msgId, accepted: result.items, receipt: result.receipt }
        }
        return { status: 200, type: JSON_TYPE, body: answer }
      }
    }]
  }
}
