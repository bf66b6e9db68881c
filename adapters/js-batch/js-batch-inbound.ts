import { createHash, timingSafeEqual } from 'node:crypto'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import { refuseGatewayOnly } from '../refuse-gateway-only.js'
import {
  InboundRefusal, type InboundAnswer, type InboundContext, type InboundProblem, type InboundRequest, type NativeInbound
} from '../types.js'
import { DATA_TYPES } from './js-batch-codes.js'
import { JS_COLUMNS, JS_MAX_ROWS } from './js-batch-columns.js'
import { batchSm3, decodeBatchFile, JsBatchFileError, type JsBatchFile } from './js-batch-file.js'
import { fromNative } from './js-batch-mapping.js'
import { scrubPlatformText, type JsRowResult } from './js-batch-result.js'

/** Where a batch published into the gateway stands, in Jiangsu's result format. */
export interface JsInboundResult {
  batchId: string
  status: 'DONE'
  rows: JsRowResult[]
  /** The gateway's signed receipt, when the batch was accepted. */
  receipt?: string
}

/** Under `/v1/native/<ID>`: where a platform speaking Jiangsu's batch interface uploads, and asks for results. */
export const JS_UPLOAD_PATH = '/jsxy/batch/upload'
export const JS_RESULT_PATH = '/jsxy/batch/:batchId/result'

/**
 * Most bytes of one uploaded batch: 1,000 rows come to ~0.6 MiB in GB18030 (2 bytes a Chinese
 * character), so 4 MiB leaves room for long narratives; a larger batch is split into several.
 */
export const JS_UPLOAD_BODY_LIMIT = 4 * 1024 * 1024

/**
 * The shape a batch file can have, checked once the upload is authenticated and its SM3 holds,
 * before it is decoded and parsed: the header and at most 1,000 rows, one field per column each, and every
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

const JSON_TYPE = 'application/json; charset=utf-8'

/** The gateway's generic codes in Jiangsu's vocabulary (the platform's own codes ride on the refusal). */
const JS_CODE_OF: Readonly<Record<string, string>> = {
  UNSUPPORTED_MEDIA_TYPE: 'CONTENT_TYPE_INVALID',
  PAYLOAD_TOO_LARGE: 'FILE_TOO_LARGE',
  JTI_CONFLICT: 'BATCH_DUPLICATE',
  UNAUTHORIZED: 'AUTH_FAILED',
  RATE_LIMITED: 'RATE_LIMITED'
}

/**
 * A refusal about rows, answered as row verdicts (200, every row REJECTED, the result kept) rather
 * than as a refused upload: every refusal that names items (`errors`: identifiers, schema, registry
 * codes such as LIST_TYPE_UNKNOWN or MEASURE_UNKNOWN, ownership, versions, cases) and that the
 * adapter did not word itself. A refused upload would leave nothing for GET …/result to find.
 */
const isRowLevel = (p: InboundProblem): boolean =>
  p.nativeCode === undefined && p.status < 500 && (p.errors?.length ?? 0) > 0

/** The code of the rows an all-or-nothing refusal did not apply though nothing was wrong with them. */
export const NOT_APPLIED = 'NOT_APPLIED'

/** Every row ACCEPTED: the envelope is all or nothing. */
export function accepted (batchId: string, rows: number, receipt: string): JsInboundResult {
  const verdicts = Array.from({ length: rows }, (_, i) => ({ seq: i + 1, result: 'ACCEPTED' as const }))
  return { batchId, status: 'DONE', rows: verdicts, receipt }
}

/**
 * Every row REJECTED, the envelope being all or nothing: a faulty row with its own code (its first
 * error's) and reasons, every other row {@link NOT_APPLIED}, naming the first faulty row (记录序号).
 */
export function rejected (batchId: string, rows: number, err: InboundProblem): JsInboundResult {
  const reasons = new Map<number, { code: string, reason: string }>()
  for (const e of err.errors ?? []) {
    const r = `[${e.code}] ${e.path} ${e.detail}`.replace(/\s+/g, ' ')
    const held = reasons.get(e.index)
    reasons.set(e.index, held === undefined ? { code: e.code, reason: r } : { code: held.code, reason: `${held.reason}; ${r}` })
  }
  const first = Math.min(...[...reasons.keys()].filter((i) => i >= 0 && i < rows))
  const because = Number.isFinite(first)
    ? `整批未受理: 第${first + 1}条记录未通过 [${reasons.get(first)?.code ?? err.code}]`
    : `整批未受理: [${err.code}] ${err.message}`
  return {
    batchId,
    status: 'DONE',
    rows: Array.from({ length: rows }, (_, i) => {
      const own = reasons.get(i)
      return {
        seq: i + 1,
        result: 'REJECTED' as const,
        code: own?.code ?? NOT_APPLIED,
        reason: scrubPlatformText(own?.reason ?? because, 500)
      }
    })
  }
}

