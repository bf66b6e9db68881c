import { timingSafeEqual } from 'node:crypto'
import { nodeHash } from './merkle-tree.js'

// Proof verification as RFC 9162 §2.1.3.2 and §2.1.4.2 state it (the same trees as RFC 6962):
// only bit arithmetic on the sizes and hashing, so a platform can check without the tree.

/** A proof that does not hold: the message says which check failed. */
export class ProofError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ProofError'
  }
}

const HASH_BYTES = 32
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b)
const odd = (n: number): boolean => n % 2 === 1
const half = (n: number): number => Math.floor(n / 2)

function checkHashes (what: string, hashes: Uint8Array[]): void {
  hashes.forEach((h, i) => {
    if (h.length !== HASH_BYTES) throw new ProofError(`${what}[${i}] is ${h.length} bytes, not ${HASH_BYTES}`)
  })
}

function checkSize (what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofError(`${what} ${n} is not a tree size`)
}

/** The root an inclusion proof leads to; throws if the proof has the wrong shape for the sizes. */
export function rootFromInclusionProof (
  index: number, size: number, leafHash: Uint8Array, proof: Uint8Array[]
): Uint8Array {
  checkSize('leaf index', index)
  checkSize('tree size', size)
  if (index >= size) throw new ProofError(`leaf index ${index} is beyond tree size ${size}`)
  checkHashes('leaf hash', [leafHash])
  checkHashes('proof', proof)
  let fn = index
  let sn = size - 1
  let r: Uint8Array = leafHash
  for (const p of proof) {
    if (sn === 0) throw new ProofError('inclusion proof is longer than the tree is high')
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r)
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn) }
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = half(fn)
    sn = half(sn)
  }
  if (sn !== 0) throw new ProofError('inclusion proof is shorter than the tree is high')
  return r
}

/** Throws a ProofError unless `proof` shows the leaf at `index` in the tree of `size` with `root`. */
export function verifyInclusion (
  index: number, size: number, leafHash: Uint8Array, proof: Uint8Array[], root: Uint8Array
): void {
  checkHashes('root', [root])
  const computed = rootFromInclusionProof(index, size, leafHash, proof)
  if (!same(computed, root)) throw new ProofError(`inclusion proof for leaf ${index} does not lead to the root of tree size ${size}`)
}

/**
 * Throws a ProofError unless `proof` shows that the tree of `second` leaves with `secondRoot`
 * extends the tree of `first` leaves with `firstRoot` (nothing in the first was changed).
 */
export function verifyConsistency (
  first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: Uint8Array[]
): void {
  checkSize('first size', first)
  checkSize('second size', second)
  checkHashes('proof', proof)
  if (first > second) throw new ProofError(`first size ${first} is larger than second size ${second}`)
  if (first === second) {
    if (proof.length !== 0) throw new ProofError('a proof between equal sizes must be empty')
    if (!same(firstRoot, secondRoot)) throw new ProofError(`two different roots for tree size ${first}: history was rewritten`)
    return
  }
  if (first === 0) {
    if (proof.length !== 0) throw new ProofError('a proof from the empty tree must be empty')
    return
  }
  checkHashes('roots', [firstRoot, secondRoot])
  if (proof.length === 0) throw new ProofError('empty consistency proof')
  const path = isPow2(first) ? [firstRoot, ...proof] : [...proof]
  let fn = first - 1
  let sn = second - 1
  while (odd(fn)) { fn = half(fn); sn = half(sn) }
  let fr = path[0] as Uint8Array
  let sr = fr
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('consistency proof is too long')
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn) }
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn = half(fn)
    sn = half(sn)
  }
  if (sn !== 0) throw new ProofError('consistency proof is too short')
  if (!same(fr, firstRoot)) throw new ProofError(`consistency proof does not lead to the root of tree size ${first}: history was rewritten`)
  if (!same(sr, secondRoot)) throw new ProofError(`consistency proof does not lead to the root of tree size ${second}`)
}

function isPow2 (n: number): boolean {
  let x = n
  while (x > 1) {
    if (odd(x)) return false
    x = half(x)
  }
  return x === 1
}
