import { createHash } from 'node:crypto'
import { Pool } from 'undici'
import { GATEWAY_ID, ENVELOPE_TYP, MAX_LIFETIME_SECONDS } from '../../contracts/envelope-v1.js'
import { AdapterError, type AdapterContext, type AdapterHealth, type Delivery, type DeliveryReceipt, type PlatformAdapter } from '../types.js'
import { httpHealth, poolOptions, retryableStatus, statusCode } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { traceHeaders } from '../trace-headers.js'
import { credentialsCheckBy, NO_LIST } from '../credentials-check.js'
import { yrdReconcileClient } from './yrd-push-reconcile.js'
import { receiptReader } from './yrd-push-receipt.js'
import { batchSender, type SignedDelivery } from './yrd-push-batch.js'
import { deliveryPayload } from './delivery-payload.js'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'

// A compact JWS is ASCII: its bytes are the text's.
const digest = (jws: Buffer): string => createHash('sha256').update(jws).digest('base64url')

/**
 * The reference push protocol (docs/protocol.md#reference-push-protocol): each delivery is a compact
 * JWS signed by the gateway (iss YRD, aud the platform) POSTed to the platform's endpoint; the
 * platform answers 2xx with its receipt, signed with its own key, naming the jti and the SHA-256 of
 * the exact JWS it got (read by yrd-push-receipt.ts). 5xx, 408, 429 and network failures are
 * retried; any other 4xx or an invalid receipt is permanent. Several messages go in one push in the
 * batch form (yrd-push-batch.ts) when the gateway coalesces.
 */
export function createYrdPushAdapter (ctx: AdapterContext): PlatformAdapter {
  const endpoint = new URL(ctx.platform.endpoint)
  const timeout = ctx.policy.timeoutMs
  const pool = new Pool(endpoint.origin, poolOptions(ctx.policy))
  const healthUrl = ctx.platform.healthUrl === undefined ? undefined : new URL(ctx.platform.healthUrl)
  const readReceipt = receiptReader(ctx)
  const reconciliation = yrdReconcileClient(pool, endpoint, ctx.platform.id, ctx.sign, timeout)
  const batch = batchSender(pool, endpoint, timeout, readReceipt)

  // A relayed message carries its publisher's own envelope, so the platform checks who published it
  // offline (issue 18); not where its share scopes withheld something (the signature covers all of it).
  async function provenance (d: Delivery): Promise<{ envelope: string, via: string[] } | undefined> {
    if (d.relayed !== true || d.withheld === true || ctx.publisherEnvelope === undefined) return undefined
    const original = await ctx.publisherEnvelope(d.origin, d.jti)
    return original === undefined ? undefined : { envelope: original.jws, via: original.via }
  }

  async function signDelivery (d: Delivery): Promise<SignedDelivery> {
    const iat = Math.floor(Date.now() / 1000)
    const head = { iss: GATEWAY_ID, aud: d.destination, jti: d.jti, iat, exp: iat + MAX_LIFETIME_SECONDS, kind: d.kind }
    const tail = { origin: d.origin, originDigest: d.originDigest, publisher: await provenance(d) }
    const jws = ctx.signBytes === undefined
      ? Buffer.from(await ctx.sign({ ...head, items: d.items, ...tail }, ENVELOPE_TYP), 'latin1')
      : await ctx.signBytes(deliveryPayload(head, d.items, tail), ENVELOPE_TYP)
    return { jws, sent: digest(jws) }
  }

  const adapter: PlatformAdapter = {
    name: 'yrd-push',
    capabilities: { pull: false, export: true, batch: true },
    reconcile: reconciliation.reconcile,
    reconcileV2: reconciliation.reconcileV2,
    exportList: reconciliation.exportList,

    async deliver (d: Delivery): Promise<DeliveryReceipt> {
      const { jws, sent } = await signDelivery(d)
      const { status, text } = await platformRequest(pool, {
        method: 'POST',
        path: endpoint.pathname + endpoint.search,
        headers: { 'content-type': 'application/jose', 'x-yrd-delivery': d.deliveryId, ...traceHeaders(d) },
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

    // The batch form (yrd-push-batch.ts); a platform that serves only the single form gets the
    // messages one by one, in order.
    async deliverBatch (deliveries: Delivery[]): Promise<Array<DeliveryReceipt | AdapterError>> {
      const signed = await Promise.all(deliveries.map(signDelivery))
      const outcomes = await batch.send(deliveries, signed)
      if (outcomes !== undefined) return outcomes
      const singly: Array<DeliveryReceipt | AdapterError> = []
      for (const d of deliveries) {
        try {
          singly.push(await adapter.deliver(d))
        } catch (err) {
          if (!(err instanceof AdapterError) || err.unreachable || singly.length === 0) throw err
          singly.push(err)
        }
      }
      return singly
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
  return adapter
}
