import { scrubIdNumbers } from '../../src/identifiers/mask.js'
import { AdapterError, type AdapterErrorCode, type ItemRefusal } from '../types.js'
import { statusCode } from '../http-failure.js'
import { SH_CODES, SH_RETRYABLE_CODES, type ShResponse } from './sh-rest-protocol.js'

const AUTH_CODES: ReadonlySet<string> = new Set([
  SH_CODES.appKeyUnknown, SH_CODES.signatureInvalid, SH_CODES.timestampStale, SH_CODES.nonceReused
])

/** The cause of a refusal code of Shanghai's: the gateway's credentials, a busy platform, or the message. */
export function shRefusalCode (code: unknown): AdapterErrorCode {
  if (typeof code === 'string' && AUTH_CODES.has(code)) return 'ADAPTER_AUTH'
  if (code === SH_CODES.busy) return 'ADAPTER_UNAVAILABLE'
  if (code === SH_CODES.partialReject) return 'ADAPTER_PARTIAL'
  return 'ADAPTER_REFUSED'
}

/**
 * The platform's own wording, made safe for a delivery's "last error": identity-number-shaped runs
 * masked (the platform may quote a record back), control characters dropped, length capped.
 */
export function platformReason (text: string): string {
  return scrubIdNumbers(text)
    .replace(/\p{Cc}+/gu, ' ')
    .slice(0, 300)
}

function parse (text: string): ShResponse | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if (typeof v.code !== 'string' || typeof v.message !== 'string') return undefined
  if (v.data !== undefined && (typeof v.data !== 'object' || v.data === null || Array.isArray(v.data))) return undefined
  return value as ShResponse
}

/** What the adapter expects the platform to acknowledge. */
export interface ShExpectation {
  platform: string
  msgId: string
  records: number
  bodyDigest: string
}

/**
 * The refused records of a partly accepted message (2002, or 3001 repeating one), checked against
 * what was sent: each index names a record sent, once (records map one to one from the delivery's
 * items, so a record's index is its item's), and `accepted` counts the others. A message all of
 * whose records were refused is a refusal of the message, permanent.
 */
function refusedRecords (answer: ShResponse, x: ShExpectation, native: string): ItemRefusal[] {
  const data = answer.data ?? {}
  const invalid = (what: string): AdapterError =>
    new AdapterError(`invalid acknowledgement from ${x.platform}: ${what}`, { code: 'ADAPTER_INVALID_RECEIPT', retryable: false })
  if (data.msgId !== x.msgId) throw invalid('msgId does not match')
  const rejected = data.rejected ?? []
  const seen = new Set<number>()
  for (const r of rejected) {
    const i = (r as { index?: unknown }).index
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= x.records || seen.has(i)) throw invalid('a rejected record index out of range or repeated')
    seen.add(i)
  }
  if (data.accepted !== x.records - rejected.length) throw invalid(`accepted ${String(data.accepted)} with ${rejected.length} of ${x.records} records rejected`)
  const refused = rejected.map((r) => (
    { index: r.index, code: platformReason(String(r.code)).slice(0, 40), reason: platformReason(String(r.reason)) }
  ))
  if (refused.length === x.records) {
    const which = refused.slice(0, 10).map((r) => `records[${r.index}] ${r.code} ${r.reason}`)
    throw new AdapterError(`platform ${x.platform} refused every record:${native}; ${which.join('; ')}`, { code: 'ADAPTER_REFUSED', retryable: false })
  }
  return refused
}

/** Shanghai's answer, with its refused records' reasons masked, for the delivery's evidence. */
export function shEvidence (answer: ShResponse): Record<string, unknown> {
  const rejected = answer.data?.rejected
  if (rejected === undefined) return { ...answer }
  const masked = rejected.map((r) => (
    { ...r, code: platformReason(String(r.code)), reason: platformReason(String(r.reason)) }
  ))
  return { ...answer, data: { ...answer.data, rejected: masked } }
}

/**
 * Classifies Shanghai's answer to `POST /api/credit/v2/records`. Resolves with the answer when the
 * platform took the message (0000 with a matching msgId, count and body digest; or 3001, a message
 * it already holds), and the records it refused while storing the others (2002, or 3001 repeating
 * a 2002: `refused`, indexes of the records sent). Throws an AdapterError otherwise: retryable for
 * 5xx, 408, 429 and the codes a later attempt may pass (1002, 1003, 9999); permanent for every
 * other refusal (every record refused included), and for an acknowledgement that does not
 * acknowledge what was sent.
 */
export function readShAnswer (
  status: number, text: string, x: ShExpectation
): { answer: ShResponse, refused: ItemRefusal[] } {
  const answer = parse(text)
  const native = answer === undefined ? '' : ` ${answer.code} ${platformReason(answer.message)}`
  if (status >= 500 || status === 408 || status === 429) {
    throw new AdapterError(`platform ${x.platform} answered HTTP ${status}${native}`, { code: 'ADAPTER_UNAVAILABLE', retryable: true })
  }
  if (status < 200 || status >= 300) {
    const detail = answer === undefined ? platformReason(text).slice(0, 200) : native.trim()
    const code = answer !== undefined && shRefusalCode(answer.code) === 'ADAPTER_AUTH' ? 'ADAPTER_AUTH' : statusCode(status)
    throw new AdapterError(`platform ${x.platform} refused the request (HTTP ${status}): ${detail}`, { code, retryable: false })
  }
  const invalid = (what: string): AdapterError =>
    new AdapterError(`invalid acknowledgement from ${x.platform}: ${what}`, { code: 'ADAPTER_INVALID_RECEIPT', retryable: false })
  if (answer === undefined) throw invalid('not a JSON {code, message}')
  const data = answer.data ?? {}
  if (answer.code === SH_CODES.ok) {
    if (data.msgId !== x.msgId) throw invalid('msgId does not match')
    if (data.accepted !== x.records) throw invalid(`accepted ${String(data.accepted)} of ${x.records} records`)
    if (data.bodyDigest !== x.bodyDigest) throw invalid('bodyDigest does not match what was sent')
    return { answer, refused: [] }
  }
  const rejected = Array.isArray(data.rejected) ? data.rejected : []
  // 3001 repeats the first outcome: a message once partly refused stays refused.
  if (answer.code === SH_CODES.partialReject || (answer.code === SH_CODES.duplicate && rejected.length > 0)) {
    return { answer, refused: refusedRecords({ ...answer, data: { ...data, rejected } }, x, native) }
  }
  if (answer.code === SH_CODES.duplicate) {
    if (data.msgId !== x.msgId) throw invalid('duplicate of another msgId')
    return { answer, refused: [] }
  }
  if (SH_RETRYABLE_CODES.has(answer.code)) {
    throw new AdapterError(`platform ${x.platform} refused the request for now:${native}`, { code: shRefusalCode(answer.code), retryable: true })
  }
  throw new AdapterError(`platform ${x.platform} refused the message:${native}`, { code: shRefusalCode(answer.code), retryable: false })
}
