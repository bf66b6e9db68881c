import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import { batchSm3, decodeBatchFile, JsBatchFileError, type JsBatchFile } from '../../adapters/js-batch/js-batch-file.js'
import { DATA_TYPES } from '../../adapters/js-batch/js-batch-codes.js'
import { JS_COLUMNS, JS_MAX_ROWS } from '../../adapters/js-batch/js-batch-columns.js'
import { fromNative } from '../../adapters/js-batch/js-batch-mapping.js'
import { scrubPlatformText } from '../../adapters/js-batch/js-batch-result.js'
import { toGatewayError } from '../errors/error-handler.js'
import { GatewayError, type ErrorCode } from '../errors/gateway-error.js'
import { accepted, JsBatchResults, type JsInboundResult } from './js-batch-results.js'
import { closeIfBodyUnread, csvShapeProblem } from './native-body-limits.js'
import { mapRecords, type NativeIngest } from './native-ingest.js'
import { NativeRefusal, refuseGatewayOnly } from './native-refusal.js'
import { installNativeAuthLimiter } from './native-auth-limiter.js'

/** Where a platform speaking Jiangsu's batch interface uploads into the gateway, and asks for results. */
export const jsUploadPath = (platform: string): string => `/v1/native/${platform}/jsxy/batch/upload`
export const jsResultPath = (platform: string): string => `/v1/native/${platform}/jsxy/batch/:batchId/result`

/**
 * Most bytes of one uploaded batch: 1,000 rows come to ~0.6 MiB in GB18030 (2 bytes a Chinese
 * character), so 4 MiB leaves room for long narratives; a larger batch is split into several.
 */
export const JS_UPLOAD_BODY_LIMIT = 4 * 1024 * 1024

/**
 * The shape a batch file can have, checked once the upload is authenticated and its SM3 holds,
 * before it is decoded and parsed: the header and at most 1,000 rows, 54 fields each, and every
 * field within twice its column's bytes (every character a doubled quote) plus its quotes — the
 * header's names, longer than some columns' values, within 64 bytes.
 */
const JS_CSV_SHAPE = {
  maxRecords: JS_MAX_ROWS + 1,
  maxFields: JS_COLUMNS.length,
  maxFieldBytes: (i: number): number => Math.max(64, 2 * (JS_COLUMNS[i]?.[1] ?? 0) + 2)
}

/** How long the verdicts of a refused batch are kept (a week: the platform polls far sooner). */
const RESULT_TTL_SECONDS = 7 * 24 * 3600

/** The gateway's generic codes in Jiangsu's vocabulary (the platform's own codes ride on NativeRefusal). */
const JS_CODE_OF: Partial<Record<ErrorCode, string>> = {
  UNSUPPORTED_MEDIA_TYPE: 'CONTENT_TYPE_INVALID',
  PAYLOAD_TOO_LARGE: 'FILE_TOO_LARGE',
  JTI_CONFLICT: 'BATCH_DUPLICATE',
  UNAUTHORIZED: 'AUTH_FAILED',
  RATE_LIMITED: 'RATE_LIMITED'
}

/** Gateway codes whose refusal is about the rows: every row is REJECTED rather than the upload. */
const ROW_LEVEL: ReadonlySet<string> = new Set(['SCHEMA_INVALID', 'USCC_INVALID', 'ID_NUMBER_INVALID', 'NOT_OWNER', 'ENTRY_UNKNOWN', 'VERSION_CONFLICT', 'SUBJECT_MISMATCH', 'MEASURE_KIND_MISMATCH', 'MEASURE_NOT_APPLICABLE', 'VALIDITY_OUT_OF_RANGE'])

/** Every row REJECTED, each with its own reason or that of the batch: the envelope is all or nothing. */
export function rejected (batchId: string, rows: number, err: GatewayError): JsInboundResult {
  const reasons = new Map<number, string>()
  for (const e of err.errors ?? []) {
    const r = `[${e.code}] ${e.path} ${e.detail}`.replace(/\s+/g, ' ')
    reasons.set(e.index, reasons.has(e.index) ? `${reasons.get(e.index) ?? ''}; ${r}` : r)
  }
  return {
    batchId,
    status: 'DONE',
    rows: Array.from({ length: rows }, (_, i) => ({
      seq: i + 1,
      result: 'REJECTED' as const,
      reason: scrubPlatformText(reasons.get(i) ?? `整批未受理: [${err.code}] ${err.message}`, 500)
    }))
  }
}

