import { timingSafeEqual } from 'node:crypto'
import type { ProofHash } from '../canonical/proof-hash.js'
import { nodeHash } from './merkle-tree.js'

// Proof verification as RFC 9162 §2.1.3.2 and §2.1.4.2 state it (the same trees as RFC 6962):
// only bit arithmetic on the sizes and hashing, so a platform can check without the tree. `alg` is
// the log's hash as its checkpoint signs it (SHA-256 where none is given).

/**
 * Why a proof does not hold, a closed list: malformed (sizes, lengths, schema), not leading to the
 * signed root, a rewritten history (two roots for one size), an invalid checkpoint, or keys that
 * could not be read.
 */
export type ProofErrorCode = 'PROOF_MALFORMED' | 'PROOF_MISMATCH' | 'HISTORY_REWRITTEN' | 'CHECKPOINT_INVALID' | 'KEYS_UNREADABLE'

/** A proof that does not hold: the code says which kind of check failed, the message which check. */
export class ProofError extends Error {
  readonly code: ProofErrorCode

  constructor (message: string, code: ProofErrorCode) {
    super(message)
    this.name = 'ProofError'
    this.code = code
  }
}

const HASH_BYTES = 32
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b)
const odd = (n: number): boolean => n % 2 === 1
const half = (n: number): number => Math.floor(n / 2)

function checkHashes (what: string, hashes: Uint8Array[]): void {
  hashes.forEach((h, i) => {
    if (h.length !== HASH_BYTES) throw new ProofError(`${what}[${i}] is ${h.length} bytes, not ${HASH_BYTES}`, 'PROOF_MALFORMED')
  })
}

function checkSize (what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofError(`${what} ${n} is not a tree size`, 'PROOF_MALFORMED')
}

/** The root an inclusion proof leads to; throws if the proof has the wrong shape for the sizes. */
export function rootFromInclusionProof (
  index: number, size: number, leafHash: Uint8Array, proof: Uint8Array[], alg: ProofHash = 'SHA-256'
): Uint8Array {
  checkSize('leaf index', index)
  checkSize('tree size', size)
  if (index >= size) throw new ProofError(`leaf index ${index} is beyond tree size ${size}`, 'PROOF_MALFORMED')
  checkHashes('leaf hash', [leafHash])
  checkHashes('proof', proof)
  let fn = index
  let sn = size - 1
  let r: Uint8Array = leafHash
  for (const p of proof) {
    if (sn === 0) throw new ProofError('inclusion proof is longer than the tree is high', 'PROOF_MALFORMED')
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r, alg)
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn) }
      }
    } else {
      r = nodeHash(r, p, alg)
    }
    fn = half(fn)
    sn = half(sn)
  }
  if (sn !== 0) throw new ProofError('inclusion proof is shorter than the tree is high', 'PROOF_MALFORMED')
  return r
}

/** Throws a ProofError unless `proof` shows the leaf at `index` in the tree of `size` with `root`. */
export function verifyInclusion (
  index: number, size: number, leafHash: Uint8Array, proof: Uint8Array[], root: Uint8Array, alg: ProofHash = 'SHA-256'
): void {
  checkHashes('root', [root])
  const computed = rootFromInclusionProof(index, size, leafHash, proof, alg)
  if (!same(computed, root)) throw new ProofError(`inclusion proof for leaf ${index} does not lead to the root of tree size ${size}`, 'PROOF_MISMATCH')
}

/**
 * Throws a ProofError unless `proof` shows that the tree of `second` leaves with `secondRoot`
 * extends the tree of `first` leaves with `firstRoot` (nothing in the first was changed).
 */
export function verifyConsistency (
  first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: Uint8Array[], alg: ProofHash = 'SHA-256'
): void {
  checkSize('first size', first)
  checkSize('second size', second)
  checkHashes('proof', proof)
  if (first > second) throw new ProofError(`first size ${first} is larger than second size ${second}`, 'PROOF_MALFORMED')
  if (first === second) {
    if (proof.length !== 0) throw new ProofError('a proof between equal sizes must be empty', 'PROOF_MALFORMED')
    if (!same(firstRoot, secondRoot)) throw new ProofError(`two different roots for tree size ${first}: history was rewritten`, 'HISTORY_REWRITTEN')
    return
  }
  if (first === 0) {
    if (proof.length !== 0) throw new ProofError('a proof from the empty tree must be empty', 'PROOF_MALFORMED')
    return
  }
  checkHashes('roots', [firstRoot, secondRoot])
  if (proof.length === 0) throw new ProofError('empty consistency proof', 'PROOF_MALFORMED')
  const path = isPow2(first) ? [firstRoot, ...proof] : [...proof]
  let fn = first - 1
  let sn = second - 1
  while (odd(fn)) { fn = half(fn); sn = half(sn) }
  let fr = path[0] as Uint8Array
  let sr = fr
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('consistency proof is too long', 'PROOF_MALFORMED')
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr, alg)
      sr = nodeHash(c, sr, alg)
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn) }
      }
    } else {
      sr = nodeHash(sr, c, alg)
    }
    fn = half(fn)
    sn = half(sn)
  }
  if (sn !== 0) throw new ProofError('consistency proof is too short', 'PROOF_MALFORMED')
  if (!same(fr, firstRoot)) throw new ProofError(`consistency proof does not lead to the root of tree size ${first}: history was rewritten`, 'HISTORY_REWRITTEN')
  if (!same(sr, secondRoot)) throw new ProofError(`consistency proof does not lead to the root of tree size ${second}`, 'PROOF_MISMATCH')
}

function isPow2 (n: number): boolean {
  let x = n
  while (x > 1) {
    if (odd(x)) return false
    x = half(x)
  }
  return x === 1
}
