import t from 'tap'
import { README_ITEM, README_ROW, README_SALT } from '../helpers/readme-leaf-example.js'
import { canonicalDigest, canonicalJson } from '../../src/canonical/canonical-json.js'
import { dataHashOf, leafBytes, leafOfHistory } from '../../src/transparency/change-leaf.js'
import {
  consistencyRanges, emptyRoot, EMPTY_ROOT, inclusionRanges, leafHash, nodeHash, nodesCompletedBy, rangeHash,
  type NodeLookup
} from '../../src/transparency/merkle-tree.js'
import { ProofError, rootFromInclusionProof, verifyConsistency, verifyInclusion } from '../../src/transparency/merkle-verify.js'
import { sm3Mth as MTH, sm3Of as H, sm3Path as PATH, sm3Proof as PROOF } from '../helpers/independent-sm3-tree.js'

// Issue 19 item 3: SM3 logs keep RFC 6962's structure (0x00 leaf prefix, 0x01 node prefix, the split
// at the largest power of two below n) with SM3 for SHA-256. No published vectors exist for that, so
// these are our own: the eight leaves of the RFC 6962 vectors (merkle-vectors.test.ts), with every
// expected value computed by an independent implementation (test/helpers/independent-sm3-tree.ts:
// RFC 6962 §2.1 written out recursively over sm-crypto's pure JavaScript SM3, not OpenSSL's), and a
// few of them also hard-coded, so that a regression in both would still show.

const hex = (s: string): Buffer => Buffer.from(s, 'hex')
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

// ——— the code under test: the primitives the sequencer, the proof service and the verifier use ———
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex)
const nodes = new Map<string, Uint8Array>()
const lookup: NodeLookup = ({ level, index }) => {
  const h = nodes.get(`${level}:${index}`)
  if (h === undefined) throw new RangeError(`no node ${level}:${index}`)
  return h
}
LEAVES.forEach((leaf, i) => {
  for (const n of nodesCompletedBy(i, leafHash(leaf, 'SM3'), lookup, 'SM3')) nodes.set(`${n.level}:${n.index}`, n.hash)
})
const root = (size: number): Uint8Array => rangeHash([0, size], lookup, 'SM3')
const inclusion = (index: number, size: number): Uint8Array[] => inclusionRanges(index, size).map((r) => rangeHash(r, lookup, 'SM3'))
const consistency = (m: number, n: number): Uint8Array[] => consistencyRanges(m, n).map((r) => rangeHash(r, lookup, 'SM3'))

// Hard-coded: sm-crypto's sm3 (0.5) and OpenSSL 3's agreed on them when they were written.
const FIXED = {
  empty: '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b',
  emptyLeaf: '2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf',
  leafL123456: 'b62d3c1e4d175631cb0e267ac43f4fe7d45ab328085a0a0841a5dd99d72665be',
  nodeN123N456: 'ceaddc3c5fbab603a1aa11181127a75c34acfd1a0bcd1ac67e3fa9ed55a5d5b6',
  roots: {
    2: '0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d',
    4: '28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377',
    5: 'bb10c996aeebbcdc69be3715fc847344de77442d37a5ab8213da9f41785b103b',
    7: 'bd36c22a1ac6ff4308e0c3cc1a85bf0ffa30538ec60a55c70413ab15d45db4d2',
    8: 'bc48ba7a709184b5f2a631e1adeb8dc2a0d4c018c1d6cc89b5664fe154c93b38'
  } as Record<number, string>,
  /** PATH(5, D[8]) (leaf 6 of the Go vectors' 1-based numbering). */
  path5of8: ['a798bfdb4164a6c7b41a6faecc5c3155cf04d38929dcbd4fe21dea29071aac64', '155f6ed4ccfa83510c9416c99b48f41aa5b12e443546bee1b501a7b281e5132a',
    '28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377'],
  proof6to8: ['6f5566cd4dfab1605e73be3ce132f38de996be0094142731e1eb2ab2e001daca', '155f6ed4ccfa83510c9416c99b48f41aa5b12e443546bee1b501a7b281e5132a',
    '28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377'],
  proof3to7: ['c93540f0356ca5170858329e6d483f335894dac0de71c64ff8b51cba68cce396', '796e7bd749551d8e3dbd787d5fdbc62771c9a04db51a53bdbc004211f606ee6a',
    '0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d', '6f59d73facf2001681a4932aa0ec3c8006b2911c498c6dda229de1b618670d4e']
}

