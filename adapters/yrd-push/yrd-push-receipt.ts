import { AdapterError, type AdapterContext, type Delivery, type DeliveryReceipt } from '../types.js'

const invalid = (what: string): AdapterError =>
  new AdapterError(`invalid receipt: ${what}`, { code: 'ADAPTER_INVALID_RECEIPT', retryable: false })

/** Reads a destination's answer to one delivered message (the single form's body, or one entry of a batch answer). */
export type ReceiptReader = (answer: unknown, d: Delivery, sentDigest: string) => Promise<DeliveryReceipt>

/**
 * The reader of this platform's receipts: `{ jti, digest }`, jti the message's and digest the
 * SHA-256 of the exact JWS sent (docs/protocol.md#reference-push-protocol).
 */
export function receiptReader (_ctx: AdapterContext): ReceiptReader {
  return async (answer, d, sentDigest) => {
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw invalid('not an object')
    const r = answer as { jti?: unknown, digest?: unknown }
    if (r.jti !== d.jti) throw invalid('jti does not match')
    if (r.digest !== sentDigest) throw invalid('digest does not match what was sent')
    return { evidence: answer as Record<string, unknown>, sentDigest }
  }
}
