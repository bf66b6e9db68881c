import t from 'tap'
import { EMPTY_ROOT, leafHash, nodeHash } from '../../src/transparency/merkle-tree.js'
import { MemoryTree } from '../../sim/memory-tree.js'
import { ProofError, rootFromInclusionProof, verifyConsistency, verifyInclusion } from '../../src/transparency/merkle-verify.js'

// The published RFC 6962 test vectors, verbatim from transparency-dev/merkle (the Go module that
// certificate-transparency-go's merkle code moved to): proof/verify_test.go (leaves, roots for
// sizes 1..8, inclusionProofs with 1-based leaf numbers, consistencyProofs, the corruption
// probes) and rfc6962/rfc6962_test.go (the hasher vectors).

const hex = (s: string): Buffer => Buffer.from(s, 'hex')

const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex)
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'
].map(hex)

/** `leaf` is 1-based, as in the Go vectors. */
const INCLUSION: Array<{ leaf: number, size: number, proof: Buffer[] }> = [
  { leaf: 1, size: 1, proof: [] },
  {
    leaf: 1,
    size: 8,
    proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'].map(hex)
  },
  {
    leaf: 6,
    size: 8,
    proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'].map(hex)
  },
  { leaf: 3, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'].map(hex) },
  {
    leaf: 2,
    size: 5,
    proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'].map(hex)
  }
]

const CONSISTENCY: Array<{ size1: number, size2: number, proof: Buffer[] }> = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'].map(hex)
  },
  {
    size1: 6,
    size2: 8,
    proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'].map(hex)
  },
  {
    size1: 2,
    size2: 5,
    proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'].map(hex)
  },
  {
    size1: 6,
    size2: 7,
    proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'].map(hex)
  }
]

const SOME_HASH = hex('abacaba000000000000000000000000000000000000000000060061e00123456')
const EMPTY_TREE = hex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')

const tree = new MemoryTree()
for (const leaf of LEAVES) tree.append(leaf)

