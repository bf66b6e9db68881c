import type { NativeKind } from '../native-kinds.js'
import type { ShRecord } from './sh-rest-native.js'

/** Where Shanghai's platform takes messages, relative to its API root (see README.md). */
export const SH_RECORDS_PATH = '/api/credit/v2/records'
/**
 * Shanghai's paged export of the list entries it holds, for reconciliation (see README.md,
 * "Export"): `GET` with `ownerProvince`, `listTypeCode`, `cursor` (empty for the first page, then
 * the previous page's `nextCursor`: opaque, key-based) and `pageSize` (at most 10,000), signed like
 * every call (the query string is part of the signed path).
 */
export const SH_EXPORT_PATH = '/api/credit/v2/records/export'
/** Shanghai's unauthenticated liveness check. */
export const SH_HEALTH_PATH = '/api/credit/v2/health'

/** The authentication headers Shanghai requires on every message (lower case, as node:http sees them). */
export const SH_HEADERS = {
  appKey: 'x-sh-appkey',
  timestamp: 'x-sh-timestamp',
  nonce: 'x-sh-nonce',
  signature: 'x-sh-signature'
} as const

/** How far a request timestamp may be from the platform's clock before it is refused (code 1002). */
export const SH_TIMESTAMP_WINDOW_MS = 5 * 60 * 1000

/**
 * Shanghai's result codes. Business outcomes come with HTTP 200; only system failures (9999)
 * come with a 5xx. 3001 is not a failure: the platform already holds the message.
 */
export const SH_CODES = {
  ok: '0000',
  appKeyUnknown: '1000',
  signatureInvalid: '1001',
  timestampStale: '1002',
  nonceReused: '1003',
  fieldInvalid: '2001',
  partialReject: '2002',
  duplicate: '3001',
  busy: '9999'
} as const
export type ShCode = (typeof SH_CODES)[keyof typeof SH_CODES]

/** The platform's own wording of each code (its `message` field). */
export const SH_CODE_MESSAGES: Readonly<Record<ShCode, string>> = {
  '0000': '成功',
  1000: '应用标识不存在',
  1001: '签名校验失败',
  1002: '请求时间戳已过期',
  1003: '请求随机数重复',
  2001: '字段校验失败',
  2002: '部分记录校验失败',
  3001: '报文重复，已处理',
  9999: '系统繁忙，请稍后重试'
}

/**
 * Codes worth another attempt later: a busy platform, or a timestamp or nonce refusal, which a new
 * attempt (fresh timestamp, fresh nonce) may pass once clocks agree again.
 */
export const SH_RETRYABLE_CODES: ReadonlySet<string> = new Set(
  [SH_CODES.timestampStale, SH_CODES.nonceReused, SH_CODES.busy]
)

/** Shanghai's message types, one per contract kind. */
export const SH_MSG_TYPES = {
  'list.upsert': 'CREDIT_LIST_REPORT',
  'list.remove': 'CREDIT_LIST_REMOVE',
  'punishment.notice': 'JOINT_PUNISH_NOTICE',
  'punishment.feedback': 'JOINT_PUNISH_FEEDBACK',
  'objection.open': 'OBJECTION_APPLY',
  'objection.resolve': 'OBJECTION_RESULT',
  'gateway.notice': 'GATEWAY_NOTICE',
  'repair.request': 'CREDIT_REPAIR_APPLY', // assumed, 国办发〔2020〕49号 (十二)
  'repair.decision': 'CREDIT_REPAIR_RESULT' // assumed, 国办发〔2020〕49号 (十一)
} as const satisfies Record<NativeKind, string>
export type ShMsgType = (typeof SH_MSG_TYPES)[NativeKind]

/** The body of `POST /api/credit/v2/records`. `msgId` is `nativeMessageId(origin, jti)`, stable across retries. */
export interface ShRequestBody {
  msgId: string
  msgType: ShMsgType
  /** The platform the message comes from (SH, JS, ZJ, AH or another configured one). */
  sourceProvince: string
  /** When the gateway received the message from its source (RFC 3339). */
  sendTime: string
  records: ShRecord[]
}

/** One record the platform refused in a partly accepted message (code 2002). */
export interface ShRejectedRecord {
  index: number
  code: string
  reason: string
}

/** One entry of an export page: the entry as last applied, and whether its measures are suspended. */
export interface ShExportItem { suspendFlag: '0' | '1', record: ShRecord }

/**
 * The `data` of an export page: `nextCursor` the `cursor` of the next page (opaque; null after the
 * last), `pageNo` only when asked by page number (the old form).
 */
export interface ShExportPage {
  pageNo?: number
  pageSize: number
  total: number
  nextCursor?: string | null
  items: ShExportItem[]
}

/** The platform's answer to every call. */
export interface ShResponse {
  code: string
  message: string
  data?: {
    msgId?: string
    accepted?: number
    /** SHA-256 (hex) of the body the platform received and signed off. */
    bodyDigest?: string
    rejected?: ShRejectedRecord[]
    status?: string
    serverTime?: string
  }
}
