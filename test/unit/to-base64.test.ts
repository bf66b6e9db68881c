import { randomBytes } from 'node:crypto'
import { base64url, CompactSign, compactVerify, generateKeyPair } from 'jose'
import t from 'tap'
import { installToBase64, toBase64 } from '../../src/runtime/to-base64.js'

// What jose does on a runtime without Uint8Array.prototype.toBase64 (its lib/buffer_utils.js): the
// encoder installed in its place must give exactly the same text.
function joseFallback (input: Uint8Array, url: boolean): string {
  const arr: string[] = []
  for (let i = 0; i < input.length; i += 32768) {
    arr.push(String.fromCharCode.apply(null, input.subarray(i, i + 32768) as unknown as number[]))
  }
  const encoded = btoa(arr.join(''))
  return url ? encoded.replace(/=/g, '').replace(/\+/g, '-').replace(/\//g, '_') : encoded
}

t.test('the installed encoder gives jose\'s fallback text, byte for byte', async (t) => {
  // Every length modulo 3, the bytes that map to '+' '/' '-' '_', a view into a larger buffer, and large inputs.
  const inputs = [new Uint8Array(0), Uint8Array.of(0xfb, 0xff, 0xbf), Uint8Array.of(0xfb), Uint8Array.of(0xff, 0xfe)]
  for (let n = 0; n < 200; n++) inputs.push(new Uint8Array(randomBytes(n)))
  for (const n of [32767, 32768, 32769, 1_250_001]) inputs.push(new Uint8Array(randomBytes(n)))
  const big = new Uint8Array(randomBytes(100))
  inputs.push(big.subarray(7, 61))
  let same = 0
  for (const input of inputs) {
    for (const url of [false, true]) {
      const ours = toBase64(input, { alphabet: url ? 'base64url' : 'base64', omitPadding: url })
      if (ours === joseFallback(input, url)) same++
      else t.fail(`${url ? 'base64url' : 'base64'} of ${input.length} bytes differs`)
    }
  }
  t.equal(same, inputs.length * 2, `${same} encodings identical`)
})

t.test('the options the ES2026 method takes: alphabet and omitPadding, each way', async (t) => {
  const bytes = Uint8Array.of(0xfb, 0xff) // '+/8=' in base64, '-_8=' in base64url
  t.equal(toBase64(bytes), '+/8=')
  t.equal(toBase64(bytes, { omitPadding: true }), '+/8')
  t.equal(toBase64(bytes, { alphabet: 'base64url' }), '-_8=')
  t.equal(toBase64(bytes, { alphabet: 'base64url', omitPadding: true }), '-_8')
  t.equal(toBase64(Uint8Array.of(1), { alphabet: 'base64url' }), 'AQ==')
  t.equal(toBase64(Uint8Array.of(1, 2, 3), { alphabet: 'base64url' }), 'AQID')
  t.throws(() => toBase64(bytes, { alphabet: 'hex' as 'base64' }), TypeError)
})

t.test('installed, jose signs with it and what it signs verifies', async (t) => {
  installToBase64()
  t.equal(typeof (Uint8Array.prototype as unknown as { toBase64?: unknown }).toBase64, 'function')
  const payload = new Uint8Array(randomBytes(70_001))
  t.equal(base64url.encode(payload), joseFallback(payload, true), 'jose\'s base64url goes through it')
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const jws = await new CompactSign(payload).setProtectedHeader({ alg: 'ES256' }).sign(privateKey)
  const { payload: back } = await compactVerify(jws, publicKey)
  t.same(Buffer.from(back), Buffer.from(payload))
  installToBase64() // a second call leaves the installed method as it is
  t.equal(base64url.encode(payload), joseFallback(payload, true))
})
