import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { errors, type JWK } from 'jose'
import { sm2 as independent } from 'sm-crypto'
import t from 'tap'
import { ENVELOPE_ALGS } from '../../contracts/envelope-v1.js'
import { mintToken } from '../../src/auth/mint-token.js'
import { SM2_ALG, signCompact, signFlattened, verifyCompact, verifyFlattened, verifyJwt } from '../../src/keys/jws.js'
import { localKeySet, remoteKeySet } from '../../src/keys/key-sets.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart, signingKeyOf } from '../../src/keys/signing-keys.js'
import { sm2PrivateKey, type Sm2Jwk } from '../../src/keys/sm2.js'

// Issue 19 item 1: the gateway-defined JWS alg SM2-SM3 (src/keys/jws.ts), checked against an
// independent SM2 (sm-crypto, pure JavaScript) over the JWS signing input, and the per-key
// allow-list: an SM2 key verifies SM2-SM3 only, and nothing falls back to another algorithm.

const sm2Jwk = await generatePrivateJwk(SM2_ALG, 'ah-sm2-1')
const p256Jwk = await generatePrivateJwk('ES256', 'ah-p256-1')
const { key: sm2Key } = await signingKeyOf(sm2Jwk)
const { key: p256Key } = await signingKeyOf(p256Jwk)
const mixed = localKeySet({ keys: [publicPart(sm2Jwk), publicPart(p256Jwk)] })
const payload = new TextEncoder().encode(JSON.stringify({ hello: '长三角', n: 1 }))
const hexPublic = (jwk: JWK): string =>
  `04${Buffer.from(String(jwk.x), 'base64url').toString('hex')}${Buffer.from(String(jwk.y), 'base64url').toString('hex')}`
const hexPrivate = (jwk: JWK): string => Buffer.from(String(jwk.d), 'base64url').toString('hex')