t.test('SM3 hasher: the empty tree, leaves and nodes, against sm-crypto and hard-coded values', async (t) => {
  t.equal(toHex(emptyRoot('SM3')), toHex(H()), 'MTH({}) = SM3 of the empty string (independent)')
  t.equal(toHex(emptyRoot('SM3')), FIXED.empty, 'MTH({}) (hard-coded)')
  t.equal(toHex(leafHash(Buffer.alloc(0), 'SM3')), FIXED.emptyLeaf, 'the empty leaf')
  t.equal(toHex(leafHash(Buffer.from('L123456'), 'SM3')), toHex(H(Uint8Array.of(0), Buffer.from('L123456'))))
  t.equal(toHex(leafHash(Buffer.from('L123456'), 'SM3')), FIXED.leafL123456, 'the hasher vectors\' leaf, with SM3')
  t.equal(toHex(nodeHash(Buffer.from('N123'), Buffer.from('N456'), 'SM3')), FIXED.nodeN123N456, 'the hasher vectors\' node, with SM3')
  t.equal(toHex(emptyRoot('SHA-256')), toHex(EMPTY_ROOT), 'SHA-256 stays the default')
  t.not(toHex(leafHash(Buffer.alloc(0), 'SM3')), toHex(leafHash(Buffer.alloc(0))), 'SM3 is not SHA-256')
})

t.test('roots of sizes 1..8 of the RFC 6962 test leaves, with SM3', async (t) => {
  for (let n = 1; n <= LEAVES.length; n++) {
    const expected = toHex(MTH(LEAVES.slice(0, n)))
    t.equal(toHex(root(n)), expected, `size ${n}: the stored-subtree root is the independent MTH`)
    const fixed = FIXED.roots[n]
    if (fixed !== undefined) t.equal(expected, fixed, `size ${n} (hard-coded)`)
  }
})

t.test('every inclusion proof of sizes 1..8 is the independent PATH and verifies with SM3, not SHA-256', async (t) => {
  t.same(PATH(5, LEAVES).map(toHex), FIXED.path5of8, 'PATH(5, D[8]) (hard-coded)')
  for (let n = 1; n <= LEAVES.length; n++) {
    const d = LEAVES.slice(0, n)
    const r = root(n)
    for (let m = 0; m < n; m++) {
      const proof = inclusion(m, n)
      t.same(proof.map(toHex), PATH(m, d).map(toHex), `PATH(${m}, D[${n}])`)
      const lh = leafHash(LEAVES[m] as Uint8Array, 'SM3')
      t.doesNotThrow(() => { verifyInclusion(m, n, lh, proof, r, 'SM3') }, `leaf ${m} in ${n} verifies`)
      t.equal(toHex(rootFromInclusionProof(m, n, lh, proof, 'SM3')), toHex(MTH(d)))
      // The same proof read as a SHA-256 log's, or the SHA-256 leaf hash, leads elsewhere.
      if (n > 1) t.throws(() => { verifyInclusion(m, n, lh, proof, r) }, { code: 'PROOF_MISMATCH' }, `leaf ${m} in ${n}: not under SHA-256`)
      t.throws(() => { verifyInclusion(m, n, leafHash(LEAVES[m] as Uint8Array), proof, r, 'SM3') }, ProofError, `leaf ${m} in ${n}: not a SHA-256 leaf hash`)
    }
  }
  const r8 = root(8)
  const lh5 = leafHash(LEAVES[5] as Uint8Array, 'SM3')
  const good = FIXED.path5of8.map(hex)
  t.throws(() => { verifyInclusion(4, 8, lh5, good, r8, 'SM3') }, ProofError, 'another index')
  t.throws(() => { verifyInclusion(5, 8, lh5, good.slice(0, 2), r8, 'SM3') }, { code: 'PROOF_MALFORMED' }, 'a component removed')
  const flipped = good.map((h, i) => (i === 1 ? Buffer.from(h.map((b, j) => (j === 0 ? b ^ 1 : b))) : h))
  t.throws(() => { verifyInclusion(5, 8, lh5, flipped, r8, 'SM3') }, { code: 'PROOF_MISMATCH' }, 'a bit flipped')
})

