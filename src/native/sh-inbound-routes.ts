import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { NativeKind } from '../../adapters/native-kinds.js'
import { SH_REST_ADAPTER } from '../../adapters/sh-rest/sh-rest-adapter.js'
import { fromNative, SH_RECORD_TYPES } from '../../adapters/sh-rest/sh-rest-mapping.js'
import {
  SH_CODE_MESSAGES, SH_CODES, SH_HEADERS, SH_MSG_TYPES, SH_RECORDS_PATH, SH_TIMESTAMP_WINDOW_MS, type ShCode,
  type ShResponse
} from '../../adapters/sh-rest/sh-rest-protocol.js'
import { shBodyDigest, shSignature, shSignatureEquals, shStringToSign } from '../../adapters/sh-rest/sh-rest-signature.js'
import { toGatewayError } from '../errors/error-handler.js'
import { GatewayError } from '../errors/gateway-error.js'
import type { NativeMessage } from './attest-native.js'
import { mapRecords, type NativeIngest } from './native-ingest.js'
import { NativeRefusal, refuseGatewayOnly } from './native-refusal.js'
import { closeIfBodyUnread, jsonShapeProblem } from './native-body-limits.js'
import { NonceStore } from './nonce-store.js'
import { AUTH_FAILURE_CODES, installNativeAuthLimiter } from './native-auth-limiter.js'

/** Where a platform speaking Shanghai's interface publishes into the gateway. */
export const shInboundPath = (platform: string): string => `/v1/native/${platform}${SH_RECORDS_PATH}`

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

/** Gateway codes that are problems of the request's authentication, in Shanghai's words. */
const AUTH_CODES: Readonly<Record<string, ShCode>> = {
  ISSUER_UNKNOWN: SH_CODES.appKeyUnknown,
  SIGNATURE_INVALID: SH_CODES.signatureInvalid,
  ENVELOPE_EXPIRED: SH_CODES.timestampStale
}

/** How a refusal reads in Shanghai's vocabulary: business outcomes with HTTP 200, system failures 5xx. */
export function shAnswerOf (err: GatewayError, msgId: string | undefined): {
  status: number, body: ShResponse & { data?: Record<string, unknown> }
} {
  if (err.status >= 500) {
    return {
      status: err.status === 503 ? 503 : 500, body: { code: SH_CODES.busy, message: SH_CODE_MESSAGES[SH_CODES.busy] }
    }
  }
  // Too many requests from the address: "busy, try later" is Shanghai's word for it, with HTTP's own status.
  if (err.code === 'RATE_LIMITED') return { status: 429, body: { code: SH_CODES.busy, message: SH_CODE_MESSAGES[SH_CODES.busy], data: { gatewayCode: err.code } } }
  const code: ShCode = err instanceof NativeRefusal
    ? err.nativeCode as ShCode
    : AUTH_CODES[
      err.code
    ] ?? SH_CODES.fieldInvalid
  const message = code === SH_CODES.fieldInvalid ? `${SH_CODE_MESSAGES[code]}: ${err.message}` : SH_CODE_MESSAGES[code]
  const data: Record<string, unknown> = { gatewayCode: err.code }
  if (msgId !== undefined) data.msgId = msgId
  if (err.errors !== undefined) data.errors = err.errors
  return { status: 200, body: { code, message, data } }
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name]
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** Reads Shanghai's request body into a native message (2001 for anything that is not one). */
function readShMessage (platform: string, body: Buffer, onMsgId: (msgId: string) => void): Omit<NativeMessage, 'body'> {
  const tooLarge = jsonShapeProblem(body, SH_JSON_SHAPE)
  if (tooLarge !== undefined) throw new GatewayError('ENVELOPE_MALFORMED', `body refused before parsing: ${tooLarge}`)
  let msg: unknown
  try { msg = JSON.parse(body.toString('utf8')) } catch { throw new GatewayError('ENVELOPE_MALFORMED', 'body is not valid JSON') }
  const m = (typeof msg === 'object' && msg !== null && !Array.isArray(msg) ? msg : {}) as Record<string, unknown>
  if (typeof m.msgId !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(m.msgId)) throw new GatewayError('ENVELOPE_MALFORMED', 'msgId must be 1 to 128 printable ASCII characters')
  onMsgId(m.msgId)
  const kind = (Object.keys(SH_MSG_TYPES) as NativeKind[]).find((k) => SH_MSG_TYPES[k] === m.msgType)
  if (kind === undefined) throw new GatewayError('ENVELOPE_MALFORMED', 'msgType is not one of Shanghai\'s message types')
  refuseGatewayOnly(kind, SH_CODES.fieldInvalid, `msgType ${SH_MSG_TYPES[kind]}`)
  if (m.sourceProvince !== platform) throw new GatewayError('ENVELOPE_MALFORMED', `sourceProvince must be ${platform}: a platform publishes its own messages`)
  if (!Array.isArray(m.records) || m.records.length === 0 || m.records.length > 1000) throw new GatewayError('ENVELOPE_MALFORMED', 'records must hold 1 to 1,000 records')
  const records: unknown[] = m.records
  const items = mapRecords(records, (record, i) => {
    const mapped = fromNative(record, `records[${i}]`)
    if (mapped.kind !== kind || (record as { recordType?: unknown }).recordType !== SH_RECORD_TYPES[kind]) throw new Error(`records[${i}].recordType does not match msgType`)
    return mapped.item
  })
  return { platform, adapter: SH_REST_ADAPTER, auth: 'hmac-sha256', msgId: m.msgId, kind, items }
}

