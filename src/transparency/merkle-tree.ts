import { hashOf, type ProofHash } from '../canonical/proof-hash.js'

// RFC 6962 §2.1 Merkle Tree Hash: leaves are hashed with a 0x00 prefix, interior nodes with 0x01,
// and a tree of n > 1 leaves splits at k, the largest power of two smaller than n. Nothing is
// duplicated for unbalanced trees. The hash is the log's (SHA-256, as RFC 6962 has it, or SM3);
// only the function differs, never the structure. SHA-256 where none is given: the RFC's vectors,
// the simulator's reference tree and every log created before SM3 could be chosen.

const LEAF = Buffer.from([0x00])
const NODE = Buffer.from([0x01])

export const leafHash = (leaf: Uint8Array, alg: ProofHash = 'SHA-256'): Buffer => hashOf(alg, LEAF, leaf)
export const nodeHash = (left: Uint8Array, right: Uint8Array, alg: ProofHash = 'SHA-256'): Buffer => hashOf(alg, NODE, left, right)
/** MTH({}) = the hash of the empty string. */
export const emptyRoot = (alg: ProofHash): Buffer => hashOf(alg)
/** MTH({}) of a SHA-256 log. */
export const EMPTY_ROOT = emptyRoot('SHA-256')

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint (n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** A half-open range of leaf indices [start, end). */
export type LeafRange = readonly [number, number]

/**
 * A perfect subtree: the 2^level leaves starting at index × 2^level. Level 0 is a leaf hash.
 * These are the only hashes the ledger stores; every other node is computed from them.
 */
export interface NodeId { level: number, index: number }

const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n

/** The perfect subtrees whose hashes determine MTH(D[start:end]), as the RFC recursion meets them. */
export function perfectNodesOf ([start, end]: LeafRange): NodeId[] {
  const n = end - start
  if (n <= 0) throw new RangeError(`empty range [${start}, ${end})`)
  if (isPowerOfTwo(n) && start % n === 0) return [{ level: Math.log2(n), index: start / n }]
  if (n === 1) return [{ level: 0, index: start }]
  const k = splitPoint(n)
  return [...perfectNodesOf([start, start + k]), ...perfectNodesOf([start + k, end])]
}

/** Looks a stored perfect subtree hash up; throws if it is missing. */
export type NodeLookup = (node: NodeId) => Uint8Array

/** MTH(D[start:end]) from stored perfect subtree hashes (O(log n) of them). */
export function rangeHash ([start, end]: LeafRange, lookup: NodeLookup, alg: ProofHash = 'SHA-256'): Uint8Array {
  const n = end - start
  if (n <= 0) throw new RangeError(`empty range [${start}, ${end})`)
  if (isPowerOfTwo(n) && start % n === 0) return lookup({ level: Math.log2(n), index: start / n })
  if (n === 1) return lookup({ level: 0, index: start })
  const k = splitPoint(n)
  return nodeHash(rangeHash([start, start + k], lookup, alg), rangeHash([start + k, end], lookup, alg), alg)
}

/** RFC 6962 §2.1.1 PATH(m, D[n]): the ranges whose hashes form the audit path, leaf upwards. */
export function inclusionRanges (index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is not in a tree of size ${size}`)
  }
  const path = (m: number, start: number, end: number): LeafRange[] => {
    const n = end - start
    if (n === 1) return []
    const k = splitPoint(n)
    return m < k
      ? [...path(m, start, start + k), [start + k, end]]
      : [...path(m - k, start + k, end), [start, start + k]]
  }
  return path(index, 0, size)
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]) for 0 < m ≤ n: the ranges whose hashes form the proof. */
export function consistencyRanges (first: number, second: number): LeafRange[] {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 1 || first > second) {
    throw new RangeError(`no consistency proof from size ${first} to size ${second}`)
  }
  const sub = (m: number, start: number, end: number, whole: boolean): LeafRange[] => {
    const n = end - start
    if (m === n) return whole ? [] : [[start, end]]
    const k = splitPoint(n)
    return m <= k
      ? [...sub(m, start, start + k, whole), [start + k, end]]
      : [...sub(m - k, start + k, end, false), [start, start + k]]
  }
  return sub(first, 0, second, true)
}

/** Every perfect subtree a list of ranges needs, without repeats (to fetch them in one query). */
export function nodesForRanges (ranges: LeafRange[]): NodeId[] {
  const seen = new Map<string, NodeId>()
  for (const r of ranges) for (const node of perfectNodesOf(r)) seen.set(`${node.level}:${node.index}`, node)
  return [...seen.values()]
}

/**
 * The perfect subtrees completed by appending the leaf at `index`: the leaf itself, then each
 * parent whose right child just became complete. `lookup` supplies the left siblings (the
 * tree's compact range), all of which already exist.
 */
export function nodesCompletedBy (
  index: number, hash: Uint8Array, lookup: NodeLookup, alg: ProofHash = 'SHA-256'
): Array<NodeId & { hash: Uint8Array }> {
  const out: Array<NodeId & { hash: Uint8Array }> = [{ level: 0, index, hash }]
  let level = 0
  let i = index
  let h = hash
  while (i % 2 === 1) {
    h = nodeHash(lookup({ level, index: i - 1 }), h, alg)
    level += 1
    i = (i - 1) / 2
    out.push({ level, index: i, hash: h })
  }
  return out
}