const sha = (s: string): Buffer => createHash('sha256').update(s).digest()

/**
 * `POST /v1/native/<ID>/jsxy/batch/upload` and `GET /v1/native/<ID>/jsxy/batch/{batchId}/result`
 * for a platform whose adapter is `js-batch`: the platform uploads its own GB18030 CSV batch with
 * the token it shares with the gateway. The gateway processes the upload at once (the answer is
 * already `DONE`) and keeps the result: ACCEPTED for every row when the envelope is accepted,
 * every row REJECTED with its reason when not.
 */
export async function jsInboundRoutes (
  app: FastifyInstance, opts: { platform: string, secrets: Readonly<Record<string, string>>, ingest: NativeIngest }
): Promise<void> {
  const { platform, ingest } = opts
  const tokenHash = sha(opts.secrets.TOKEN ?? '')
  const hasToken = (opts.secrets.TOKEN ?? '') !== ''
  const bodyLimit = Math.min(app.config.settings.bodyLimitBytes, JS_UPLOAD_BODY_LIMIT)
  const results = new JsBatchResults(app.redis, app.pg, app.runtime.redisPrefix, RESULT_TTL_SECONDS, app.log)

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => { done(null, body) })
  // An address that failed to authenticate too often this minute is refused before anything else.
  const limiter = installNativeAuthLimiter(app, platform, (max) => new NativeRefusal('RATE_LIMITED', 'RATE_LIMITED', `too many failed authentications from this address: at most ${max} a minute`))
  app.setErrorHandler(async (error, request, reply) => {
    const err = toGatewayError(error)
    // Only the token counts: an SM3 mismatch comes from a caller that holds it.
    if (err.code === 'UNAUTHORIZED') await limiter.failed(platform, request.ip)
    if (err.status >= 500) request.log.error({ err: error, platform, code: err.code }, 'native request failed')
    else request.log.info({ platform, code: err.code, detail: err.message }, 'native request refused')
    ingest.claim(request, platform)
    // A result asked for a batch the gateway does not have is not a refused publication; a
    // rate-limited request writes nothing (the limit is there to stop the flood, security log included).
    if (err.code !== 'NOT_FOUND' && err.code !== 'RATE_LIMITED') await ingest.refused(request, err)
    closeIfBodyUnread(request, reply)
    const code = err.status >= 500 ? 'SYSTEM_ERROR' : err instanceof NativeRefusal ? err.nativeCode : JS_CODE_OF[err.code] ?? 'BATCH_REJECTED'
    const status = err.status >= 500 ? (err.status === 503 ? 503 : 500) : err.status
    return await reply.code(status).type('application/json; charset=utf-8').send({ code, message: `[${err.code}] ${err.message}` })
  })

  const authenticate = (request: FastifyRequest): void => {
    const given = request.headers['x-js-token']
    if (!hasToken || typeof given !== 'string' || !timingSafeEqual(sha(given), tokenHash)) throw new NativeRefusal('UNAUTHORIZED', 'AUTH_FAILED', 'token missing or wrong')
  }

  const batchIds = new WeakMap<FastifyRequest, string>()

  /** Everything the headers alone can tell, in the platform's order: token, media type, batch id. */
  const checkUploadHeaders = (request: FastifyRequest): string => {
    authenticate(request)
    const type = (request.headers['content-type'] ?? '').toLowerCase().replace(/\s/g, '')
    if (type !== 'text/csv;charset=gb18030') throw new NativeRefusal('UNSUPPORTED_MEDIA_TYPE', 'CONTENT_TYPE_INVALID', 'only text/csv; charset=GB18030')
    const batchId = request.headers['x-js-batch-id']
    if (typeof batchId !== 'string' || batchId === '') throw new NativeRefusal('ENVELOPE_MALFORMED', 'BATCH_ID_MISSING', 'X-JS-Batch-Id missing')
    return batchId
  }

  app.post(jsUploadPath(platform), {
    bodyLimit,
    config: { access: { own: 'Jiangsu\'s X-JS-Token' } },
    // The token is a header: a caller without it is refused before a byte of the body is read.
    onRequest: async (request) => {
      ingest.claim(request, platform)
      const batchId = checkUploadHeaders(request)
      batchIds.set(request, batchId)
      // The token held: the caller is the platform (what its body holds is its own).
      ingest.authenticated(request)
      ingest.claim(request, platform, undefined, batchId)
    },
    schema: {
      summary: `Upload a batch natively in Jiangsu's interface (${platform})`,
      description: 'Jiangsu\'s batch interface (adapters/js-batch/README.md, "Publishing into the gateway"): a GB18030 CSV batch with ' +
        `X-JS-Token, X-JS-Batch-Id and X-JS-Content-SM3, at most ${JS_UPLOAD_BODY_LIMIT / 1024 / 1024} MiB.` + ' Processed at once: 200 {batchId, status DONE, rows, receipt?}; errors as {code, message}.',
      tags: ['native'],
      consumes: ['text/csv']
    }
  }, async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as Buffer
    ingest.claim(request, platform, body)
    // The headers were checked, token first, before the body was read (onRequest).
    const batchId = batchIds.get(request) ?? checkUploadHeaders(request)
    // The shape first: its scan stops at the first excess, where the SM3 would hash every byte.
    const tooLarge = csvShapeProblem(body, JS_CSV_SHAPE)
    if (tooLarge !== undefined) throw new NativeRefusal('ENVELOPE_MALFORMED', 'FILE_INVALID', `refused before parsing: ${tooLarge}`)
    if (request.headers['x-js-content-sm3'] !== batchSm3(body)) throw new NativeRefusal('SIGNATURE_INVALID', 'DIGEST_MISMATCH', 'SM3 does not match the body')
    let file: JsBatchFile
    try {
      file = decodeBatchFile(body)
    } catch (err) {
      if (err instanceof JsBatchFileError) throw new NativeRefusal('ENVELOPE_MALFORMED', err.code, err.message, { cause: err })
      throw err
    }
    if (file.batchId !== batchId) throw new NativeRefusal('ENVELOPE_MALFORMED', 'BATCH_ID_MISMATCH', '批次号 differs from X-JS-Batch-Id')
    if (file.origin !== platform) throw new NativeRefusal('ENVELOPE_MALFORMED', 'FILE_INVALID', `数据来源省份 must be ${platform}: a platform publishes its own batches`)

    for (const [kind, label] of DATA_TYPES.toLabel) {
      if (file.rows.some((row) => row.数据类型 === label)) refuseGatewayOnly(kind, 'BATCH_REJECTED', `数据类型 ${label}`)
    }

    let result: JsInboundResult
    let duplicate = false
    try {
      const kinds = new Set<EnvelopeKindV1>()
      const items = mapRecords(file.rows, (row) => { const m = fromNative(row); kinds.add(m.kind); return m.item })
      const kind = [...kinds][0]
      if (kind === undefined || kinds.size > 1) throw new NativeRefusal('ENVELOPE_MALFORMED', 'FILE_INVALID', 'a batch carries one 数据类型')
      const outcome = await ingest.accept(request, { platform, adapter: 'js-batch', auth: 'token', msgId: batchId, kind, items, body })
      duplicate = outcome.status === 200
      result = accepted(batchId, outcome.items, outcome.body.receipt)
    } catch (err) {
      if (!(err instanceof GatewayError) || !ROW_LEVEL.has(err.code) || err instanceof NativeRefusal) throw err
      await ingest.refused(request, err)
      result = rejected(batchId, file.rows.length, err)
    }
    await results.remember(platform, result)
    return await reply.code(200).type('application/json; charset=utf-8').send(duplicate ? { ...result, duplicate } : result)
  })

  app.get(jsResultPath(platform), {
    config: { access: { own: 'Jiangsu\'s X-JS-Token' } },
    schema: { summary: `Where an uploaded batch stands (${platform})`, tags: ['native'] }
  }, async (request: FastifyRequest<{ Params: { batchId: string } }>, reply: FastifyReply) => {
    ingest.claim(request, platform)
    authenticate(request)
    const found = await results.find(platform, request.params.batchId)
    if (found === undefined) throw new NativeRefusal('NOT_FOUND', 'BATCH_NOT_FOUND', 'no such batch')
    return await reply.code(200).type('application/json; charset=utf-8').send(found)
  })
}
