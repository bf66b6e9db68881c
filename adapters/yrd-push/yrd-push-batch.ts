import type { Dispatcher } from 'undici'
import { AdapterError, type Delivery, type DeliveryReceipt } from '../types.js'
import { retryableStatus, statusCode } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { traceHeaders } from '../trace-headers.js'
import type { ReceiptReader } from './yrd-push-receipt.js'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'

/** The version of the batch form (docs/protocol.md#batch-form), sent as `v` and expected back. */
export const YRD_BATCH_VERSION = 1

/** A signed message ready to send: its compact JWS (ASCII bytes) and the SHA-256 of those bytes (base64url). */
export interface SignedDelivery { jws: Buffer, sent: string }

const invalid = (what: string): AdapterError =>
  new AdapterError(`invalid batch answer: ${what}`, { code: 'ADAPTER_INVALID_RECEIPT', retryable: false })

/** A batch answer's entry that is an error: `{ status, error }`, as the single form would have answered. */
function entryError (entry: unknown): AdapterError | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined
  const { status, error } = entry as { status?: unknown, error?: unknown }
  if (typeof status !== 'number' || status < 400) return undefined
  const why = scrubIdNumbers(typeof error === 'string' ? error : JSON.stringify(error ?? '')).slice(0, 200)
  if (retryableStatus(status)) return new AdapterError(`platform answered ${status} for the message: ${why}`, { code: 'ADAPTER_UNAVAILABLE', retryable: true })
  return new AdapterError(`platform refused the message (${status}): ${why}`, { code: statusCode(status), retryable: false })
}

export interface BatchSender {
  /** Undefined when the platform does not serve the batch form (it answered 415 once): send singly. */
  send: (deliveries: Delivery[], signed: SignedDelivery[]) => Promise<Array<DeliveryReceipt | AdapterError> | undefined>
}

/**
 * The batch form of the reference push protocol: `{ "v": 1, "messages": [JWS…] }` POSTed as
 * `application/json` to the same endpoint; the platform applies the messages in order and answers
 * 2xx `{ "v": 1, "receipts": [entry…] }`, one entry per message in the same order: the single form's
 * receipt, or `{ "status", "error" }` for a message it did not take. A 415 means the platform
 * serves only the single form: the adapter sends singly from then on.
 */
export function batchSender (
  pool: Dispatcher, endpoint: URL, timeoutMs: number, readReceipt: ReceiptReader
): BatchSender {
  let served = true
  return {
    async send (deliveries, signed) {
      if (!served) return undefined
      const { status, text } = await platformRequest(pool, {
        method: 'POST',
        path: endpoint.pathname + endpoint.search,
        // One request, one parent: the trace of the first message that has one (the job that pushes).
        headers: {
          'content-type': 'application/json',
          'x-yrd-delivery': deliveries.map((d) => d.deliveryId).join(','),
          ...traceHeaders(deliveries.find((d) => d.traceparent !== undefined) ?? {})
        },
        body: JSON.stringify({ v: YRD_BATCH_VERSION, messages: signed.map((s) => s.jws.toString('latin1')) }),
        timeoutMs
      })
      if (status === 415) { served = false; return undefined }
      if (retryableStatus(status)) throw new AdapterError(`platform answered ${status}`, { code: 'ADAPTER_UNAVAILABLE', retryable: true })
      if (status < 200 || status >= 300) {
        throw new AdapterError(`platform refused the push (${status}): ${scrubIdNumbers(text).slice(0, 200)}`,
          { code: statusCode(status), retryable: false })
      }
      let answer: unknown
      try { answer = JSON.parse(text) } catch { throw invalid('not JSON') }
      const receipts = (answer as { receipts?: unknown } | null)?.receipts
      if (!Array.isArray(receipts)) throw invalid('no receipts')
      if (receipts.length !== deliveries.length) throw invalid(`${receipts.length} receipts for ${deliveries.length} messages`)
      const outcomes: Array<DeliveryReceipt | AdapterError> = []
      for (const [i, d] of deliveries.entries()) {
        const entry: unknown = receipts[i]
        const refused = entryError(entry)
        if (refused !== undefined) { outcomes.push(refused); continue }
        try {
          outcomes.push(await readReceipt(entry, d, signed[i]?.sent ?? ''))
        } catch (err) {
          outcomes.push(err instanceof AdapterError ? err : invalid((err as Error).message))
        }
      }
      return outcomes
    }
  }
}