/**
 * A refusal in Jiangsu's format: `{ code, message }` with the HTTP status of the gateway's code,
 * but one status per Jiangsu code where several gateway codes share it: BATCH_REJECTED (a batch
 * refused whole, for a reason with no code of its own) is 403 for a forbidden 数据类型, 400 else.
 */
function jsRefusalOf (err: InboundProblem): InboundAnswer {
  const code = err.status >= 500 ? 'SYSTEM_ERROR' : err.nativeCode ?? JS_CODE_OF[err.code] ?? 'BATCH_REJECTED'
  const status = err.status >= 500
    ? (err.status === 503 ? 503 : 500)
    : code === 'BATCH_REJECTED' ? (err.code === 'FORBIDDEN' ? 403 : 400) : err.status
  return { status, type: JSON_TYPE, body: { code, message: `[${err.code}] ${err.message}` } }
}

const sha = (s: string): Buffer => createHash('sha256').update(s).digest()

const malformed = (nativeCode: string, detail: string, cause?: unknown): InboundRefusal =>
  new InboundRefusal('ENVELOPE_MALFORMED', nativeCode, detail, cause === undefined ? {} : { cause })

/**
 * `POST /v1/native/<ID>/jsxy/batch/upload` and `GET /v1/native/<ID>/jsxy/batch/{batchId}/result`
 * for a platform whose adapter is `js-batch`: the platform uploads its own GB18030 CSV batch with
 * the token it shares with the gateway. The gateway processes the upload at once (the answer is
 * already `DONE`) and keeps the result: ACCEPTED for every row when the envelope is accepted,
 * every row REJECTED with its reason when not.
 */
