import t from 'tap'
import fc from 'fast-check'
import { MemoryTree } from '../../sim/memory-tree.js'
import { ProofError, verifyConsistency, verifyInclusion } from '../../src/transparency/merkle-verify.js'
import { leafHash } from '../../src/transparency/merkle-tree.js'

// "Every inclusion and consistency proof of a tree verifies; any tampering with the proof, the
// sizes, the leaf or the roots makes it fail."

const RUNS = 300
const treeOf = (leaves: Uint8Array[]): MemoryTree => {
  const tree = new MemoryTree()
  for (const leaf of leaves) tree.append(leaf)
  return tree
}
const leavesArb = fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 70 })
const flip = (proof: Uint8Array[], i: number, bit: number): Uint8Array[] =>
  proof.map((h, j) => {
    const c = Uint8Array.from(h)
    if (j === i) c[bit >> 3] = (c[bit >> 3] ?? 0) ^ (1 << (bit & 7))
    return c
  })
const fails = (fn: () => void): boolean => {
  try {
    fn()
    return false
  } catch (err) {
    if (!(err instanceof ProofError)) throw err
    return true
  }
}

t.test('every inclusion proof verifies, and every tampering fails', async (t) => {
  fc.assert(fc.property(leavesArb, fc.nat(), fc.nat(), fc.nat(255), (leaves, a, b, bit) => {
    const tree = treeOf(leaves)
    const size = 1 + (a % leaves.length)
    const index = b % size
    const root = tree.root(size)
    const proof = tree.inclusionProof(index, size)
    const lh = leafHash(leaves[index] as Uint8Array)
    verifyInclusion(index, size, lh, proof, root)
    if (proof.length > 0) {
      const i = bit % proof.length
      if (!fails(() => { verifyInclusion(index, size, lh, flip(proof, i, bit), root) })) return false
      if (!fails(() => { verifyInclusion(index, size, lh, proof.slice(1), root) })) return false
    }
    if (!fails(() => { verifyInclusion(index, size, lh, [...proof, root], root) })) return false
    if (
      !fails(
        () => {
          verifyInclusion(index, size, leafHash(Uint8Array.of(...(leaves[index] as Uint8Array), 1)), proof, root)
        }
      )
    ) return false
    if (!fails(() => { verifyInclusion(index, size, lh, proof, flip([root], 0, bit)[0] as Uint8Array) })) return false
    // Another leaf's index with the same proof only verifies if both leaves are equal.
    if (size > 1) {
      const other = (index + 1) % size
      const same = Buffer.compare(
        Buffer.from(leaves[other] as Uint8Array), Buffer.from(leaves[index] as Uint8Array)
      ) === 0
      if (!same && !fails(() => { verifyInclusion(other, size, lh, proof, root) })) return false
    }
    return true
  }), { numRuns: RUNS })
  t.pass(`${RUNS} trees`)
})

t.test('every consistency proof verifies, and every tampering fails', async (t) => {
  fc.assert(fc.property(leavesArb, fc.nat(), fc.nat(), fc.nat(255), (leaves, a, b, bit) => {
    const tree = treeOf(leaves)
    const second = 1 + (a % leaves.length)
    const first = 1 + (b % second)
    const r1 = tree.root(first)
    const r2 = tree.root(second)
    const proof = first === second ? [] : tree.consistencyProof(first, second)
    verifyConsistency(first, second, r1, r2, proof)
    if (first === second) {
      return fails(
        () => { verifyConsistency(first, second, r1, flip([r2], 0, bit)[0] as Uint8Array, proof) }
      )
    }
    const i = bit % proof.length
    if (!fails(() => { verifyConsistency(first, second, r1, r2, flip(proof, i, bit)) })) return false
    if (!fails(() => { verifyConsistency(first, second, flip([r1], 0, bit)[0] as Uint8Array, r2, proof) })) return false
    if (!fails(() => { verifyConsistency(first, second, r1, flip([r2], 0, bit)[0] as Uint8Array, proof) })) return false
    if (!fails(() => { verifyConsistency(first, second, r1, r2, proof.slice(0, -1)) })) return false
    if (!fails(() => { verifyConsistency(first, second, r1, r2, [...proof, r2]) })) return false
    return true
  }), { numRuns: RUNS })
  t.pass(`${RUNS} trees`)
})

t.test('a rewritten leaf breaks consistency with every earlier root that covered it', async (t) => {
  fc.assert(fc.property(leavesArb, fc.nat(), fc.nat(), fc.nat(), (leaves, a, b, c) => {
    if (leaves.length < 2) return true
    const second = 2 + (a % (leaves.length - 1))
    const first = 1 + (b % (second - 1))
    const victim = c % first
    const honest = treeOf(leaves.slice(0, first))
    const rewritten = leaves.map((l, i) => (i === victim ? Uint8Array.of(...l, 0xff) : l))
    const forged = treeOf(rewritten)
    return fails(
      () => {
        verifyConsistency(first, second, honest.root(), forged.root(second), forged.consistencyProof(first, second))
      }
    )
  }), { numRuns: RUNS })
  t.pass(`${RUNS} rewrites`)
})
