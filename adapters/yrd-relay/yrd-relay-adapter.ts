import { Pool } from 'undici'
import { ENVELOPE_ALGS, GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { RECEIPT_TYP, type ReceiptClaimsV1 } from '../../contracts/receipt-v1.js'
import { hashOf, statedHash } from '../../src/canonical/proof-hash.js'
import { signRelay } from '../../src/federation/relay-message.js'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'
import { verifyCompact } from '../../src/keys/jws.js'
import { httpHealth, poolOptions, retryableStatus, statusCode } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { traceHeaders } from '../trace-headers.js'
import { yrdReconcileClient } from '../yrd-push/yrd-push-reconcile.js'
import { AdapterError, type AdapterContext, type AdapterHealth, type Delivery, type DeliveryReceipt, type PlatformAdapter } from '../types.js'

const refused = (message: string): AdapterError => new AdapterError(message, { code: 'ADAPTER_REFUSED', retryable: false })
const invalid = (message: string): AdapterError =>
  new AdapterError(`invalid receipt from the peer gateway: ${message}`, { code: 'ADAPTER_INVALID_RECEIPT', retryable: false })

/**
 * Relaying out to a peer gateway (issue 18, docs/federation.md "Relaying out"): each delivery is a
 * relay (`yrd-relay+jwt`, signed with this gateway's key) nesting the publisher's own envelope byte
 * for byte, with the path extended by this gateway, POSTed to the peer's `POST /v1/relay`. The peer
 * answers as it answers a platform's envelope: 202 (or 200, a replay) with its receipt, signed with
 * its key, which is verified against the peer's key set and kept as evidence (it names the envelope,
 * its digest and the relay). What cannot go whole is refused, visibly dead with its reason: a message
 * whose fields the peer's share scopes withhold (the publisher's signature covers them), one whose
 * original was erased by repair, and one published natively (its only signature is this gateway's
 * attestation, which the peer does not take as its publisher's).
 */
export function createYrdRelayAdapter (
  ctx: AdapterContext, opts: { paused?: () => Promise<string | undefined> } = {}
): PlatformAdapter {
  const peer = ctx.platform.id
  const base = new URL(ctx.platform.endpoint)
  const relayPath = `${base.pathname.replace(/\/$/, '')}/v1/relay`
  const timeout = ctx.policy.timeoutMs
  const pool = new Pool(base.origin, poolOptions(ctx.policy))
  const healthUrl = new URL(ctx.platform.healthUrl ?? `${base.origin}${base.pathname.replace(/\/$/, '')}/healthz`)
  const envelopes = ctx.publisherEnvelope
  if (envelopes === undefined) throw new Error('the yrd-relay adapter reads publishers\' envelopes from the ledger')

  async function readReceipt (text: string, d: Delivery, sent: string): Promise<Record<string, unknown>> {
    let answer: { jti?: unknown, receipt?: unknown }
    try { answer = JSON.parse(text) as typeof answer } catch { throw invalid('not JSON') }
    if (typeof answer.receipt !== 'string') throw invalid('no receipt')
    if (ctx.platformKeys === undefined) throw invalid('no key set to verify it with')
    let claims: ReceiptClaimsV1
    try {
      const { payload, protectedHeader } = await verifyCompact(answer.receipt, ctx.platformKeys, ENVELOPE_ALGS)
      if (protectedHeader.typ !== RECEIPT_TYP) throw new Error(`typ ${String(protectedHeader.typ)}`)
      claims = JSON.parse(new TextDecoder().decode(payload)) as ReceiptClaimsV1
    } catch (err) {
      throw invalid(`not signed by ${peer}'s keys (${(err as Error).message})`)
    }
    if (claims.jti !== d.jti || claims.iss !== d.origin) throw invalid(`it names ${claims.iss}/${claims.jti}, not ${d.origin}/${d.jti}`)
    const digest = hashOf(statedHash(claims.digestAlg), Buffer.from(sent, 'ascii')).toString('base64url')
    if (claims.digest !== digest) throw invalid('its digest is not that of the envelope relayed')
    return { peer, receipt: answer.receipt, relayJti: claims.relay?.jti, via: claims.relay?.via }
  }

  // Range reconciliation with the peer's ledger (POST <endpoint>/v1/relay/reconcile): version 2 only.
  const reconciliation = yrdReconcileClient(pool, new URL(`${base.origin}${base.pathname.replace(/\/$/, '')}/v1/relay/`), peer, ctx.sign, timeout)

  const adapter: PlatformAdapter = {
    name: 'yrd-relay',
    capabilities: { pull: false, export: false },
    reconcile: reconciliation.reconcile,
    reconcileV2: reconciliation.reconcileV2,

    async deliver (d: Delivery): Promise<DeliveryReceipt> {
      // A paused peer gets nothing: the queue waits (as for a platform that is down), no attempt used up.
      const paused = await opts.paused?.()
      if (paused !== undefined) {
        throw new AdapterError(`peer gateway ${peer} is paused (${paused})`, { code: 'ADAPTER_UNREACHABLE', retryable: true, unreachable: true })
      }
      if (d.withheld === true) {
        throw refused(`${peer}'s share scopes withhold fields of this message: the publisher's signed envelope cannot go without them`)
      }
      const original = await envelopes(d.origin, d.jti)
      if (original === undefined) {
        throw refused('the publisher\'s envelope was erased (personal fields shielded): nothing signed by the publisher is left to relay')
      }
      if (original.attested) throw refused(`${d.origin} published it natively: no signature of its own to relay (only this gateway's attestation)`)
      let relay: string
      try {
        const input = { from: GATEWAY_ID, to: peer, envelope: original.jws, origin: d.origin, via: original.via }
        relay = (await signRelay(ctx, input)).jws
      } catch (err) {
        throw refused((err as Error).message)
      }
      const { status, text } = await platformRequest(pool, {
        method: 'POST',
        path: relayPath,
        headers: { 'content-type': 'application/jose', 'x-yrd-delivery': d.deliveryId, ...traceHeaders(d) },
        body: relay,
        timeoutMs: timeout
      }, peer)
      if (retryableStatus(status)) throw new AdapterError(`peer gateway ${peer} answered ${status}`, { code: 'ADAPTER_UNAVAILABLE', retryable: true })
      if (status !== 200 && status !== 202) {
        throw new AdapterError(`peer gateway ${peer} refused the relay (${status}): ${scrubIdNumbers(text).slice(0, 300)}`,
          { code: statusCode(status), retryable: false })
      }
      return { evidence: await readReceipt(text, d, original.jws) }
    },

    async health (): Promise<AdapterHealth> {
      const paused = await opts.paused?.()
      if (paused !== undefined) return { state: 'down', detail: `paused (${paused})` }
      return await httpHealth(healthUrl, timeout, pool)
    },

    async close (): Promise<void> {
      await pool.close()
    }
  }
  return adapter
}