/**
 * `POST /v1/native/<ID>/api/credit/v2/records` for a platform whose adapter is `sh-rest`: the
 * platform publishes in its own interface, signed with the app key and secret it shares with the
 * gateway, and is answered in its own codes. Checks, in the platform's own order: app key (1000),
 * timestamp window (1002), signature (1001), nonce (1003, remembered only once the signature holds).
 */
export async function shInboundRoutes (
  app: FastifyInstance, opts: { platform: string, secrets: Readonly<Record<string, string>>, ingest: NativeIngest }
): Promise<void> {
  const { platform, ingest } = opts
  const appKey = opts.secrets.APP_KEY ?? ''
  const appSecret = opts.secrets.APP_SECRET ?? ''
  const bodyLimit = Math.min(app.config.settings.bodyLimitBytes, SH_INBOUND_BODY_LIMIT)
  const nonces = new NonceStore(
    app.redis, app.runtime.redisPrefix, Math.ceil(2 * SH_TIMESTAMP_WINDOW_MS / 1000), app.log
  )
  const msgIds = new WeakMap<FastifyRequest, string>()

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => { done(null, body) })
  // An address that failed to authenticate too often this minute is refused before anything else.
  const limiter = installNativeAuthLimiter(app, platform, (max) => new NativeRefusal('RATE_LIMITED', SH_CODES.busy, `too many failed authentications from this address: at most ${max} a minute`))
  app.setErrorHandler(async (error, request, reply) => {
    const err = toGatewayError(error)
    if (AUTH_FAILURE_CODES.has(err.code)) await limiter.failed(platform, request.ip)
    if (err.status >= 500) request.log.error({ err: error, platform, code: err.code }, 'native request failed')
    else request.log.info({ platform, code: err.code, detail: err.message }, 'native request refused')
    ingest.claim(request, platform)
    // A rate-limited request writes nothing: the limit is there to stop the flood, security log included.
    if (err.code !== 'RATE_LIMITED') await ingest.refused(request, err)
    closeIfBodyUnread(request, reply)
    const answer = shAnswerOf(err, msgIds.get(request))
    return await reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body)
  })

  /** What the headers alone can tell (media type, app key, timestamp, nonce and signature present): checked before the
   * body is read. */
  function authHeaders (request: FastifyRequest): { timestamp: string, nonce: string, signature: string } {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/json') throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'only application/json')
    const key = header(request, SH_HEADERS.appKey)
    const timestamp = header(request, SH_HEADERS.timestamp)
    const nonce = header(request, SH_HEADERS.nonce)
    const signature = header(request, SH_HEADERS.signature)
    if (key === undefined || appKey === '' || !shSignatureEquals(key, appKey)) throw new NativeRefusal('ISSUER_UNKNOWN', SH_CODES.appKeyUnknown, 'unknown app key')
    if (timestamp === undefined || !/^\d{13}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > SH_TIMESTAMP_WINDOW_MS) {
      throw new NativeRefusal('ENVELOPE_EXPIRED', SH_CODES.timestampStale, 'timestamp missing or more than 5 minutes off the gateway\'s clock')
    }
    if (nonce === undefined || !/^[\x21-\x7e]{16,64}$/.test(nonce) || signature === undefined) {
      throw new NativeRefusal('SIGNATURE_INVALID', SH_CODES.signatureInvalid, 'nonce or signature missing')
    }
    return { timestamp, nonce, signature }
  }

  /** The signature over the body, then the nonce: the body is parsed only after both hold. */
  async function authenticate (request: FastifyRequest, body: Buffer): Promise<void> {
    const { timestamp, nonce, signature } = authHeaders(request)
    const expected = shSignature(
      appSecret, shStringToSign(request.method, request.url, timestamp, nonce, shBodyDigest(body))
    )
    if (!shSignatureEquals(expected, signature)) throw new NativeRefusal('SIGNATURE_INVALID', SH_CODES.signatureInvalid, 'HMAC-SHA256 signature does not verify')
    if (!await nonces.claim(platform, nonce)) throw new NativeRefusal('SIGNATURE_INVALID', SH_CODES.nonceReused, 'nonce already used (a replayed request)')
  }

  app.post(shInboundPath(platform), {
    bodyLimit,
    config: { access: { own: 'Shanghai\'s app key and HMAC-SHA256 signature' } },
    // Refused on the headers before a byte of the body is read: an unknown sender costs nothing more.
    onRequest: async (request) => {
      ingest.claim(request, platform)
      authHeaders(request)
    },
    schema: {
      summary: `Publish natively in Shanghai's interface (${platform})`,
      description: 'Shanghai\'s data exchange interface v2 (adapters/sh-rest/README.md, "Publishing into the gateway"): JSON body, ' +
        `X-SH-AppKey, X-SH-Timestamp, X-SH-Nonce and X-SH-Signature (HMAC-SHA256) headers; at most ${SH_INBOUND_BODY_LIMIT / 1024 / 1024} MiB. Answered {code, message, data}: 0000 with ` +
        'data {msgId, accepted, receipt}, 3001 for the same bytes again (same receipt), 1000/1001/1002/1003 for authentication, ' +
        '2001 for an invalid message or record (data.errors), 9999 with HTTP 5xx for system failures.',
      tags: ['native'],
      consumes: ['application/json']
    }
  }, async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as Buffer
    ingest.claim(request, platform, body)
    await authenticate(request, body)
    ingest.authenticated(request)
    const message = readShMessage(platform, body, (msgId) => {
      msgIds.set(request, msgId)
      ingest.claim(request, platform, undefined, msgId)
    })
    const result = await ingest.accept(request, { ...message, body })
    const code = result.status === 202 ? SH_CODES.ok : SH_CODES.duplicate
    const answer: ShResponse & { data: { receipt: string } } = {
      code,
      message: SH_CODE_MESSAGES[code],
      data: { msgId: message.msgId, accepted: result.items, receipt: result.body.receipt }
    }
    return await reply.code(200).type('application/json; charset=utf-8').send(answer)
  })
}
