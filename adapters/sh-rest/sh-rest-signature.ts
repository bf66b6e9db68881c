import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { SH_HEADERS } from './sh-rest-protocol.js'

/** SHA-256 of the exact body bytes, lower-case hex: what the signature covers of the body. */
export function shBodyDigest (body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex')
}

/**
 * The string Shanghai signs: method, path (with its query), timestamp (ms), nonce and body digest,
 * one per line, no trailing newline.
 */
export function shStringToSign (
  method: string, path: string, timestamp: string, nonce: string, bodyDigest: string
): string {
  return [method.toUpperCase(), path, timestamp, nonce, bodyDigest].join('\n')
}

/** base64(HMAC-SHA256(appSecret, stringToSign)), the key being the app secret's UTF-8 bytes. */
export function shSignature (appSecret: string, stringToSign: string): string {
  return createHmac('sha256', appSecret).update(stringToSign, 'utf8').digest('base64')
}

/** Compares two signatures in constant time (a mismatch of length is simply false). */
export function shSignatureEquals (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * A fresh nonce per request: 128 random bits, hex. Never derived from the message, so a retry of
 * the same message is a new request the platform's replay check lets through.
 */
export function shNonce (): string {
  return randomBytes(16).toString('hex')
}

/** The four authentication headers of one request. */
export type ShAuthHeaders = Record<(typeof SH_HEADERS)[keyof typeof SH_HEADERS], string>

/** Signs one request: what the adapter sends and what tests forge. */
export function shAuthHeaders (opts: {
  appKey: string
  appSecret: string
  method: string
  path: string
  body: string | Uint8Array
  timestamp?: number
  nonce?: string
}): ShAuthHeaders {
  const timestamp = String(opts.timestamp ?? Date.now())
  const nonce = opts.nonce ?? shNonce()
  const toSign = shStringToSign(opts.method, opts.path, timestamp, nonce, shBodyDigest(opts.body))
  return {
    [SH_HEADERS.appKey]: opts.appKey,
    [SH_HEADERS.timestamp]: timestamp,
    [SH_HEADERS.nonce]: nonce,
    [SH_HEADERS.signature]: shSignature(opts.appSecret, toSign)
  }
}
