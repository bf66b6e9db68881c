import { randomBytes } from 'node:crypto'
import type { EnvelopeKindV1 } from '../contracts/envelope-v1.js'
import { batchSm3, encodeBatchFile } from '../adapters/js-batch/js-batch-file.js'
import { toNative } from '../adapters/js-batch/js-batch-mapping.js'
import type { JsRowResult } from '../adapters/js-batch/js-batch-result.js'

/** What Jiangsu uploads: its token, and either items or the exact bytes of an earlier batch. */
export interface JsPublication {
  platform?: string
  token: string
  kind: EnvelopeKindV1
  items: unknown[]
  batchId?: string
  body?: Buffer
}

/** The gateway's answer: `{ batchId, status, rows, receipt?, duplicate? }` or `{ code, message }`. */
export interface JsPublishAnswer {
  batchId?: string,
  status?: string,
  rows?: JsRowResult[],
  receipt?: string,
  duplicate?: boolean,
  code?: string,
  message?: string
}

export interface JsPublishResult { status: number, answer: JsPublishAnswer, batchId: string, body: Buffer }

/**
 * Uploads a batch into the gateway the way Jiangsu's platform uploads to any peer: its GB18030 CSV
 * file (批次号 = batch id, 数据来源省份 = itself), the token, the batch id and the SM3 of the bytes.
 */
export async function publishJsNative (gatewayUrl: string, p: JsPublication): Promise<JsPublishResult> {
  const platform = p.platform ?? 'JS'
  const batchId = p.batchId ?? `${platform}-${Date.now()}-${randomBytes(4).toString('hex')}`
  const body = p.body ?? encodeBatchFile(batchId, platform, p.items.map((item) => toNative(p.kind, item)))
  const res = await fetch(`${gatewayUrl}/v1/native/${platform}/jsxy/batch/upload`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv; charset=GB18030', 'x-js-token': p.token, 'x-js-batch-id': batchId, 'x-js-content-sm3': batchSm3(body) },
    body
  })
  return { status: res.status, answer: await res.json() as JsPublishAnswer, batchId, body }
}

/** Asks the gateway where an uploaded batch stands. */
export async function jsBatchResult (gatewayUrl: string, token: string, batchId: string, platform = 'JS'): Promise<{ status: number, answer: JsPublishAnswer }> {
  const res = await fetch(`${gatewayUrl}/v1/native/${platform}/jsxy/batch/${encodeURIComponent(batchId)}/result`, { headers: { 'x-js-token': token } })
  return { status: res.status, answer: await res.json() as JsPublishAnswer }
}
