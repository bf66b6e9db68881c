import { scrubIdNumbers } from '../../src/identifiers/mask.js'
import { AdapterError, type ItemRefusal } from '../types.js'

/** The platform's verdict on one row of a batch. */
export interface JsRowResult {
  seq: number
  result: 'ACCEPTED' | 'REJECTED'
  /** Why a row was rejected (always there for REJECTED). */
  reason?: string
  /**
   * The gateway's answers only (a batch published into it): a REJECTED row's code, the gateway's
   * code of its first error, or `NOT_APPLIED` for a row refused only because another one failed.
   */
  code?: string
  /** A remark on an accepted row, e.g. an older version that was not applied. */
  note?: string
}

/** Where a batch stands at the platform: what the upload and the result endpoints answer. */
export type JsBatchStatus =
  | { batchId: string, status: 'RECEIVED' | 'PROCESSING', duplicate?: boolean }
  | { batchId: string, status: 'DONE', rows: JsRowResult[], duplicate?: boolean }

/** An error body in the platform's vocabulary. */
export interface JsErrorBody {
  code: string
  message: string
}

/**
 * Masks identity-number-shaped runs in text the platform wrote (a rejection reason may quote
 * the value it refused): adapter errors end up in the ledger and the logs.
 */
export function scrubPlatformText (text: string, max = 200): string {
  // Masked before it is cut: a cut first would leave the head of a number no longer recognisable.
  return scrubIdNumbers(text).slice(0, max)
}

const invalid = (what: string): AdapterError =>
  new AdapterError(`invalid batch result: ${what}`, { code: 'ADAPTER_INVALID_RECEIPT', retryable: false })

/**
 * Reads an upload acknowledgement or a result, refusing (permanently) anything that is not one
 * for `batchId`: another batch id, an unknown status, or a DONE without well-formed rows.
 */
export function readBatchStatus (text: string, batchId: string): JsBatchStatus {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw invalid('not JSON')
  }
  if (typeof body !== 'object' || body === null) throw invalid('not an object')
  const b = body as Record<string, unknown>
  if (b.batchId !== batchId) throw invalid('batchId does not match the batch sent')
  const duplicate = b.duplicate === true ? { duplicate: true } : {}
  if (b.status === 'RECEIVED' || b.status === 'PROCESSING') return { batchId, status: b.status, ...duplicate }
  if (b.status !== 'DONE') throw invalid(`unknown status ${scrubPlatformText(JSON.stringify(String(b.status)), 40)}`)
  if (!Array.isArray(b.rows)) throw invalid('DONE without rows')
  const rows = (b.rows as unknown[]).map((row): JsRowResult => {
    const r = (typeof row === 'object' && row !== null ? row : {}) as Record<string, unknown>
    if (typeof r.seq !== 'number' || !Number.isInteger(r.seq)) throw invalid('a row without an integer seq')
    if (r.result === 'ACCEPTED') return typeof r.note === 'string' ? { seq: r.seq, result: 'ACCEPTED', note: r.note } : { seq: r.seq, result: 'ACCEPTED' }
    if (r.result !== 'REJECTED') throw invalid(`row ${r.seq}: result is neither ACCEPTED nor REJECTED`)
    if (typeof r.reason !== 'string' || r.reason === '') throw invalid(`row ${r.seq}: REJECTED without a reason`)
    return { seq: r.seq, result: 'REJECTED', reason: r.reason }
  })
  return { batchId, status: 'DONE', rows, ...duplicate }
}

/** The code a rejected row's refusal is kept under: the platform gives a reason, no code of its own. */
export const JS_REJECTED = 'REJECTED'

/**
 * Checks a finished batch against what was sent: exactly one verdict for each of the `sent` rows
 * (a platform answering for rows it was not sent, or not for all, is not to be believed). Returns
 * the rejected rows as refusals of the items sent (rows map one to one from the delivery's items,
 * so 记录序号 n is item n - 1), their reasons masked; a batch every row of which was rejected is a
 * refusal of the message, permanent, naming each row's 记录序号 and reason.
 */
export function checkBatchDone (rows: readonly JsRowResult[], sent: number): ItemRefusal[] {
  if (rows.length !== sent) throw invalid(`${rows.length} row verdicts for ${sent} rows sent`)
  const seen = new Set<number>()
  for (const row of rows) {
    if (row.seq < 1 || row.seq > sent || seen.has(row.seq)) throw invalid(`row verdict for seq ${row.seq} is out of range or repeated`)
    seen.add(row.seq)
  }
  const rejected = rows.filter((row) => row.result === 'REJECTED').sort((a, b) => a.seq - b.seq)
  if (rejected.length === sent) {
    const detail = rejected.slice(0, 10).map((row) => `row ${row.seq}: ${scrubPlatformText(row.reason ?? '')}`).join('; ')
    throw new AdapterError(`platform rejected ${rejected.length} of ${sent} rows: ${detail}`, { code: 'ADAPTER_REFUSED', retryable: false })
  }
  return rejected.map((row) => ({ index: row.seq - 1, code: JS_REJECTED, reason: scrubPlatformText(row.reason ?? '', 300) }))
}

/** A finished batch's result with rejection reasons masked, for the delivery's evidence. */
export function maskedRows (rows: readonly JsRowResult[]): JsRowResult[] {
  return rows.map((row) => row.reason === undefined ? row : { ...row, reason: scrubPlatformText(row.reason, 300) })
}

/** Reads a native error body for a message, whatever the platform sent. */
export function readErrorBody (text: string): JsErrorBody {
  try {
    const b = JSON.parse(text) as Record<string, unknown>
    if (typeof b.code === 'string' && typeof b.message === 'string') return { code: b.code, message: b.message }
  } catch { /* not JSON */ }
  return { code: 'UNKNOWN', message: text }
}
