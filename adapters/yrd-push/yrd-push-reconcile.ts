import { createHash, randomUUID } from 'node:crypto'
import type { Pool } from 'undici'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { RECONCILE_TYP, ReconcileAnswerV1, ReconcileExportPageV1, type ReconcileExportPageV1 as ExportPageWire } from '../../contracts/reconcile-v1.js'
import {
  decodeAnswerV2, encodeRequestV2, RECONCILE_V2_MEDIA, RECONCILE_V2_SIGNATURE_HEADER, RECONCILE_V2_TYP, WireError,
  type RecordV2, type AnswerV2
} from '../../contracts/reconcile-v2.js'
import { AdapterError, type GatewaySign, type ListScope, type ReconcileExchange } from '../types.js'
import { statusCode } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'
import { RangeV2Unsupported } from '../../src/reconcile/range-v2.js'

const LIFETIME_SECONDS = 120
const ANSWER = TypeCompiler.Compile(ReconcileAnswerV1)
const EXPORT_PAGE = TypeCompiler.Compile(ReconcileExportPageV1)
const invalid = (message: string): AdapterError => new AdapterError(message, { code: 'ADAPTER_INVALID_ANSWER', retryable: false })

/**
 * The reconciliation endpoint of the reference protocol: the sibling `reconcile` of the delivery
 * endpoint (…/yrd/v1/deliveries → …/yrd/v1/reconcile). Each request is a compact JWS signed by
 * the gateway (`typ` `yrd-reconcile+jwt`, `aud` the platform), so a platform shows what it holds
 * only to the gateway; the answer is JSON.
 */
export function yrdReconcileClient (
  pool: Pool, endpoint: URL, platform: string, sign: GatewaySign, timeoutMs: number
): {
    reconcile: (
      scope: ListScope, ranges: Array<[string, string]>, maxElements: number
    ) => Promise<ReconcileExchange<ReconcileAnswerV1>>
    reconcileV2: (scope: ListScope, records: RecordV2[]) => Promise<ReconcileExchange<AnswerV2>>
    exportList: (scope: ListScope, after: string, limit: number) => Promise<ReconcileExchange<ExportPageWire>>
  } {
  const url = new URL('reconcile', endpoint)

  async function exchange (claims: Record<string, unknown>): Promise<{
    body: unknown, bytesSent: number, bytesReceived: number
  }> {
    const iat = Math.floor(Date.now() / 1000)
    const jws = await sign({
      iss: GATEWAY_ID, aud: platform, jti: randomUUID(), iat, exp: iat + LIFETIME_SECONDS, ...claims
    }, RECONCILE_TYP)
    const { status, text } = await platformRequest(pool, {
      method: 'POST',
      path: url.pathname + url.search,
      headers: { 'content-type': 'application/jose' },
      body: jws,
      timeoutMs: Math.max(timeoutMs, 60_000)
    })
    if (status < 200 || status >= 300) {
      throw new AdapterError(`platform answered ${status} to reconciliation: ${scrubIdNumbers(text).slice(0, 200)}`,
        { code: statusCode(status), retryable: status >= 500 })
    }
    let body: unknown
    try { body = JSON.parse(text) } catch { throw invalid('reconciliation answer is not JSON') }
    return { body, bytesSent: Buffer.byteLength(jws), bytesReceived: Buffer.byteLength(text) }
  }

  /**
   * Version 2: the body is binary; the gateway's JWS (`typ` yrd-reconcile-v2+jwt) travels in a
   * header and names the body's SHA-256, so the platform still sees who asks and that the body is
   * theirs. Bytes counted: body and signature both ways.
   */
  async function exchangeV2 (scope: ListScope, body: Buffer): Promise<ReconcileExchange<AnswerV2>> {
    const iat = Math.floor(Date.now() / 1000)
    const jws = await sign({
      iss: GATEWAY_ID,
      aud: platform,
      jti: randomUUID(),
      iat,
      exp: iat + LIFETIME_SECONDS,
      kind: 'reconcile.query',
      owner: scope.owner,
      listCode: scope.listCode,
      digest: createHash('sha256').update(body).digest('base64url')
    }, RECONCILE_V2_TYP)
    const { status, bytes, text } = await platformRequest(pool, {
      method: 'POST',
      path: url.pathname + url.search,
      headers: { 'content-type': RECONCILE_V2_MEDIA, [RECONCILE_V2_SIGNATURE_HEADER]: jws },
      body,
      timeoutMs: Math.max(timeoutMs, 60_000)
    })
    if (status === 404 || status === 415) throw new RangeV2Unsupported(`platform answered ${status} to a version 2 request`)
    if (status < 200 || status >= 300) {
      throw new AdapterError(`platform answered ${status} to reconciliation: ${scrubIdNumbers(text).slice(0, 200)}`,
        { code: statusCode(status), retryable: status >= 500 })
    }
    try {
      const answer = decodeAnswerV2(bytes)
      return { answer, bytesSent: body.length + Buffer.byteLength(jws), bytesReceived: bytes.length }
    } catch (err) {
      if (err instanceof WireError) throw invalid(`reconciliation answer is not version 2: ${err.message}`)
      throw err
    }
  }

  return {
    async reconcileV2 (scope, records) {
      return await exchangeV2(scope, encodeRequestV2(records))
    },
    async reconcile (scope, ranges, maxElements) {
      const { body, bytesSent, bytesReceived } = await exchange({ kind: 'reconcile.query', owner: scope.owner, listCode: scope.listCode, maxElements, ranges })
      if (!ANSWER.Check(body)) throw invalid('reconciliation answer does not match ReconcileAnswerV1')
      return { answer: body, bytesSent, bytesReceived }
    },
    async exportList (scope, after, limit) {
      const { body, bytesSent, bytesReceived } = await exchange({ kind: 'reconcile.export', owner: scope.owner, listCode: scope.listCode, after, limit })
      if (!EXPORT_PAGE.Check(body)) throw invalid('export page does not match ReconcileExportPageV1')
      return { answer: body, bytesSent, bytesReceived }
    }
  }
}