export function jsBatchInbound (ctx: InboundContext): NativeInbound {
  const platform = ctx.platform.id
  const tokenHash = sha(ctx.secrets.TOKEN ?? '')
  const hasToken = (ctx.secrets.TOKEN ?? '') !== ''

  const authenticate = (request: InboundRequest): void => {
    const given = request.headers['x-js-token']
    if (!hasToken || typeof given !== 'string' || !timingSafeEqual(sha(given), tokenHash)) {
      throw new InboundRefusal('UNAUTHORIZED', 'AUTH_FAILED', 'token missing or wrong')
    }
  }

  const batchIds = new WeakMap<InboundRequest, string>()

  /** Everything the headers alone can tell, in the platform's order: token, media type, batch id. */
  const checkUploadHeaders = (request: InboundRequest): string => {
    authenticate(request)
    const type = String(request.headers['content-type'] ?? '').toLowerCase().replace(/\s/g, '')
    if (type !== 'text/csv;charset=gb18030') {
      throw new InboundRefusal('UNSUPPORTED_MEDIA_TYPE', 'CONTENT_TYPE_INVALID', 'only text/csv; charset=GB18030')
    }
    const batchId = request.headers['x-js-batch-id']
    if (typeof batchId !== 'string' || batchId === '') {
      throw new InboundRefusal('ENVELOPE_MALFORMED', 'BATCH_ID_MISSING', 'X-JS-Batch-Id missing')
    }
    return batchId
  }

  return {
    body: { types: ['text/csv'], limit: Math.min(ctx.maxBodyBytes, JS_UPLOAD_BODY_LIMIT) },
    rateLimitedCode: 'RATE_LIMITED',
    // Only the token counts: an SM3 mismatch comes from a caller that holds it.
    authFailureCodes: new Set(['UNAUTHORIZED']),
    // A result asked for a batch the gateway does not have is not a refused publication.
    unlogged: new Set(['NOT_FOUND']),
    closeUnreadBody: true,
    refusal: (problem) => jsRefusalOf(problem),
    routes: [{
      method: 'POST',
      path: JS_UPLOAD_PATH,
      access: 'Jiangsu\'s X-JS-Token',
      summary: `Upload a batch natively in Jiangsu's interface (${platform})`,
      description: 'Jiangsu\'s batch interface (adapters/js-batch/README.md, "Publishing into the gateway"): ' +
        'a GB18030 CSV batch with X-JS-Token, X-JS-Batch-Id and X-JS-Content-SM3, ' +
        `at most ${JS_UPLOAD_BODY_LIMIT / 1024 / 1024} MiB.` +
        ' Processed at once: 200 {batchId, status DONE, rows, receipt?}; errors as {code, message}.',
      consumes: ['text/csv'],
      // The token is a header: a caller without it is refused before a byte of the body is read.
      onHeaders: (request, ingest) => {
        const batchId = checkUploadHeaders(request)
        batchIds.set(request, batchId)
        // The token held: the caller is the platform (what its body holds is its own).
        ingest.authenticated()
        ingest.messageId(batchId)
      },
      handle: async (request, ingest) => {
        const body = request.body
        // The headers were checked, token first, before the body was read (onHeaders).
        const batchId = batchIds.get(request) ?? checkUploadHeaders(request)
        // The shape first: its scan stops at the first excess, where the SM3 would hash every byte.
        const tooLarge = ingest.csvShapeProblem(body, JS_CSV_SHAPE)
        if (tooLarge !== undefined) throw malformed('FILE_INVALID', `refused before parsing: ${tooLarge}`)
        if (request.headers['x-js-content-sm3'] !== batchSm3(body)) {
          // 400, not 401: the token (checked first) authenticated the caller; a body that does not match
          // its own SM3 is a malformed upload, and a 401 would send the client to fix its token.
          throw new InboundRefusal('ENVELOPE_MALFORMED', 'DIGEST_MISMATCH', 'SM3 does not match the body')
        }
        let file: JsBatchFile
        try {
          file = decodeBatchFile(body)
        } catch (err) {
          if (err instanceof JsBatchFileError) throw malformed(err.code, err.message, err)
          throw err
        }
        if (file.batchId !== batchId) throw malformed('BATCH_ID_MISMATCH', '批次号 differs from X-JS-Batch-Id')
        if (file.origin !== platform) {
          throw malformed('FILE_INVALID', `数据来源省份 must be ${platform}: a platform publishes its own batches`)
        }

        for (const [kind, label] of DATA_TYPES.toLabel) {
          if (file.rows.some((row) => row.数据类型 === label)) refuseGatewayOnly(kind, 'BATCH_REJECTED', `数据类型 ${label}`)
        }

        let result: JsInboundResult
        let duplicate = false
        try {
          const kinds = new Set<EnvelopeKindV1>()
          const items = ingest.mapRecords(file.rows, (row) => {
            const m = fromNative(row)
            kinds.add(m.kind)
            return m.item
          })
          const kind = [...kinds][0]
          if (kind === undefined || kinds.size > 1) throw malformed('FILE_INVALID', 'a batch carries one 数据类型')
          const outcome = await ingest.accept({ auth: 'token', msgId: batchId, kind, items })
          duplicate = outcome.duplicate
          result = accepted(batchId, outcome.items, outcome.receipt)
        } catch (err) {
          const problem = ingest.problemOf(err)
          if (!isRowLevel(problem)) throw err
          await ingest.refused(err)
          result = rejected(batchId, file.rows.length, problem)
        }
        await ingest.rememberResult(batchId, result, RESULT_TTL_SECONDS)
        return { status: 200, type: JSON_TYPE, body: duplicate ? { ...result, duplicate } : result }
      }
    }, {
      method: 'GET',
      path: JS_RESULT_PATH,
      access: 'Jiangsu\'s X-JS-Token',
      summary: `Where an uploaded batch stands (${platform})`,
      handle: async (request, ingest) => {
        authenticate(request)
        const batchId = request.params.batchId ?? ''
        // A refused batch's verdicts are kept for a while; an accepted one is in the ledger.
        const kept = await ingest.findResult(batchId)
        if (kept !== undefined) return { status: 200, type: JSON_TYPE, body: kept }
        const record = await ingest.findAccepted(batchId)
        if (record === undefined) throw new InboundRefusal('NOT_FOUND', 'BATCH_NOT_FOUND', 'no such batch')
        return { status: 200, type: JSON_TYPE, body: accepted(batchId, record.items, record.receipt) }
      }
    }]
  }
}
