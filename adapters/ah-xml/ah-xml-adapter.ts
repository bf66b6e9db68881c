import { createHash } from 'node:crypto'
import { Pool } from 'undici'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import type { AdapterContext, AdapterHealth, Delivery, DeliveryReceipt, PlatformAdapter } from '../types.js'
import { networkError, poolOptions } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { traceHeaders } from '../trace-headers.js'
import { nativeMessageId, nativeResendId } from '../native-message-id.js'
import { KIND_CODES, RESULT_CODES } from './ah-xml-codes.js'
import { beijingTime, buildPayload, sealMessage } from './ah-xml-envelope.js'
import { ahExportClient } from './ah-xml-export.js'
import { ahKeys, ahXmlOptions } from './ah-xml-keys.js'
import { toNative } from './ah-xml-mapping.js'
import { judgeAnswer, parseReceipt } from './ah-xml-receipt.js'

/** Where the platform takes messages and answers health checks, when the config does not say. */
export const RECEIVE_PATH = '/ahxy/gateway/receive'
export const HEALTH_PATH = '/ahxy/gateway/health'

/**
 * The Anhui platform's XML exchange interface (see adapters/ah-xml/README.md): each delivery
 * becomes one message of pinyin-coded records, encrypted with SM4-CBC under the gateway's
 * outbound key and authenticated with an SM3-HMAC (protocol 2.0; the digest alone in legacy 1.0,
 * only with `ahXml.legacyCbc`), POSTed to the platform's `endpoint`. The message id (XXID) is
 * `<origin>.<jti>` (native-message-id.ts), the same on every retry, so the platform drops
 * duplicates but not another issuer's message; the receipt must echo XXID and the digest.
 * Without its keys (ah-xml-keys.ts) the adapter refuses to start: sending in clear is not an
 * option the interface has.
 */
export function createAhXmlAdapter (ctx: AdapterContext): PlatformAdapter {
  const keys = ahKeys(ctx.secrets, ctx.platform.id, ahXmlOptions(ctx.platform).legacyCbc)
  const endpoint = new URL(ctx.platform.endpoint)
  const healthUrl = new URL(ctx.platform.healthUrl ?? new URL(HEALTH_PATH, endpoint.origin).href)
  const timeout = ctx.policy.timeoutMs
  const pool = new Pool(endpoint.origin, poolOptions(ctx.policy))
  // Health checks get their own connection, so they are not queued behind slow deliveries.
  const healthPool = new Pool(healthUrl.origin, { ...poolOptions(ctx.policy), connections: 1 })
  // The export (README, "Export") is the sibling of the receiving path: …/receive → …/export.
  const exportUrl = new URL('export', endpoint)

  return {
    name: 'ah-xml',
    capabilities: { pull: false, export: true },
    exportList: ahExportClient(pool, exportUrl.pathname + exportUrl.search, keys, ctx.platform.id, timeout),

    async deliver (d: Delivery): Promise<DeliveryReceipt> {
      // Mapping first: a record the platform cannot hold fails here, before anything is sent.
      const kind = d.kind
      const records = d.items.map((item, i) => toNative(kind, item, i))
      // An XXID is final once applied (0001 answers a repeat, refused records included): a resend
      // (the refused records of a partly refused message, once put right) goes out under a new one.
      const XXID = d.resends > 0 ? nativeResendId(d.origin, d.jti, d.resends) : nativeMessageId(d.origin, d.jti)
      const payloadXml = buildPayload(
        { XXID, XXLX: KIND_CODES[kind], YSF: d.origin, YSZY: d.originDigest, JSSJ: d.receivedAt, records }
      )
      const { body, digest } = sealMessage({
        header: { XXID, XXLX: KIND_CODES[kind], FSF: GATEWAY_ID, JSF: d.destination, SJ: beijingTime() },
        payloadXml,
        key: keys.out.enc,
        macKey: keys.out.mac
      })
      const { status, text } = await platformRequest(pool, {
        method: 'POST',
        path: endpoint.pathname + endpoint.search,
        headers: {
          'content-type': 'application/xml; charset=utf-8', accept: 'application/xml', 'x-yrd-delivery': d.deliveryId, ...traceHeaders(d)
        },
        body,
        timeoutMs: timeout
      }, 'AH')
      const { evidence, refused } = judgeAnswer(status, text, { XXID, ZY: digest, records: records.length })
      return {
        evidence,
        sentDigest: createHash('sha256').update(body).digest('base64url'),
        ...(refused.length > 0 ? { refused } : {})
      }
    },

    async health (): Promise<AdapterHealth> {
      try {
        const res = await healthPool.request({
          method: 'GET',
          path: healthUrl.pathname + healthUrl.search,
          headers: { accept: 'application/xml' },
          signal: AbortSignal.timeout(Math.min(timeout, 3000))
        })
        const receipt = parseReceipt(await res.body.text())
        if (res.statusCode >= 200 && res.statusCode < 300 && receipt?.DM === RESULT_CODES.OK) return { state: 'up' }
        return { state: 'down', detail: `health answered HTTP ${res.statusCode}${receipt === undefined ? '' : ` ${receipt.DM}`}` }
      } catch (err) {
        return { state: 'down', detail: networkError(err, 'AH').message }
      }
    },

    async close (): Promise<void> {
      await Promise.all([pool.close(), healthPool.close()])
    }
  }
}