t.test('an SM2 key is published as kty EC, crv SM2, alg SM2-SM3', async (t) => {
  t.same(Object.keys(publicPart(sm2Jwk)).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'])
  t.match(publicPart(sm2Jwk), { kty: 'EC', crv: 'SM2', alg: SM2_ALG, use: 'sig', kid: 'ah-sm2-1' })
})

t.test('SM2-SM3 compact JWS: ours verified by sm-crypto, sm-crypto\'s verified by ours', async (t) => {
  const jws = await signCompact(sm2Key, { alg: SM2_ALG, kid: 'ah-sm2-1', typ: 'JWT' }, payload)
  const [h = '', p = '', s = ''] = jws.split('.')
  t.equal(Buffer.from(s, 'base64url').length, 64, 'the signature is r ‖ s, 64 bytes')
  t.ok(independent.doVerifySignature(`${h}.${p}`, Buffer.from(s, 'base64url').toString('hex'), hexPublic(sm2Jwk), { hash: true }),
    'sm-crypto (user id 1234567812345678) verifies the signing input')
  const r = await verifyCompact(jws, mixed, ENVELOPE_ALGS)
  t.same(Buffer.from(r.payload), Buffer.from(payload), 'verified payload')
  t.equal(r.protectedHeader.alg, SM2_ALG)

  // A JWS signed by sm-crypto alone, with our header.
  const header = Buffer.from(JSON.stringify({ alg: SM2_ALG, kid: 'ah-sm2-1' })).toString('base64url')
  const input = `${header}.${Buffer.from(payload).toString('base64url')}`
  const sig = independent.doSignature(input, hexPrivate(sm2Jwk), { hash: true })
  const theirs = `${input}.${Buffer.from(sig, 'hex').toString('base64url')}`
  t.same(Buffer.from((await verifyCompact(theirs, mixed, ENVELOPE_ALGS)).payload), Buffer.from(payload), 'ours verifies sm-crypto\'s')
  const otherId = independent.doSignature(input, hexPrivate(sm2Jwk), { hash: true, userId: 'ALICE123@YAHOO.COM' })
  await t.rejects(verifyCompact(`${input}.${Buffer.from(otherId, 'hex').toString('base64url')}`, mixed, ENVELOPE_ALGS),
    errors.JWSSignatureVerificationFailed, 'a signature under another user id does not verify')
})

t.test('SM2-SM3 flattened JWS verifies; a changed payload or signature does not', async (t) => {
  const flat = await signFlattened(sm2Key, { alg: SM2_ALG, kid: 'ah-sm2-1', typ: 'yrd-envelope+jwt' }, payload)
  t.same(Buffer.from((await verifyFlattened(flat, mixed, ENVELOPE_ALGS)).payload), Buffer.from(payload))
  const other = Buffer.from(JSON.stringify({ hello: '长三角', n: 2 })).toString('base64url')
  await t.rejects(verifyFlattened({ ...flat, payload: other }, mixed, ENVELOPE_ALGS), errors.JWSSignatureVerificationFailed, 'payload changed')
  const sig = Buffer.from(flat.signature, 'base64url')
  sig[10] = (sig[10] ?? 0) ^ 1
  await t.rejects(verifyFlattened({ ...flat, signature: sig.toString('base64url') }, mixed, ENVELOPE_ALGS),
    errors.JWSSignatureVerificationFailed, 'signature changed')
  await t.rejects(verifyFlattened({ ...flat, signature: flat.signature.slice(0, 80) }, mixed, ENVELOPE_ALGS),
    errors.JWSSignatureVerificationFailed, 'signature not 64 bytes')
  await t.rejects(verifyFlattened({ ...flat, payload: `${flat.payload}+` }, mixed, ENVELOPE_ALGS),
    errors.JWSInvalid, 'payload not base64url')
})

t.test('the allow-list is per call and per key; nothing falls back', async (t) => {
  const sm2 = await signCompact(sm2Key, { alg: SM2_ALG, kid: 'ah-sm2-1' }, payload)
  await t.rejects(verifyCompact(sm2, mixed, ['ES256', 'EdDSA']), errors.JOSEAlgNotAllowed, 'SM2-SM3 not in the call\'s list')

  // An SM2-SM3 header naming the P-256 key's kid: no SM2 key has that kid.
  const [, p = '', s = ''] = sm2.split('.')
  const lying = `${Buffer.from(JSON.stringify({ alg: SM2_ALG, kid: 'ah-p256-1' })).toString('base64url')}.${p}.${s}`
  await t.rejects(verifyCompact(lying, mixed, ENVELOPE_ALGS), errors.JWKSNoMatchingKey, 'SM2-SM3 with a P-256 kid')

  // An ES256 header naming the SM2 key's kid: jose finds no P-256 key with that kid.
  const es = await signCompact(p256Key, { alg: 'ES256', kid: 'ah-sm2-1' }, payload)
  await t.rejects(verifyCompact(es, mixed, ENVELOPE_ALGS), errors.JWKSNoMatchingKey, 'ES256 with an SM2 kid')

  // An SM2 signature relabelled ES256 (and the other way round) does not verify.
  const relabelled = `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'ah-p256-1' })).toString('base64url')}.${p}.${s}`
  await t.rejects(verifyCompact(relabelled, mixed, ENVELOPE_ALGS), errors.JWSSignatureVerificationFailed, 'relabelled ES256')

  // A key set whose SM2 member says another alg, or is private, or is off the curve.
  const pub = publicPart(sm2Jwk)
  await t.rejects(verifyCompact(sm2, localKeySet({ keys: [{ ...pub, alg: 'ES256' }] }), ENVELOPE_ALGS), errors.JWKSNoMatchingKey, 'member alg ES256')
  await t.rejects(verifyCompact(sm2, localKeySet({ keys: [{ ...pub, use: 'enc' }] }), ENVELOPE_ALGS), errors.JWKSNoMatchingKey, 'member use enc')
  await t.rejects(verifyCompact(sm2, localKeySet({ keys: [pub, { ...pub }] }), ENVELOPE_ALGS), errors.JWKSMultipleMatchingKeys, 'two members, same kid')
  await t.rejects(verifyCompact(sm2, localKeySet({ keys: [sm2Jwk] }), ENVELOPE_ALGS), errors.JWKSInvalid, 'a private member')
  const y = Buffer.from(String(pub.y), 'base64url')
  y[31] = (y[31] ?? 0) ^ 1
  await t.rejects(verifyCompact(sm2, localKeySet({ keys: [{ ...pub, y: y.toString('base64url') }] }), ENVELOPE_ALGS), errors.JWKInvalid, 'a point off the curve')

  // A crit or b64 header is refused with SM2-SM3 as jose refuses what it does not know.
  const crit = `${Buffer.from(JSON.stringify({ alg: SM2_ALG, kid: 'ah-sm2-1', crit: ['x'], x: 1 })).toString('base64url')}.${p}`
  const critJws = `${crit}.${Buffer.from(independent.doSignature(crit, hexPrivate(sm2Jwk), { hash: true }), 'hex').toString('base64url')}`
  await t.rejects(verifyCompact(critJws, mixed, ENVELOPE_ALGS), errors.JWSInvalid, 'crit')
})

t.test('a remote key set resolves SM2 keys, and fetches again for a new kid (rotation)', async (t) => {
  const next = await generatePrivateJwk(SM2_ALG, 'ah-sm2-2')
  let keys = [publicPart(sm2Jwk)]
  let fetches = 0
  const server = createServer((_req, res) => {
    fetches++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`)
  const set = remoteKeySet(url, { cooldownDuration: 0 })
  const first = await signCompact(sm2Key, { alg: SM2_ALG, kid: 'ah-sm2-1' }, payload)
  t.ok(await verifyCompact(first, set, ENVELOPE_ALGS), 'first key')
  t.equal(fetches, 1, 'fetched once')
  t.ok(await verifyCompact(first, set, ENVELOPE_ALGS), 'again, from the cache')
  t.equal(fetches, 1, 'still once')
  keys = [publicPart(sm2Jwk), publicPart(next)]
  const second = await signCompact(sm2PrivateKey(next as Sm2Jwk), { alg: SM2_ALG, kid: 'ah-sm2-2' }, payload)
  t.ok(await verifyCompact(second, set, ENVELOPE_ALGS), 'a new kid: fetched again and found')
  t.equal(fetches, 2, 'fetched twice')
  const unknown = await signCompact(sm2Key, { alg: SM2_ALG, kid: 'nobody' }, payload)
  await t.rejects(verifyCompact(unknown, set, ENVELOPE_ALGS), errors.JWKSNoMatchingKey, 'an unknown kid after fetching again')
})

t.test('bearer tokens: an SM2-SM3 token passes the same claim rules as jose\'s', async (t) => {
  const token = await mintToken({ kid: 'ah-sm2-1', alg: SM2_ALG, key: sm2Key }, 'AH', { lifetimeSeconds: 120 })
  const r = await verifyJwt(token, mixed, { algorithms: ENVELOPE_ALGS, audience: 'YRD', requiredClaims: ['exp', 'iat'], maxTokenAge: 300, typ: 'JWT' })
  t.match(r.payload, { iss: 'AH', aud: 'YRD' })
  await t.rejects(verifyJwt(token, mixed, { algorithms: ENVELOPE_ALGS, audience: 'SH' }), errors.JWTClaimValidationFailed, 'another audience')
  await t.rejects(verifyJwt(token, mixed, { algorithms: ENVELOPE_ALGS, typ: 'at+jwt' }), errors.JWTClaimValidationFailed, 'another typ')
  const old = await mintToken({ kid: 'ah-sm2-1', alg: SM2_ALG, key: sm2Key }, 'AH', { lifetimeSeconds: -10 })
  await t.rejects(verifyJwt(old, mixed, { algorithms: ENVELOPE_ALGS }), errors.JWTExpired, 'expired')
})

t.test('the gateway\'s own key may be SM2: what it signs verifies against its published set, beside an older ES256 key', async (t) => {
  const gw = await gatewayKeysFrom([await generatePrivateJwk(SM2_ALG, 'gw-sm2'), await generatePrivateJwk('ES256', 'gw-es')])
  t.equal(gw.alg, SM2_ALG)
  t.same(gw.jwks.keys.map((k) => k.alg), [SM2_ALG, 'ES256'], 'both kinds published during a migration')
  const set = localKeySet(gw.jwks)
  const receipt = await gw.sign({ jti: 'x' }, 'yrd-receipt+jwt')
  t.match((await verifyCompact(receipt, set, ENVELOPE_ALGS)).protectedHeader, { alg: SM2_ALG, kid: 'gw-sm2' })
  const bytes = await gw.signBytes(new TextEncoder().encode('{"a":1}'), 'yrd-delivery+jwt')
  t.equal(new TextDecoder().decode((await verifyCompact(bytes.toString('latin1'), set, ENVELOPE_ALGS)).payload), '{"a":1}', 'signBytes')
})

t.test('a private SM2 JWK whose x, y is not d·G is refused', async (t) => {
  const other = await generatePrivateJwk(SM2_ALG, 'x')
  await t.rejects(signingKeyOf({ ...sm2Jwk, x: other.x, y: other.y }), /not the public key of d/)
})
