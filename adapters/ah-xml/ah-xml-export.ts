import { randomUUID } from 'node:crypto'
import type { Pool } from 'undici'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { AdapterError, type ExportedEntry, type ExportPage, type ListScope, type ReconcileExchange } from '../types.js'
import { statusCode } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { EXPORT_CODES, RESULT_CODES } from './ah-xml-codes.js'
import { AhXmlSyntaxError, buildXml, parseXml, type AhElement } from './ah-xml-codec.js'
import { AhRefusal, beijingTime, openPayload, readMessage, sealMessage } from './ah-xml-envelope.js'
import { repeatablePaths } from './ah-xml-fields.js'
import type { AhKeys } from './ah-xml-keys.js'
import { fromNative } from './ah-xml-mapping.js'
import { ahRefusalCode, maskIdNumbers, parseReceipt } from './ah-xml-receipt.js'

/** Where the platform answers export queries, next to where it receives messages. */
export const EXPORT_PATH = '/ahxy/gateway/export'

/** Document elements of the export's plaintext: the query (导出查询) and one page (导出结果). */
export const QUERY_ROOT = 'DCCX'
export const PAGE_ROOT = 'DCJG'

/**
 * 导出查询: one page of one owner's list. YB (游标) is empty for the first page, then the XYB of the
 * previous page, as the platform gave it: opaque to the gateway, key-based at the platform (README, "Export").
 */
export interface AhExportQuery { XXID: string, SJLY: string, MDDM: string, YB: string, MYTS: string }

/** One entry of a page (条目, TM): 暂停标志 ZTBZ `1` while an objection is open, and the 名单发布 record as held. */
export interface AhExportItem { ZTBZ: '0' | '1', JL: AhElement }

/** 导出结果: ZS entries in all, XYB the cursor of the next page (empty after the last). */
export interface AhExportPage { XXID: string, ZS: string, XYB: string, items: AhExportItem[] }

const invalid = (message: string, cause?: unknown): AdapterError =>
  new AdapterError(message, { code: 'ADAPTER_INVALID_ANSWER', retryable: false, cause })

const QUERY_KEYS = ['XXID', 'SJLY', 'MDDM', 'YB', 'MYTS'] as const
const PAGE_ARRAYS = new Set([`${PAGE_ROOT}.TM`, ...repeatablePaths(`${PAGE_ROOT}.TM.JL`)])

export const buildExportQuery = (q: AhExportQuery): string => buildXml(QUERY_ROOT, { ...q })

/** Reads a decrypted query (E100 when it is not one). */
export function parseExportQuery (xml: string): AhExportQuery {
  let el: AhElement
  try { el = parseXml(xml, QUERY_ROOT, new Set()) } catch (err) {
    if (err instanceof AhXmlSyntaxError) throw new AhRefusal(RESULT_CODES.MALFORMED, err.message)
    throw err
  }
  const out: Record<string, string> = {}
  for (const k of QUERY_KEYS) {
    const v = el[k] ?? ''
    if (typeof v !== 'string') throw new AhRefusal(RESULT_CODES.MALFORMED, `${QUERY_ROOT}.${k} must be text`)
    out[k] = v
  }
  const q = out as unknown as AhExportQuery
  if (q.SJLY === '' || q.MDDM === '') throw new AhRefusal(RESULT_CODES.FIELD_INVALID, `${QUERY_ROOT}.SJLY and MDDM are required`)
  if (!/^[\x21-\x7e]{0,1024}$/.test(q.YB) || !/^\d{1,5}$/.test(q.MYTS) || Number(q.MYTS) < 1 || Number(q.MYTS) > 10_000) {
    throw new AhRefusal(RESULT_CODES.FIELD_INVALID, `${QUERY_ROOT}.YB must be a cursor (printable ASCII, at most 1024), MYTS 1 to 10000`)
  }
  return q
}

