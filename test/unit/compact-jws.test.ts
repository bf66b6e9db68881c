import { createPrivateKey, randomBytes, type JsonWebKey } from 'node:crypto'
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose'
import t from 'tap'
import { signCompactBytes } from '../../src/keys/compact-jws.js'
import { gatewayKeysFrom, generatePrivateJwk, type SigningAlg } from '../../src/keys/signing-keys.js'

for (const alg of ['ES256', 'EdDSA'] as SigningAlg[]) {
  t.test(`${alg}: signBytes gives a compact JWS that jose verifies, over the payload's exact bytes`, async (t) => {
    const keys = await gatewayKeysFrom([await generatePrivateJwk(alg, `k-${alg}`)])
    const publicKey = await importJWK(keys.jwks.keys[0] ?? {}, alg)
    // JSON with non-ASCII text, an empty payload, random bytes, and a bulk-sized payload.
    const payloads = [
      Buffer.from(JSON.stringify({ name: '上海某某有限公司', q: '"\\\u2028' })),
      Buffer.alloc(0),
      randomBytes(1), randomBytes(2), randomBytes(3), randomBytes(1000),
      Buffer.from(JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => ({ i, pad: 'x'.repeat(1200) })) }))
    ]
    for (const payload of payloads) {
      const jws = await keys.signBytes(payload, 'test+jwt')
      t.match(jws.toString('latin1'), /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/, 'compact serialisation, ASCII')
      const verified = await compactVerify(jws.toString('latin1'), publicKey, { algorithms: [alg] })
      t.ok(Buffer.from(verified.payload).equals(payload), `payload of ${payload.length} bytes round-trips`)
      t.same(decodeProtectedHeader(jws.toString('latin1')), { alg, kid: `k-${alg}`, typ: 'test+jwt' })
    }
    const [, , sig] = (await keys.signBytes(Buffer.from('{}'), 'x')).toString('latin1').split('.')
    t.equal(Buffer.from(sig ?? '', 'base64url').length, 64, 'the signature is r‖s (RFC 7518 §3.4) or Ed25519\'s 64 bytes')
  })
}

t.test('a view into a larger buffer signs its own bytes only', async (t) => {
  const keys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'k')])
  const whole = Buffer.from('xx{"a":1}yy')
  const jws = await keys.signBytes(whole.subarray(2, 9), 'x')
  const verified = await compactVerify(jws.toString('latin1'), await importJWK(keys.jwks.keys[0] ?? {}, 'ES256'))
  t.equal(Buffer.from(verified.payload).toString(), '{"a":1}')
})

t.test('a tampered byte fails verification', async (t) => {
  const keys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'k')])
  const jws = await keys.signBytes(Buffer.from('{"a":1}'), 'x')
  const text = jws.toString('latin1')
  const [h = '', p = '', s = ''] = text.split('.')
  const tampered = `${h}.${Buffer.from('{"a":2}').toString('base64url')}.${s}`
  t.not(p, tampered.split('.')[1])
  await t.rejects(compactVerify(tampered, await importJWK(keys.jwks.keys[0] ?? {}, 'ES256')), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' })
})

t.test('an Ed25519 key named ES256 is refused, not used for another algorithm', async (t) => {
  const edJwk = await generatePrivateJwk('EdDSA', 'k2')
  const key = createPrivateKey({ key: edJwk as JsonWebKey, format: 'jwk' })
  await t.rejects(signCompactBytes(key, 'ES256', { alg: 'ES256' }, Buffer.from('{}')))
})
