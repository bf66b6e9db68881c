import type { Pool } from 'undici'
import { AdapterError, type ExportedEntry, type ExportPage, type ListScope, type ReconcileExchange } from '../types.js'
import { statusCode } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { fromNative } from './sh-rest-mapping.js'
import { shRefusalCode } from './sh-rest-answer.js'
import { SH_CODES, SH_EXPORT_PATH, type ShExportPage, type ShResponse } from './sh-rest-protocol.js'
import { shAuthHeaders } from './sh-rest-signature.js'

/**
 * Pulls one page of Shanghai's export (`GET /api/credit/v2/records/export`) and maps each record
 * back to the contract's item, for reconciliation. The cursor is the platform's `nextCursor`,
 * passed back as it came (opaque; README, "Export"); a page without one is refused rather than
 * paged by number, which would skip or repeat entries while the list changes.
 */
export function shExportClient (
  pool: Pool, base: string, creds: { appKey: string, appSecret: string }, timeoutMs: number
) {
  return async (scope: ListScope, after: string, limit: number): Promise<ReconcileExchange<ExportPage>> => {
    const query = new URLSearchParams(
      {
        ownerProvince: scope.owner,
        listTypeCode: scope.listCode,
        cursor: after,
        pageSize: String(Math.min(limit, 10_000))
      }
    )
    const path = `${base}${SH_EXPORT_PATH}?${query.toString()}`
    const auth = shAuthHeaders({ ...creds, method: 'GET', path, body: '' })
    const { status, text } = await platformRequest(pool, { method: 'GET', path, headers: auth, timeoutMs: Math.max(timeoutMs, 60_000) })
    let answer: ShResponse & { data?: ShExportPage }
    try {
      answer = JSON.parse(text) as ShResponse & { data?: ShExportPage }
    } catch {
      throw new AdapterError(`export answered HTTP ${status}, not JSON`,
        { code: status === 200 ? 'ADAPTER_INVALID_ANSWER' : statusCode(status), retryable: status >= 500 })
    }
    if (status !== 200 || answer.code !== SH_CODES.ok || answer.data === undefined ||
      !Array.isArray(answer.data.items)) {
      const code = status !== 200 ? statusCode(status) : answer.code === SH_CODES.ok ? 'ADAPTER_INVALID_ANSWER' : shRefusalCode(answer.code)
      throw new AdapterError(`export refused: HTTP ${status}, code ${String(answer.code)}`, { code, retryable: status >= 500 })
    }
    const entries: ExportedEntry[] = answer.data.items.map(({ suspendFlag, record }, i) => {
      const { item } = fromNative(record, `items[${i}].record`) as { item: { entryId: string, owner: string, version: number } }
      return { owner: item.owner, entryId: item.entryId, version: item.version, suspended: suspendFlag === '1', item }
    })
    const { nextCursor } = answer.data
    if (nextCursor !== null && (typeof nextCursor !== 'string' || nextCursor === '')) {
      throw new AdapterError('export page has no nextCursor: the platform does not page by cursor (README, "Export")',
        { code: 'ADAPTER_INVALID_ANSWER', retryable: false })
    }
    return {
      answer: { entries, next: nextCursor },
      bytesSent: Buffer.byteLength(path) + 200,
      bytesReceived: Buffer.byteLength(text)
    }
  }
}
