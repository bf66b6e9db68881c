import { randomBytes } from 'node:crypto'
import { GATEWAY_ID } from '../contracts/envelope-v1.js'
import type { NativeKind } from '../adapters/native-kinds.js'
import { RECEIVE_PATH } from '../adapters/ah-xml/ah-xml-adapter.js'
import { KIND_CODES } from '../adapters/ah-xml/ah-xml-codes.js'
import { beijingTime, buildPayload, recordsDigest, sealMessage } from '../adapters/ah-xml/ah-xml-envelope.js'
import { ahKeys } from '../adapters/ah-xml/ah-xml-keys.js'
import { toNative } from '../adapters/ah-xml/ah-xml-mapping.js'
import { parseReceipt, type AhReceipt } from '../adapters/ah-xml/ah-xml-receipt.js'

/** What Anhui sends to publish: the agreed keys (as the gateway names them) and the items (mapped to its records). */
export interface AhPublication {
  platform?: string
  /** The gateway's secrets for the platform: the platform seals with what the gateway opens with (`SM4_KEY_IN`,
   * `MAC_KEY_IN`). */
  secrets: Readonly<Record<string, string>>
  /** Seal in the legacy protocol 1.0 (no MAC). */
  legacy?: boolean
  kind: NativeKind
  items: unknown[]
  msgId?: string
}

export interface AhPublishResult {
  status: number, receipt: (AhReceipt & { HZ?: string }) | undefined, text: string, msgId: string
}

/**
 * Anhui's AHXY message for its own records, as the platform builds it: FSF itself, JSF YRD,
 * the payload encrypted with SM4-CBC under the platform-to-gateway key (fresh IV), digested with
 * SM3 and authenticated with the platform-to-gateway SM3-HMAC key (protocol 2.0; not in legacy 1.0).
 * `YSZY` (原始报文摘要) is, for a platform's own publication, the SHA-256 (base64url) of its
 * records as sent (`recordsDigest`): they come after YSZY, so the payload is built twice.
 */
export function sealAhPublication (p: AhPublication): { msgId: string, body: string, digest: string } {
  const platform = p.platform ?? 'AH'
  const msgId = p.msgId ?? `${platform}-${Date.now()}-${randomBytes(4).toString('hex')}`
  const records = p.items.map((item, i) => toNative(p.kind, item, i))
  const payload = { XXID: msgId, XXLX: KIND_CODES[p.kind], YSF: platform, YSZY: '-', JSSJ: new Date().toISOString(), records }
  const payloadXml = buildPayload({ ...payload, YSZY: recordsDigest(buildPayload(payload)) ?? '-' })
  const keys = ahKeys(p.secrets, platform, p.legacy === true).in
  const { body, digest } = sealMessage(
    {
      header: { XXID: msgId, XXLX: KIND_CODES[p.kind], FSF: platform, JSF: GATEWAY_ID, SJ: beijingTime() },
      payloadXml,
      key: keys.enc,
      macKey: keys.mac
    }
  )
  return { msgId, body, digest }
}

/** POSTs an AHXY message to the gateway's Anhui endpoint and reads the FHJG answer. */
export async function postAhMessage (gatewayUrl: string, platform: string, body: string): Promise<{ status: number, receipt: AhPublishResult['receipt'], text: string }> {
  const res = await fetch(`${gatewayUrl}/v1/native/${platform}${RECEIVE_PATH}`, { method: 'POST', headers: { 'content-type': 'application/xml; charset=utf-8' }, body })
  const text = await res.text()
  const receipt = parseReceipt(text) as AhPublishResult['receipt']
  const hz = /<HZ>([^<]*)<\/HZ>/.exec(text)?.[1]
  return {
    status: res.status,
    receipt: receipt === undefined ? undefined : { ...receipt, ...(hz === undefined ? {} : { HZ: hz }) },
    text
  }
}

/** Publishes into the gateway the way Anhui's platform sends to any peer. */
export async function publishAhNative (gatewayUrl: string, p: AhPublication): Promise<AhPublishResult> {
  const sealed = sealAhPublication(p)
  return { ...(await postAhMessage(gatewayUrl, p.platform ?? 'AH', sealed.body)), msgId: sealed.msgId }
}
