import { createHash, getHashes, type Hash } from 'node:crypto'
import type { ProofHashV1 } from '../../contracts/common-v1.js'

/**
 * The hash the gateway proves with: a deployment's `proofHash` (gateway.json) for receipt digests
 * and for the transparency logs it creates from then on (a log keeps the hash it was created with).
 * SHA-256 and SM3 both give 32 bytes, so every format around them (RFC 6962 trees, base64url of 43
 * characters) stays as it was.
 */
export type ProofHash = ProofHashV1

const OPENSSL_NAMES: Record<ProofHash, string> = { 'SHA-256': 'sha256', SM3: 'sm3' }

/** A fresh hash object of `alg`. */
export const hasherOf = (alg: ProofHash): Hash => createHash(OPENSSL_NAMES[alg])

/** `alg` over the concatenation of `parts`. */
export function hashOf (alg: ProofHash, ...parts: Uint8Array[]): Buffer {
  const h = hasherOf(alg)
  for (const p of parts) h.update(p)
  return h.digest()
}

/** What a signed object states, or SHA-256 where it states nothing (it was signed before SM3 could be chosen). */
export const statedHash = (stated: ProofHash | undefined): ProofHash => stated ?? 'SHA-256'

/**
 * Refuses to start with a hash this Node's OpenSSL lacks (SM3 needs OpenSSL 3, which Node 20 and
 * 22 bundle; a build linked against a system OpenSSL without it would otherwise fail on the first
 * envelope).
 */
export function assertProofHashAvailable (alg: ProofHash): void {
  if (!getHashes().includes(OPENSSL_NAMES[alg])) throw new Error(`proofHash ${alg}: this Node's OpenSSL has no ${OPENSSL_NAMES[alg]}`)
}
