import { randomUUID } from 'node:crypto'
import type { Pool } from 'undici'
import { AdapterError, type ExportedEntry, type ExportPage, type ListScope, type ReconcileExchange } from '../types.js'
import { retryableStatus, statusCode } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { JS_HEADER, JS_MAX_ROWS, type JsRow } from './js-batch-columns.js'
import { batchSm3, decodeBatchFile, encodeBatchFile, JsBatchFileError } from './js-batch-file.js'
import { gb18030 } from './gb18030-text.js'
import { fromNative } from './js-batch-mapping.js'
import { readErrorBody, scrubPlatformText } from './js-batch-result.js'

/** The export of one list, for reconciliation (README, "Export"). */
export const JS_EXPORT_PATH = '/jsxy/list/export'

/** Headers of the export's answer besides `X-JS-Content-SM3`. */
export const JS_EXPORT_HEADERS = {
  exportId: 'x-js-export-id',
  next: 'x-js-next-cursor',
  total: 'x-js-total',
  suspended: 'x-js-suspended'
} as const

/**
 * An export file: the batch file layout (same header, GB18030, 批次号 = the export id, 记录序号
 * from 1, 数据来源省份 = the list's owner), 数据类型 01 rows as the platform holds them; a page
 * without rows is the header row alone.
 */
export function encodeExportFile (exportId: string, owner: string, rows: readonly JsRow[]): Buffer {
  return rows.length === 0 ? gb18030(`${JS_HEADER.join(',')}\r\n`) : encodeBatchFile(exportId, owner, rows)
}

const invalid = (message: string): AdapterError => new AdapterError(message, { code: 'ADAPTER_INVALID_ANSWER', retryable: false })

function decodeExportFile (bytes: Buffer, exportId: string): JsRow[] {
  if (bytes.equals(encodeExportFile(exportId, 'X', []))) return []
  const file = decodeBatchFile(bytes)
  if (file.batchId !== exportId) throw new JsBatchFileError('FILE_INVALID', '导出文件批次号与X-JS-Export-Id不一致')
  return file.rows
}

/**
 * Pulls one page of Jiangsu's export: `GET /jsxy/list/export?owner=…&listCode=…&cursor=…&limit=…`
 * with the platform token, answered with an export file whose SM3 is checked against
 * `X-JS-Content-SM3`; `X-JS-Suspended` lists the 记录序号 of suspended entries, `X-JS-Next-Cursor`
 * the next page's cursor. Each row is mapped back with the delivery mapping.
 */
export function jsExportClient (pool: Pool, prefix: string, token: string, timeoutMs: number) {
  return async (scope: ListScope, after: string, limit: number): Promise<ReconcileExchange<ExportPage>> => {
    const exportId = `EXPORT-${randomUUID()}`
    const query = new URLSearchParams(
      { owner: scope.owner, listCode: scope.listCode, cursor: after, limit: String(Math.min(limit, JS_MAX_ROWS)) }
    )
    const path = `${prefix}${JS_EXPORT_PATH}?${query.toString()}`
    const { status, headers, bytes: body } = await platformRequest(pool, {
      method: 'GET',
      path,
      headers: { 'x-js-token': token, [JS_EXPORT_HEADERS.exportId]: exportId },
      timeoutMs: Math.max(timeoutMs, 60_000)
    }, 'JS')
    if (status !== 200) {
      const e = readErrorBody(body.toString('utf8'))
      throw new AdapterError(`export refused: platform answered ${status} ${e.code}: ${scrubPlatformText(e.message)}`,
        { code: statusCode(status), retryable: retryableStatus(status) })
    }
    const header = (name: string): string => { const v = headers[name]; return typeof v === 'string' ? v : '' }
    if (header('x-js-content-sm3') !== batchSm3(body)) throw invalid('export file: X-JS-Content-SM3 does not match the file')
    let rows: JsRow[]
    try {
      rows = decodeExportFile(body, exportId)
    } catch (err) {
      if (err instanceof JsBatchFileError) throw invalid(`export file unreadable: ${err.code} ${err.message}`)
      throw err
    }
    const suspended = new Set(header(JS_EXPORT_HEADERS.suspended).split(',').filter((s) => s !== ''))
    const entries: ExportedEntry[] = rows.map((row, i) => {
      const parsed = fromNative(row)
      if (parsed.kind !== 'list.upsert') throw invalid(`export file: row ${i + 1} is not a 名单 row (数据类型 01)`)
      const { item } = parsed
      return {
        owner: item.owner, entryId: item.entryId, version: item.version, suspended: suspended.has(String(i + 1)), item
      }
    })
    const next = header(JS_EXPORT_HEADERS.next)
    return {
      answer: { entries, next: next === '' ? null : next },
      bytesSent: Buffer.byteLength(path) + 200,
      bytesReceived: body.length
    }
  }
}
