import { scrubIdNumbers } from '../../src/identifiers/mask.js'
import { AdapterError, type AdapterErrorCode, type ItemRefusal } from '../types.js'
import { statusCode } from '../http-failure.js'
import { RESULT_CODES, RESULT_TEXT, isAccepted, isBusy } from './ah-xml-codes.js'
import { AhXmlSyntaxError, buildXml, parseXml, type AhElement } from './ah-xml-codec.js'

/** Document element of the platform's answers (返回结果). */
export const RECEIPT_ROOT = 'FHJG'

/** One refused record of a partly refused message (错误, CW). */
export interface AhRecordError {
  /** 记录序号, 1-based as the platform counts. */
  XH: string
  DM: string
  XX: string
}

/** 返回结果 (FHJG): the platform's answer to one message. */
export interface AhReceipt {
  /** 返回代码 and 返回信息. */
  DM: string
  XX: string
  /** The message it answers, and the SM3 digest (ZY) it checked, echoed. */
  XXID?: string
  ZY?: string
  /** 处理时间, Beijing time. */
  CLSJ?: string
  /** 错误列表 (CWLB): each refused record, on E201 and E202. */
  CWLB?: AhRecordError[]
}

const ARRAYS = new Set([`${RECEIPT_ROOT}.CWLB.CW`])

/** The receipt's XML, as the platform (and the simulator) writes it. */
export function buildReceipt (r: AhReceipt): string {
  const content: AhElement = { DM: r.DM, XX: r.XX }
  if (r.XXID !== undefined) content.XXID = r.XXID
  if (r.ZY !== undefined) content.ZY = r.ZY
  if (r.CLSJ !== undefined) content.CLSJ = r.CLSJ
  if (r.CWLB !== undefined && r.CWLB.length > 0) {
    content.CWLB = {
      CW: r.CWLB.map((e) => ({ XH: e.XH, DM: e.DM, XX: e.XX }))
    }
  }
  return buildXml(RECEIPT_ROOT, content)
}

/** Reads a receipt; undefined when the text is not one (no FHJG with a DM). */
export function parseReceipt (xml: string): AhReceipt | undefined {
  let el: AhElement
  try {
    el = parseXml(xml, RECEIPT_ROOT, ARRAYS)
  } catch (err) {
    if (err instanceof AhXmlSyntaxError) return undefined
    throw err
  }
  const text = (k: string): string | undefined => { const v = el[k]; return typeof v === 'string' ? v : undefined }
  const dm = text('DM')
  if (dm === undefined || dm === '') return undefined
  const r: AhReceipt = { DM: dm, XX: text('XX') ?? '' }
  for (const k of ['XXID', 'ZY', 'CLSJ'] as const) { const v = text(k); if (v !== undefined) r[k] = v }
  const cwlb = el.CWLB
  const cw = typeof cwlb === 'object' && !Array.isArray(cwlb) ? cwlb.CW : undefined
  if (Array.isArray(cw)) {
    r.CWLB = cw.map((e) => typeof e === 'string'
      ? { XH: '', DM: '', XX: e }
      : { XH: String(e.XH ?? ''), DM: String(e.DM ?? ''), XX: String(e.XX ?? '') })
  }
  return r
}

/** Masks anything shaped like a resident identity number in the platform's own wording. */
export const maskIdNumbers = (s: string): string => scrubIdNumbers(s)

const reason = (r: AhReceipt): string => {
  const base = `${r.DM} ${r.XX !== '' ? r.XX : RESULT_TEXT[r.DM] ?? ''}`.trim()
  const records = (r.CWLB ?? []).slice(0, 10).map((e) => `[${e.XH}] ${e.DM} ${e.XX}`)
  return maskIdNumbers(records.length > 0 ? `${base}: ${records.join('; ')}` : base).slice(0, 500)
}

const AUTH_CODES: ReadonlySet<string> = new Set([
  RESULT_CODES.DIGEST_MISMATCH, RESULT_CODES.DECRYPTION_FAILED, RESULT_CODES.PARTY_UNKNOWN
])

/** The cause of a result code of Anhui's: the gateway's keys or identity, a busy platform, or the message. */
export function ahRefusalCode (dm: string): AdapterErrorCode {
  if (AUTH_CODES.has(dm)) return 'ADAPTER_AUTH'
  if (isBusy(dm)) return 'ADAPTER_UNAVAILABLE'
  return dm === RESULT_CODES.PARTIAL ? 'ADAPTER_PARTIAL' : 'ADAPTER_REFUSED'
}

