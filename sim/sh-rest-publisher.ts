import { randomBytes } from 'node:crypto'
import type { NativeKind } from '../adapters/native-kinds.js'
import { toNative } from '../adapters/sh-rest/sh-rest-mapping.js'
import { SH_MSG_TYPES, SH_RECORDS_PATH, type ShRequestBody, type ShResponse } from '../adapters/sh-rest/sh-rest-protocol.js'
import { shAuthHeaders } from '../adapters/sh-rest/sh-rest-signature.js'

/** What Shanghai sends to publish: its app credentials, and either items or exact bytes to resend. */
export interface ShPublication {
  platform?: string
  appKey: string
  appSecret: string
  kind: NativeKind
  items: unknown[]
  msgId?: string
  /** Resend exactly these bytes (a retry of an earlier publication) instead of building a body. */
  body?: Buffer
  /** Override the request's timestamp (ms) or nonce, to show the gateway refusing them. */
  timestamp?: number
  nonce?: string
}

export interface ShPublishResult {
  status: number, answer: ShResponse & { data?: Record<string, unknown> }, msgId: string, body: Buffer
}

/** Shanghai's request body for its own records, as the platform builds it. */
export function shPublicationBody (platform: string, msgId: string, kind: NativeKind, items: unknown[]): Buffer {
  const message: ShRequestBody = {
    msgId,
    msgType: SH_MSG_TYPES[kind],
    sourceProvince: platform,
    sendTime: new Date().toISOString(),
    records: items.map((item, i) => toNative(kind, item, `items[${i}]`))
  }
  return Buffer.from(JSON.stringify(message), 'utf8')
}

/**
 * Publishes into the gateway the way Shanghai's platform calls any peer: its REST/JSON body,
 * signed with HMAC-SHA256 under the app key and secret it shares with the gateway, to
 * `/v1/native/<ID>/api/credit/v2/records`. Answers come back in Shanghai's own codes.
 */
export async function publishShNative (gatewayUrl: string, p: ShPublication): Promise<ShPublishResult> {
  const platform = p.platform ?? 'SH'
  const msgId = p.msgId ?? `${platform}-${Date.now()}-${randomBytes(4).toString('hex')}`
  const body = p.body ?? shPublicationBody(platform, msgId, p.kind, p.items)
  const path = `/v1/native/${platform}${SH_RECORDS_PATH}`
  const auth = shAuthHeaders({ appKey: p.appKey, appSecret: p.appSecret, method: 'POST', path, body, timestamp: p.timestamp, nonce: p.nonce })
  const res = await fetch(gatewayUrl + path, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...auth }, body })
  return { status: res.status, answer: await res.json() as ShPublishResult['answer'], msgId, body }
}
