import { createHash } from 'node:crypto'
import { Pool } from 'undici'
import { GATEWAY_ID, ENVELOPE_TYP, MAX_LIFETIME_SECONDS } from '../../contracts/envelope-v1.js'
import { AdapterError, type AdapterContext, type AdapterHealth, type Delivery, type DeliveryReceipt, type PlatformAdapter } from '../types.js'
import { httpHealth, poolOptions, retryableStatus, statusCode } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { credentialsCheckBy, NO_LIST } from '../credentials-check.js'
import { yrdReconcileClient } from './yrd-push-reconcile.js'
import { receiptReader } from './yrd-push-receipt.js'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'

const digest = (text: string): string => createHash('sha256').update(text).digest('base64url')

/**
 * The reference push protocol (docs/protocol.md#reference-push-protocol): each delivery is a compact
 * JWS signed by the gateway (iss YRD, aud the platform) POSTed to the platform's endpoint; the
 * platform answers 2xx with `{ jti, digest }`, digest being the SHA-256 of the exact JWS it got.
 * 5xx, 408, 429 and network failures are retried; any other 4xx or an invalid receipt is permanent.
 */
export function createYrdPushAdapter (ctx: AdapterContext): PlatformAdapter {
  const endpoint = new URL(ctx.platform.endpoint)
  const timeout = ctx.policy.timeoutMs
  const pool = new Pool(endpoint.origin, poolOptions(ctx.policy))
  const healthUrl = ctx.platform.healthUrl === undefined ? undefined : new URL(ctx.platform.healthUrl)
  const readReceipt = receiptReader(ctx)
  const reconciliation = yrdReconcileClient(pool, endpoint, ctx.platform.id, ctx.sign, timeout)

  return {
    name: 'yrd-push',
    capabilities: { pull: false, export: true },
    reconcile: reconciliation.reconcile,
    exportList: reconciliation.exportList,

    async deliver (d: Delivery): Promise<DeliveryReceipt> {
      const iat = Math.floor(Date.now() / 1000)
      const jws = await ctx.sign({
        iss: GATEWAY_ID,
        aud: d.destination,
        jti: d.jti,
        iat,
        exp: iat + MAX_LIFETIME_SECONDS,
        kind: d.kind,
        items: d.items,
        origin: d.origin,
        originDigest: d.originDigest
      }, ENVELOPE_TYP)
      const sent = digest(jws)
      const { status, text } = await platformRequest(pool, {
        method: 'POST',
        path: endpoint.pathname + endpoint.search,
        headers: { 'content-type': 'application/jose', 'x-yrd-delivery': d.deliveryId },
        body: jws,
        timeoutMs: timeout
      })
      if (retryableStatus(status)) throw new AdapterError(`platform answered ${status}`, { code: 'ADAPTER_UNAVAILABLE', retryable: true })
      if (status < 200 || status >= 300) {
        throw new AdapterError(`platform refused the delivery (${status}): ${scrubIdNumbers(text).slice(0, 200)}`,
          { code: statusCode(status), retryable: false })
      }
      let receipt: unknown
      try {
        receipt = JSON.parse(text)
      } catch {
        throw new AdapterError('invalid receipt: not JSON', { code: 'ADAPTER_INVALID_RECEIPT', retryable: false })
      }
      return await readReceipt(receipt, d, sent)
    },

    async health (): Promise<AdapterHealth> {
      return healthUrl === undefined ? { state: 'unknown' } : await httpHealth(healthUrl, timeout)
    },

    // A signed reconciliation query over no range: the platform checks the gateway's signature
    // and answers an empty result, touching nothing it holds.
    credentialsCheck: credentialsCheckBy(
      async () => await reconciliation.reconcile({ owner: GATEWAY_ID, listCode: NO_LIST }, [], 1)
    ),

    async close (): Promise<void> {
      await pool.close()
    }
  }
}
