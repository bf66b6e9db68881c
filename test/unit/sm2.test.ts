import { createHash, randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { sm2 as independent } from 'sm-crypto'
import t from 'tap'
import {
  generateSm2Jwk, SM2_USER_ID, sm2PrivateKey, sm2PublicKey, sm2Sign, sm2Verify, sm2Za, type Sm2Jwk
} from '../../src/keys/sm2.js'

// Issue 19 item 2: SM2 and SM3 against the standards' own examples, and against an independent
// implementation (sm-crypto, pure JavaScript, no OpenSSL).

const hex = (h: string): Buffer => Buffer.from(h, 'hex')
const b64u = (h: string): string => hex(h).toString('base64url')

t.test('SM3: the examples of GB/T 32905-2016 Annex A', async (t) => {
  t.equal(createHash('sm3').update('abc').digest('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0', 'example 1: "abc"')
  t.equal(createHash('sm3').update('abcd'.repeat(16)).digest('hex'), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732', 'example 2: "abcd" × 16')
})

// GB/T 32918.5-2017 Annex A (GM/T 0003.5-2012): the recommended curve, user id 1234567812345678,
// as OpenSSL's test/sm2_internal_test.c carries it (docs/research/sm2/vectors.json).
const ANNEX_A = {
  d: '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8',
  x: '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020',
  y: 'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  za: 'B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3',
  message: 'message digest',
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA'
}
const annexJwk: Sm2Jwk = { kty: 'EC', crv: 'SM2', x: b64u(ANNEX_A.x), y: b64u(ANNEX_A.y), d: b64u(ANNEX_A.d) }

t.test('SM2: the signature example of GB/T 32918.5 Annex A verifies, with its Z_A', async (t) => {
  const pub = sm2PublicKey(annexJwk)
  t.equal(sm2Za(pub).toString('hex'), ANNEX_A.za.toLowerCase(), 'Z_A for user id 1234567812345678')
  const sig = hex(ANNEX_A.r + ANNEX_A.s)
  t.ok(sm2Verify(pub, Buffer.from(ANNEX_A.message), sig), 'the published (r, s) verifies')
  t.notOk(sm2Verify(pub, Buffer.from(ANNEX_A.message), sig, ''), 'not under the empty user id')
  t.notOk(sm2Verify(pub, Buffer.from('message digesT'), sig), 'not for another message')
  const flipped = Buffer.from(sig)
  flipped[63] = (flipped[63] ?? 0) ^ 1
  t.notOk(sm2Verify(pub, Buffer.from(ANNEX_A.message), flipped), 'not with s changed')
  t.notOk(sm2Verify(pub, Buffer.from(ANNEX_A.message), sig.subarray(0, 63)), 'not a short signature')
  t.notOk(sm2Verify(pub, Buffer.from(ANNEX_A.message), Buffer.alloc(64)), 'not r = s = 0')
  // The private key of the example signs what the independent implementation and the public key accept.
  const own = sm2Sign(sm2PrivateKey(annexJwk), Buffer.from(ANNEX_A.message))
  t.ok(sm2Verify(pub, Buffer.from(ANNEX_A.message), own), 'a signature by the example key verifies')
  t.ok(independent.doVerifySignature(ANNEX_A.message, own.toString('hex'), `04${ANNEX_A.x}${ANNEX_A.y}`.toLowerCase(), { hash: true }), 'and sm-crypto accepts it')
})

t.test('SM2 signatures agree with an independent implementation, both ways, for any message', async (t) => {
  const jwk = generateSm2Jwk('sm2-test')
  const priv = sm2PrivateKey(jwk)
  const pub = sm2PublicKey(jwk)
  const pubHex = `04${Buffer.from(jwk.x, 'base64url').toString('hex')}${Buffer.from(jwk.y, 'base64url').toString('hex')}`
  const dHex = Buffer.from(jwk.d ?? '', 'base64url').toString('hex')
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
    const msg = Buffer.from(bytes)
    const ours = sm2Sign(priv, msg)
    const theirs = independent.doSignature(Array.from(msg), dHex, { hash: true, publicKey: pubHex })
    return ours.length === 64 &&
      independent.doVerifySignature(Array.from(msg), ours.toString('hex'), pubHex, { hash: true }) &&
      sm2Verify(pub, msg, hex(theirs)) &&
      sm2Verify(pub, msg, ours)
  }), { numRuns: 40 })
  t.pass('40 random messages: ours verified by sm-crypto, sm-crypto\'s by ours')
  // Another user id, as a deployment could state one: both sides agree, and the default then fails.
  const msg = randomBytes(40)
  const sig = sm2Sign(priv, msg, 'gateway@yrd')
  t.ok(independent.doVerifySignature(Array.from(msg), sig.toString('hex'), pubHex, { hash: true, userId: 'gateway@yrd' }), 'a custom user id agrees')
  t.notOk(sm2Verify(pub, msg, sig, SM2_USER_ID), 'and is not the default id')
})

t.test('SM2 JWKs: what is refused', async (t) => {
  const good = generateSm2Jwk('k1')
  const other = generateSm2Jwk('k2')
  t.throws(() => sm2PrivateKey({ ...good, x: other.x, y: other.y }), /not the public key of d/, 'x, y that are not d·G')
  const y = Buffer.from(good.y, 'base64url')
  y[31] = (y[31] ?? 0) ^ 1
  t.throws(() => sm2PublicKey({ ...good, y: y.toString('base64url') }), /not a point of the curve/, 'a point off the curve')
  t.throws(() => sm2PublicKey({ ...good, crv: 'P-256' as 'SM2' }), /not an SM2 JWK/, 'another curve')
  t.throws(() => sm2PublicKey({ ...good, x: good.x.slice(0, 40) }), /x is not 32 bytes/, 'a short coordinate')
  t.throws(() => sm2PrivateKey({ ...good, d: Buffer.alloc(32).toString('base64url') }), /d is out of range/, 'd = 0')
  t.throws(() => sm2PrivateKey({ ...good, d: undefined }), /d is not 32 bytes/, 'no d')
})
