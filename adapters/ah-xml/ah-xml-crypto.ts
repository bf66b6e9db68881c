import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** SM4 keys and blocks are 128 bits (GB/T 32907-2016). */
export const SM4_BLOCK_BYTES = 16

/** SM3-HMAC keys are 256 bits (the size of an SM3 digest). */
export const MAC_KEY_BYTES = 32

/**
 * The SM4 key agreed with the platform, from its hex form (32 hex characters). Throws a plain
 * Error naming the secret, never echoing it: a missing or malformed key is a configuration fault
 * the gateway must not start with.
 */
export function parseSm4Key (hex: string | undefined, secretName = 'SM4_KEY'): Buffer {
  if (hex === undefined || hex === '') throw new Error(`ah-xml: secret ${secretName} is required (the 128-bit SM4 key agreed with the platform, 32 hex characters)`)
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`ah-xml: secret ${secretName} must be exactly 32 hex characters (a 128-bit SM4 key)`)
  return Buffer.from(hex, 'hex')
}

/** An SM3-HMAC key from its hex form (64 hex characters); same rules as {@link parseSm4Key}. */
export function parseMacKey (hex: string | undefined, secretName = 'MAC_KEY'): Buffer {
  if (hex === undefined || hex === '') throw new Error(`ah-xml: secret ${secretName} is required (the 256-bit SM3-HMAC key agreed with the platform, 64 hex characters)`)
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`ah-xml: secret ${secretName} must be exactly 64 hex characters (a 256-bit SM3-HMAC key)`)
  return Buffer.from(hex, 'hex')
}

/** SM3 (GB/T 32905-2016) of `data`, lowercase hex: the interface's body digest (ZY). */
export function sm3Hex (data: string | Uint8Array): string {
  return createHash('sm3').update(data).digest('hex')
}

/** HMAC-SM3 (RFC 2104 with SM3) of `parts`, concatenated. */
export function hmacSm3 (key: Uint8Array, parts: readonly Uint8Array[]): Buffer {
  const h = createHmac('sm3', key)
  for (const p of parts) h.update(p)
  return h.digest()
}

/** Compares two MACs in time independent of where they differ (lengths are not secret). */
export function macEquals (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A fresh random IV for one message: CBC needs an unpredictable IV per encryption. */
export const newIv = (): Buffer => randomBytes(SM4_BLOCK_BYTES)

/** SM4-CBC with PKCS#7 padding (the interface's 正文 ZT). */
export function sm4CbcEncrypt (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('sm4-cbc', key, iv)
  return Buffer.concat([cipher.update(plaintext), cipher.final()])
}

/**
 * Reverses {@link sm4CbcEncrypt}. Throws when the ciphertext is not whole blocks or its padding
 * is wrong. Whether it throws must never reach the sender by itself (a padding oracle): callers
 * authenticate the ciphertext first (protocol 2.0) and answer every failure alike.
 */
export function sm4CbcDecrypt (key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  const decipher = createDecipheriv('sm4-cbc', key, iv)
  return Buffer.concat([decipher.update(ciphertext), decipher.final()])
}
