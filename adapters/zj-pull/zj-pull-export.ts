import { randomUUID } from 'node:crypto'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { Type, type Static } from '@sinclair/typebox'
import type { Pool } from 'undici'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { AdapterError, type ExportPage, type GatewaySign, type ListScope, type ReconcileExchange } from '../types.js'
import { retryableStatus, statusCode } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'

/** Where Zhejiang serves its export, on the origin of the platform's `endpoint`. */
export const ZJ_EXPORT_PATH = '/zjxy/export'
/** `typ` of the gateway's token on an export request. */
export const ZJ_EXPORT_TYP = 'zj-export+jwt'
const LIFETIME_SECONDS = 120

/** One page of Zhejiang's export: what it holds of each live entry, in the contract's shape (as it pulled it). */
export const ZjExportPageSchema = Type.Object({
  items: Type.Array(Type.Object({
    entryId: Type.String({ minLength: 1 }),
    owner: Type.String({ minLength: 1 }),
    version: Type.Integer({ minimum: 1 }),
    suspended: Type.Boolean(),
    item: ListUpsertItemV1
  })),
  total: Type.Integer({ minimum: 0 }),
  next: Type.Union([Type.String({ minLength: 1 }), Type.Null()])
})
export type ZjExportPage = Static<typeof ZjExportPageSchema>
const PAGE = TypeCompiler.Compile(ZjExportPageSchema)
const invalid = (message: string): AdapterError => new AdapterError(message, { code: 'ADAPTER_INVALID_ANSWER', retryable: false })

/**
 * Pulls one page of Zhejiang's export for reconciliation (README, "Export"): a GET on the
 * platform, `Authorization: Bearer` a token the gateway signs (`typ` `zj-export+jwt`, `aud` the
 * platform, bound to the owner, list and cursor asked), so the platform shows its holdings only
 * to the gateway. ZJ pulls contract items and keeps them as such: the entries come back in that
 * shape, checked against the contract's schema.
 */
export function zjExportClient (pool: Pool, platform: string, sign: GatewaySign, timeoutMs: number) {
  return async (scope: ListScope, after: string, limit: number): Promise<ReconcileExchange<ExportPage>> => {
    const iat = Math.floor(Date.now() / 1000)
    const query = { owner: scope.owner, listCode: scope.listCode, after, limit: Math.min(limit, 10_000) }
    const token = await sign(
      { iss: GATEWAY_ID, aud: platform, jti: randomUUID(), iat, exp: iat + LIFETIME_SECONDS, ...query }, ZJ_EXPORT_TYP
    )
    const path = `${ZJ_EXPORT_PATH}?${new URLSearchParams({ ...query, limit: String(query.limit) }).toString()}`
    const { status, text } = await platformRequest(pool, {
      method: 'GET',
      path,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      timeoutMs: Math.max(timeoutMs, 60_000)
    }, platform)
    if (status !== 200) {
      throw new AdapterError(`${platform} refused the export: HTTP ${status} ${scrubIdNumbers(text).slice(0, 200)}`,
        { code: statusCode(status), retryable: retryableStatus(status) })
    }
    let body: unknown
    try { body = JSON.parse(text) } catch { throw invalid('export page is not JSON') }
    if (!PAGE.Check(body)) throw invalid('export page does not match the ZJ export schema')
    const entries = body.items.map((e) => {
      if (e.item.entryId !== e.entryId || e.item.owner !== e.owner || e.item.version !== e.version) {
        throw invalid(`export page: entry ${e.entryId} disagrees with its item`)
      }
      return { owner: e.owner, entryId: e.entryId, version: e.version, suspended: e.suspended, item: e.item }
    })
    return {
      answer: { entries, next: body.next },
      bytesSent: Buffer.byteLength(path) + Buffer.byteLength(token) + 200,
      bytesReceived: Buffer.byteLength(text)
    }
  }
}
