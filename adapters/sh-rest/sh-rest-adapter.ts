import { createHash } from 'node:crypto'
import { Pool, request } from 'undici'
import { type AdapterContext, type AdapterHealth, type Delivery, type DeliveryReceipt, type PlatformAdapter } from '../types.js'
import { ConfigError } from '../../config/config-error.js'
import { networkError, poolOptions } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { traceHeaders } from '../trace-headers.js'
import { nativeMessageId, nativeResendId } from '../native-message-id.js'
import { readShAnswer, shEvidence } from './sh-rest-answer.js'
import { toNative } from './sh-rest-mapping.js'
import { SH_CODES, SH_HEALTH_PATH, SH_MSG_TYPES, SH_RECORDS_PATH, type ShRequestBody } from './sh-rest-protocol.js'
import { shAuthHeaders, shBodyDigest } from './sh-rest-signature.js'
import { shExportClient } from './sh-rest-export.js'
import { credentialsCheckBy, NO_LIST } from '../credentials-check.js'

/** The adapter's name in platform config files (`"adapter": "sh-rest"`). */
export const SH_REST_ADAPTER = 'sh-rest'

/**
 * Where the records and health calls go. `endpoint` is either the records URL itself
 * (`…/api/credit/v2/records`) or the root the API lives under; `healthUrl` overrides the health
 * check, which otherwise sits next to the records path.
 */
export function shRestUrls (endpoint: string, healthUrl?: string): { records: URL, health: URL } {
  const records = new URL(endpoint)
  if (!records.pathname.endsWith(SH_RECORDS_PATH)) records.pathname = records.pathname.replace(/\/$/, '') + SH_RECORDS_PATH
  const health = healthUrl !== undefined ? new URL(healthUrl) : new URL(records.origin)
  if (healthUrl === undefined) health.pathname = records.pathname.slice(0, -SH_RECORDS_PATH.length) + SH_HEALTH_PATH
  return { records, health }
}

/**
 * Shanghai's REST/JSON interface (see README.md): each delivery becomes one signed
 * `POST /api/credit/v2/records` with `<origin>.<jti>` as `msgId` (see native-message-id.ts), the
 * same on every retry, so the platform drops duplicates but not another issuer's message. Every attempt is signed
 * afresh (new timestamp, new nonce): the platform refuses a
 * reused nonce or a timestamp more than 5 minutes off. Needs secrets `APP_KEY` and `APP_SECRET`
 * (environment `GW_<ID>_APP_KEY`, `GW_<ID>_APP_SECRET`).
 */
export function createShRestAdapter (ctx: AdapterContext): PlatformAdapter {
  const id = ctx.platform.id
  const appKey = ctx.secrets.APP_KEY ?? ''
  const appSecret = ctx.secrets.APP_SECRET ?? ''
  if (appKey === '' || appSecret === '') {
    const missing = [appKey === '' ? `GW_${id}_APP_KEY` : '', appSecret === '' ? `GW_${id}_APP_SECRET` : ''].filter((v) => v !== '')
    throw new ConfigError('environment', missing.join(', '), `${SH_REST_ADAPTER} adapter for platform ${id}: secrets APP_KEY and APP_SECRET ` +
      `are required (set GW_${id}_APP_KEY and GW_${id}_APP_SECRET)`, 'SECRET_MISSING')
  }
  const urls = shRestUrls(ctx.platform.endpoint, ctx.platform.healthUrl)
  const path = urls.records.pathname + urls.records.search
  const timeout = ctx.policy.timeoutMs
  const pool = new Pool(urls.records.origin, poolOptions(ctx.policy))
  const apiRoot = urls.records.pathname.slice(0, -SH_RECORDS_PATH.length)
  const exportList = shExportClient(pool, apiRoot, { appKey, appSecret }, timeout)

  return {
    name: SH_REST_ADAPTER,
    capabilities: { pull: false, export: true },
    exportList,
    // A signed export page of a list no one keeps: the app key and signature checked, nothing read.
    credentialsCheck: credentialsCheckBy(async () => await exportList({ owner: id, listCode: NO_LIST }, '', 1)),

    async deliver (d: Delivery): Promise<DeliveryReceipt> {
      const kind = d.kind
      // A msgId is final once answered (3001 repeats the first outcome): a resend (the refused
      // records of a partly accepted message, once put right) goes out under a new one.
      const msgId = d.resends > 0 ? nativeResendId(d.origin, d.jti, d.resends) : nativeMessageId(d.origin, d.jti)
      const message: ShRequestBody = {
        msgId,
        msgType: SH_MSG_TYPES[kind],
        sourceProvince: d.origin,
        sendTime: d.receivedAt,
        records: d.items.map((item, i) => toNative(kind, item, `items[${i}]`))
      }
      const body = Buffer.from(JSON.stringify(message), 'utf8')
      // Signed here, per attempt: a retry is a new request with its own timestamp and nonce.
      const auth = shAuthHeaders({ appKey, appSecret, method: 'POST', path, body })
      const { status, text } = await platformRequest(pool, {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json; charset=utf-8', ...auth, ...traceHeaders(d) },
        body,
        timeoutMs: timeout
      })
      const { answer, refused } = readShAnswer(status, text, {
        platform: id, msgId, records: message.records.length, bodyDigest: shBodyDigest(body)
      })
      return {
        evidence: { ...shEvidence(answer), nonce: auth['x-sh-nonce'], timestamp: auth['x-sh-timestamp'] },
        sentDigest: createHash('sha256').update(body).digest('base64url'),
        ...(refused.length > 0 ? { refused } : {})
      }
    },

    async health (): Promise<AdapterHealth> {
      try {
        const res = await request(urls.health, { method: 'GET', signal: AbortSignal.timeout(Math.min(timeout, 3000)) })
        const text = await res.body.text()
        if (res.statusCode !== 200) return { state: 'down', detail: `health answered HTTP ${res.statusCode}` }
        let code: unknown
        try { code = (JSON.parse(text) as { code?: unknown }).code } catch { /* not JSON */ }
        return code === SH_CODES.ok ? { state: 'up' } : { state: 'down', detail: 'health answered without code 0000' }
      } catch (err) {
        return { state: 'down', detail: networkError(err).message }
      }
    },

    async close (): Promise<void> {
      await pool.close()
    }
  }
}