/**
 * The records a partly refused message (E202) names in CWLB, as refusals of the items sent: records
 * map one to one from the delivery's items, in order, so 记录序号 n is item n - 1. Each must name a
 * record sent, once; a message all of whose records were refused is a refusal of the message.
 */
function refusedRecords (r: AhReceipt, records: number, invalid: (what: string) => AdapterError): ItemRefusal[] {
  const cwlb = r.CWLB ?? []
  if (cwlb.length === 0) throw invalid('E202 without CWLB')
  const seen = new Set<number>()
  const refused = cwlb.map((e): ItemRefusal => {
    const n = /^\d{1,9}$/.test(e.XH) ? Number(e.XH) : 0
    if (n < 1 || n > records || seen.has(n)) throw invalid('CWLB names a record out of range or twice')
    seen.add(n)
    return { index: n - 1, code: maskIdNumbers(e.DM).slice(0, 40), reason: maskIdNumbers(e.XX).slice(0, 300) }
  })
  if (refused.length === records) {
    throw new AdapterError(`AH refused every record of the message (${reason(r)})`, { code: 'ADAPTER_REFUSED', retryable: false })
  }
  return refused
}

/**
 * Judges the platform's answer to one message: the receipt as evidence when it took the message
 * (0000, or 0001 for a message it already had) and echoes the XXID and the ZY that was sent, with
 * the records it refused while applying the others (E202: `refused`, indexes of the `records`
 * sent); otherwise an AdapterError. E5xx, HTTP 5xx, 408 and 429 may pass later (retryable); the
 * platform's other codes are permanent refusals (E202 refusing every record included), and so is
 * any 2xx answer that is not a valid, matching receipt. The platform's reason travels in the
 * message, identity numbers masked, and so do the reasons in the evidence.
 */
export function judgeAnswer (
  status: number, text: string, sent: { XXID: string, ZY: string, records?: number }
): { evidence: Record<string, unknown>, refused: ItemRefusal[] } {
  const r = parseReceipt(text)
  const httpRetryable = status >= 500 || status === 408 || status === 429
  const invalid = (what: string): AdapterError => new AdapterError(`invalid receipt: ${what}`, { code: 'ADAPTER_INVALID_RECEIPT', retryable: false })
  if (r === undefined) {
    if (httpRetryable) throw new AdapterError(`AH answered HTTP ${status}`, { code: 'ADAPTER_UNAVAILABLE', retryable: true })
    if (status >= 200 && status < 300) throw invalid('not an FHJG receipt with a DM')
    throw new AdapterError(`AH refused the message (HTTP ${status})`, { code: statusCode(status), retryable: false })
  }
  if (isBusy(r.DM) || httpRetryable) {
    throw new AdapterError(`AH is busy (HTTP ${status}, ${reason(r)})`, { code: 'ADAPTER_UNAVAILABLE', retryable: true })
  }
  const partial = r.DM === RESULT_CODES.PARTIAL && sent.records !== undefined && status >= 200 && status < 300
  if (!isAccepted(r.DM) && !partial) {
    const what = r.DM === RESULT_CODES.PARTIAL ? 'refused part of the message' : 'refused the message'
    // HTTP 401 or 403 is a refusal of the gateway's keys whatever the DM says.
    const code = status === 401 || status === 403 ? 'ADAPTER_AUTH' : ahRefusalCode(r.DM)
    throw new AdapterError(`AH ${what} (HTTP ${status}, ${reason(r)})`, { code, retryable: false })
  }
  if (status < 200 || status >= 300) throw invalid(`${r.DM} with HTTP ${status}`)
  if (r.XXID !== sent.XXID) throw invalid('XXID does not match the message sent')
  if (r.ZY?.toLowerCase() !== sent.ZY) throw invalid('ZY does not echo the digest sent')
  const refused = partial ? refusedRecords(r, sent.records ?? 0, invalid) : []
  const masked = r.CWLB === undefined
    ? {}
    : { CWLB: r.CWLB.map((e) => ({ XH: e.XH, DM: maskIdNumbers(e.DM), XX: maskIdNumbers(e.XX) })) }
  return {
    evidence: { platformFormat: 'ah-xml', ...r, ...masked, duplicate: r.DM === RESULT_CODES.DUPLICATE, httpStatus: status },
    refused
  }
}