t.test('every consistency proof of sizes 1..8 is the independent PROOF and verifies with SM3, not SHA-256', async (t) => {
  t.same(PROOF(6, LEAVES).map(toHex), FIXED.proof6to8, 'PROOF(6, D[8]) (hard-coded)')
  t.same(PROOF(3, LEAVES.slice(0, 7)).map(toHex), FIXED.proof3to7, 'PROOF(3, D[7]) (hard-coded)')
  for (let n = 1; n <= LEAVES.length; n++) {
    for (let m = 1; m <= n; m++) {
      const proof = m === n ? [] : consistency(m, n)
      t.same(proof.map(toHex), PROOF(m, LEAVES.slice(0, n)).map(toHex), `PROOF(${m}, D[${n}])`)
      t.doesNotThrow(() => { verifyConsistency(m, n, root(m), root(n), proof, 'SM3') }, `${m} -> ${n} verifies`)
      if (m < n) t.throws(() => { verifyConsistency(m, n, root(m), root(n), proof) }, ProofError, `${m} -> ${n}: not under SHA-256`)
    }
  }
  t.throws(() => { verifyConsistency(6, 8, root(7), root(8), FIXED.proof6to8.map(hex), 'SM3') }, { code: 'HISTORY_REWRITTEN' }, 'another first root')
  t.throws(() => { verifyConsistency(6, 8, root(6), root(7), FIXED.proof6to8.map(hex), 'SM3') }, { code: 'PROOF_MISMATCH' }, 'another second root')
})

t.test('an SM3 log\'s leaf: dataHash and leaf hash with SM3 (README example item)', async (t) => {
  const item = README_ITEM
  const salt = README_SALT
  const canonical = Buffer.from(canonicalJson(item), 'utf8')
  t.equal(dataHashOf(item, salt, 'SM3'), H(salt, canonical).toString('base64url'), 'v2: SM3(salt || canonical JSON), independent')
  t.equal(dataHashOf(item, salt, 'SM3'), 'NiKBmO1Th8_CNgLP3c30_LqD5z4mo3_14nxkIHCA4VM', 'v2 (hard-coded)')
  t.equal(dataHashOf(item, null, 'SM3'), 'iXWv6nLdoZxhjauNAGrix0ok3MPslSRR4cDpXMgBRa8', 'v1 (hard-coded)')
  t.equal(dataHashOf(item, salt), 'We0jWuPFugSrqg0hMJ68pEaZRA7N7zZ2EsQ7_p8Rfdw', 'SHA-256 logs keep their dataHash (README)')
  const row = README_ROW
  const leaf = leafOfHistory(row, 'SM3')
  t.equal(leaf.dataHash, 'NiKBmO1Th8_CNgLP3c30_LqD5z4mo3_14nxkIHCA4VM', 'the leaf of an SM3 log carries the SM3 dataHash')
  t.equal(leafHash(leafBytes(leaf), 'SM3').toString('base64url'), H(Uint8Array.of(0), leafBytes(leaf)).toString('base64url'))
  t.equal(leafHash(leafBytes(leaf), 'SM3').toString('base64url'), 'uW_fSVryxD0IgW47gB_xD9kd2JVP4ivsdzcje6BM3P4', 'leaf hash (hard-coded)')
  t.equal(leafOfHistory({ ...row, leaf_data_hash: 'kept' }, 'SM3').dataHash, 'kept', 'a dataHash kept at erasure is used as it is')
})

t.test('canonicalDigest (check receipts) with SM3', async (t) => {
  const answer = { b: [1, '信用'], a: null }
  t.equal(canonicalDigest(answer, 'SM3'), H(Buffer.from('{"a":null,"b":[1,"信用"]}', 'utf8')).toString('base64url'))
  t.not(canonicalDigest(answer, 'SM3'), canonicalDigest(answer), 'SHA-256 stays the default')
})