t.test('hasher vectors (rfc6962_test.go)', async (t) => {
  t.equal(EMPTY_ROOT.toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'empty tree')
  t.equal(leafHash(Buffer.alloc(0)).toString('hex'), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', 'empty leaf')
  t.equal(leafHash(Buffer.from('L123456')).toString('hex'), '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56', 'leaf')
  t.equal(nodeHash(Buffer.from('N123'), Buffer.from('N456')).toString('hex'), 'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb', 'node')
})

t.test('roots of sizes 1..8', async (t) => {
  ROOTS.forEach((root, i) => { t.same(Buffer.from(tree.root(i + 1)).toString('hex'), root.toString('hex'), `size ${i + 1}`) })
  // Built leaf by leaf, every intermediate size has the same roots.
  const growing = new MemoryTree()
  LEAVES.forEach((leaf, i) => {
    growing.append(leaf)
    t.same(Buffer.from(growing.root()).toString('hex'), ROOTS[i]?.toString('hex'), `incremental size ${i + 1}`)
  })
})

t.test('inclusion vectors: generated identically and verified', async (t) => {
  for (const v of INCLUSION) {
    const index = v.leaf - 1
    t.same(tree.inclusionProof(index, v.size).map((h) => Buffer.from(h).toString('hex')), v.proof.map((h) => h.toString('hex')), `PATH(${index}, ${v.size})`)
    const root = ROOTS[v.size - 1] as Buffer
    const lh = leafHash(LEAVES[index] as Buffer)
    t.doesNotThrow(() => { verifyInclusion(index, v.size, lh, v.proof, root) }, `verifies leaf ${index} in ${v.size}`)
    t.same(Buffer.from(rootFromInclusionProof(index, v.size, lh, v.proof)).toString('hex'), root.toString('hex'))
    // The corruption probes of verify_test.go: none may verify.
    const probes: Array<[string, () => void]> = [
      ['leafIndex - 1', () => { verifyInclusion(index - 1, v.size, lh, v.proof, root) }],
      ['leafIndex + 1', () => { verifyInclusion(index + 1, v.size, lh, v.proof, root) }],
      ['leafIndex ^ 2', () => { verifyInclusion(index ^ 2, v.size, lh, v.proof, root) }],
      ['treeSize * 2', () => { verifyInclusion(index, v.size * 2, lh, v.proof, root) }],
      ['treeSize / 2', () => { verifyInclusion(index, Math.floor(v.size / 2), lh, v.proof, root) }],
      ['wrong leaf', () => { verifyInclusion(index, v.size, Buffer.from('WrongLeaf'), v.proof, root) }],
      ['empty root', () => { verifyInclusion(index, v.size, lh, v.proof, EMPTY_TREE) }],
      ['random root', () => { verifyInclusion(index, v.size, lh, v.proof, SOME_HASH) }],
      ['trailing garbage', () => { verifyInclusion(index, v.size, lh, [...v.proof, Buffer.alloc(0)], root) }],
      ['trailing root', () => { verifyInclusion(index, v.size, lh, [...v.proof, root], root) }],
      ['preceding garbage', () => { verifyInclusion(index, v.size, lh, [Buffer.alloc(0), ...v.proof], root) }],
      ['preceding root', () => { verifyInclusion(index, v.size, lh, [root, ...v.proof], root) }]
    ]
    v.proof.forEach((_, i) => {
      const wrong = v.proof.map((h) => Buffer.from(h))
      const w = wrong[i] as Buffer
      w[0] = (w[0] as number) ^ 8
      probes.push([`modified proof[${i}] bit 3`, () => { verifyInclusion(index, v.size, lh, wrong, root) }])
    })
    if (v.proof.length > 0) probes.push(['removed component', () => { verifyInclusion(index, v.size, lh, v.proof.slice(0, -1), root) }])
    if (v.proof.length > 1) probes.push(['inserted component', () => { verifyInclusion(index, v.size, lh, [v.proof[0] as Buffer, SOME_HASH, ...v.proof.slice(1)], root) }])
    for (const [desc, probe] of probes) t.throws(probe, ProofError, `PATH(${index}, ${v.size}) ${desc} refused`)
  }
})

t.test('consistency vectors: generated identically and verified', async (t) => {
  for (const v of CONSISTENCY) {
    const root1 = ROOTS[v.size1 - 1] as Buffer
    const root2 = ROOTS[v.size2 - 1] as Buffer
    if (v.size1 < v.size2) {
      t.same(tree.consistencyProof(v.size1, v.size2).map((h) => Buffer.from(h).toString('hex')), v.proof.map((h) => h.toString('hex')), `PROOF(${v.size1}, ${v.size2})`)
    }
    t.doesNotThrow(() => { verifyConsistency(v.size1, v.size2, root1, root2, v.proof) }, `verifies ${v.size1} -> ${v.size2}`)
    if (v.proof.length === 0) continue
    const probes: Array<[string, () => void]> = [
      ['size1 - 1', () => { verifyConsistency(v.size1 - 1, v.size2, root1, root2, v.proof) }],
      ['size1 + 1', () => { verifyConsistency(v.size1 + 1, v.size2, root1, root2, v.proof) }],
      ['size1 ^ 2', () => { verifyConsistency(v.size1 ^ 2, v.size2, root1, root2, v.proof) }],
      ['size2 * 2', () => { verifyConsistency(v.size1, v.size2 * 2, root1, root2, v.proof) }],
      ['size2 / 2', () => { verifyConsistency(v.size1, Math.floor(v.size2 / 2), root1, root2, v.proof) }],
      ['wrong root1', () => { verifyConsistency(v.size1, v.size2, Buffer.from('WrongRoot'), root2, v.proof) }],
      ['wrong root2', () => { verifyConsistency(v.size1, v.size2, root1, Buffer.from('WrongRoot'), v.proof) }],
      ['swapped roots', () => { verifyConsistency(v.size1, v.size2, root2, root1, v.proof) }],
      ['empty proof', () => { verifyConsistency(v.size1, v.size2, root1, root2, []) }],
      ['trailing garbage', () => { verifyConsistency(v.size1, v.size2, root1, root2, [...v.proof, Buffer.alloc(0)]) }],
      ['trailing root1', () => { verifyConsistency(v.size1, v.size2, root1, root2, [...v.proof, root1]) }],
      ['trailing root2', () => { verifyConsistency(v.size1, v.size2, root1, root2, [...v.proof, root2]) }],
      ['preceding garbage', () => { verifyConsistency(v.size1, v.size2, root1, root2, [Buffer.alloc(0), ...v.proof]) }],
      ['preceding root1', () => { verifyConsistency(v.size1, v.size2, root1, root2, [root1, ...v.proof]) }],
      ['preceding root2', () => { verifyConsistency(v.size1, v.size2, root1, root2, [root2, ...v.proof]) }],
      ['preceding proof[0]', () => { verifyConsistency(v.size1, v.size2, root1, root2, [v.proof[0] as Buffer, ...v.proof]) }],
      ['truncated proof', () => { verifyConsistency(v.size1, v.size2, root1, root2, v.proof.slice(0, -1)) }]
    ]
    v.proof.forEach((_, i) => {
      const wrong = v.proof.map((h) => Buffer.from(h))
      const w = wrong[i] as Buffer
      w[0] = (w[0] as number) ^ 16
      probes.push([`modified proof[${i}] bit 4`, () => { verifyConsistency(v.size1, v.size2, root1, root2, wrong) }])
    })
    for (const [desc, probe] of probes) t.throws(probe, ProofError, `PROOF(${v.size1}, ${v.size2}) ${desc} refused`)
  }
})

t.test('edge cases of verify_test.go', async (t) => {
  // Sizes that are always consistent, and those that never are.
  t.doesNotThrow(() => { verifyConsistency(0, 0, EMPTY_TREE, EMPTY_TREE, []) })
  t.doesNotThrow(() => { verifyConsistency(0, 1, EMPTY_TREE, SOME_HASH, []) })
  t.throws(() => { verifyConsistency(1, 0, SOME_HASH, EMPTY_TREE, []) }, ProofError, 'time travel to the past')
  t.throws(() => { verifyConsistency(1, 2, SOME_HASH, EMPTY_TREE, []) }, ProofError, 'empty proof')
  t.throws(() => { verifyConsistency(1, 1, EMPTY_TREE, SOME_HASH, []) }, ProofError, 'equal sizes, different roots')
  t.throws(() => { verifyConsistency(1, 1, EMPTY_TREE, SOME_HASH, []) }, { code: 'HISTORY_REWRITTEN' }, 'equal sizes, different roots: code')
  t.throws(() => { verifyConsistency(1, 0, SOME_HASH, EMPTY_TREE, []) }, { code: 'PROOF_MALFORMED' }, 'time travel: code')
  t.throws(() => { verifyConsistency(1, 1, EMPTY_TREE, EMPTY_TREE, [EMPTY_TREE]) }, ProofError, 'equal sizes, proof not empty')
  for (const [index, size] of [[0, 0], [1, 0], [2, 1]] as const) {
    t.throws(() => { verifyInclusion(index, size, SOME_HASH, [], EMPTY_TREE) }, ProofError, `leaf ${index} in ${size}`)
  }
  const single = leafHash(Buffer.from('data'))
  t.doesNotThrow(() => { verifyInclusion(0, 1, single, [], single) }, 'a one-leaf tree: root = leaf hash')
  t.throws(() => { verifyInclusion(0, 1, single, [], Buffer.alloc(0)) }, ProofError, 'wrong hash size')
  t.throws(() => { verifyInclusion(0, 1, single, [], Buffer.alloc(0)) }, { code: 'PROOF_MALFORMED' }, 'wrong hash size: code')
  t.throws(() => { verifyInclusion(0, 1, single, [], SOME_HASH) }, { code: 'PROOF_MISMATCH' }, 'another root: code')
})