export const buildExportPage = (p: AhExportPage): string =>
  buildXml(
    PAGE_ROOT,
    {
      XXID: p.XXID,
      ZS: p.ZS,
      XYB: p.XYB,
      JLS: String(p.items.length),
      TM: p.items.map((i) => ({ ZTBZ: i.ZTBZ, JL: i.JL }))
    }
  )

function parseExportPage (xml: string): AhExportPage {
  const el = parseXml(xml, PAGE_ROOT, PAGE_ARRAYS)
  const text = (k: string): string => { const v = el[k]; return typeof v === 'string' ? v : '' }
  const tm = el.TM
  const items = (Array.isArray(tm) ? tm : []).map((t): AhExportItem => {
    const e = typeof t === 'string' ? {} : t
    const jl = e.JL
    return { ZTBZ: e.ZTBZ === '1' ? '1' : '0', JL: typeof jl === 'object' && !Array.isArray(jl) ? jl : {} }
  })
  if (text('JLS') !== String(items.length)) throw invalid(`export page: ${PAGE_ROOT}.JLS does not match its TM entries`)
  return { XXID: text('XXID'), ZS: text('ZS'), XYB: text('XYB'), items }
}

/**
 * Pulls one page of Anhui's export for reconciliation (README, "Export"): the query is a message
 * of type MDDC sealed as every delivery is (the gateway's outbound keys); the platform answers an
 * MDDCJG message sealed the same way with the inbound keys (authenticated before it is
 * decrypted), or an FHJG receipt with its code when it refuses. Each 名单发布 record is mapped
 * back with the delivery mapping.
 */
export function ahExportClient (pool: Pool, path: string, keys: AhKeys, destination: string, timeoutMs: number) {
  return async (scope: ListScope, after: string, limit: number): Promise<ReconcileExchange<ExportPage>> => {
    const XXID = randomUUID()
    const query = buildExportQuery({
      XXID, SJLY: scope.owner, MDDM: scope.listCode, YB: after, MYTS: String(Math.min(limit, 10_000))
    })
    const { body } = sealMessage({
      header: { XXID, XXLX: EXPORT_CODES.query, FSF: GATEWAY_ID, JSF: destination, SJ: beijingTime() },
      payloadXml: query,
      key: keys.out.enc,
      macKey: keys.out.mac
    })
    const { status, text } = await platformRequest(pool, {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/xml; charset=utf-8', accept: 'application/xml' },
      body,
      timeoutMs: Math.max(timeoutMs, 60_000)
    }, 'AH')
    const receipt = parseReceipt(text)
    if (receipt !== undefined || status !== 200) {
      const why = receipt === undefined ? '' : `, ${receipt.DM} ${maskIdNumbers(receipt.XX)}`
      const code = receipt === undefined ? statusCode(status) : ahRefusalCode(receipt.DM)
      throw new AdapterError(`AH refused the export (HTTP ${status}${why})`, { code, retryable: status >= 500 || /^E5\d\d$/.test(receipt?.DM ?? '') })
    }
    let page: AhExportPage
    try {
      const msg = readMessage(text)
      if (msg.header.XXLX !== EXPORT_CODES.answer || msg.header.XXID !== XXID) throw invalid('export answer: BT.XXLX or BT.XXID does not answer the query')
      page = parseExportPage(openPayload(msg, keys.in))
    } catch (err) {
      if (err instanceof AhRefusal || err instanceof AhXmlSyntaxError) throw invalid(`export answer unreadable: ${err.message}`, err)
      throw err
    }
    if (page.XXID !== XXID) throw invalid('export answer: DCJG.XXID does not answer the query')
    const entries: ExportedEntry[] = page.items.map(({ ZTBZ, JL }, i) => {
      const item = fromNative('list.upsert', JL, i + 1)
      return { owner: item.owner, entryId: item.entryId, version: item.version, suspended: ZTBZ === '1', item }
    })
    return {
      answer: { entries, next: page.XYB === '' ? null : page.XYB },
      bytesSent: Buffer.byteLength(body) + 200,
      bytesReceived: Buffer.byteLength(text)
    }
  }
}
