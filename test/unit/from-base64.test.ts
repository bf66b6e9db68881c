import { randomBytes } from 'node:crypto'
import t from 'tap'
import { forgivingBase64 } from '../../src/runtime/from-base64.js'

// What jose does on a runtime without Uint8Array.fromBase64 (its lib/buffer_utils.js): the decoder
// installed in its place must accept and refuse exactly the same strings, byte for byte.
function joseFallback (encoded: string, url: boolean): Uint8Array {
  if (url) {
    if (encoded.includes('+') || encoded.includes('/')) throw new TypeError('Invalid base64url')
    encoded = encoded.replace(/-/g, '+').replace(/_/g, '/')
  }
  const binary = atob(encoded)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

function outcome (f: () => Uint8Array): string {
  try {
    return Buffer.from(f()).toString('hex')
  } catch {
    return 'refused'
  }
}

const EDGES = [
  '', 'QQ', 'QQ=', 'QQ==', 'QQ===', 'Q', 'Q=', 'Q===', 'QUI', 'QUI=', 'QUJD', 'QUJD=', '=QUJD', 'QU=JD', 'QUJ=D',
  ' QU JD\n', '\tQUJD\r\n', 'QUJD\u000b', 'QUJD\u00a0', 'Q\fUJD', 'QR==', 'QUJ+', 'QUJ/', 'QUJ-', 'QUJ_', 'QU+_',
  'QUJD!', 'QUJDé', '====', 'QQ==\n', '\nQQ==', 'Q Q = =', 'QUJD\u0000', 'YWJj\uD83D', 'QQ=A', 'Q=QA', 'QUJD=QUJD',
  'QUJDQQ==QUJD', 'QUJD====', 'QUJDQ===', 'QU\u0100D', 'QUJD\uFF21', 'QUJ*', '*UJD'
]

t.test('the installed decoder accepts and refuses what jose\'s fallback does, byte for byte', async (t) => {
  for (const url of [false, true]) {
    const alphabet = url ? 'base64url' : 'base64'
    for (const s of EDGES) {
      t.equal(outcome(() => forgivingBase64(s, alphabet)), outcome(() => joseFallback(s, url)), `${alphabet} ${JSON.stringify(s)}`)
    }
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(i % 67)
      const encoded = bytes.toString(url ? 'base64url' : 'base64')
      // Every way a valid string can be varied: padding dropped or kept, whitespace, a stray character.
      const at = i % (encoded.length + 1)
      const insert = (c: string): string => encoded.slice(0, at) + c + encoded.slice(at)
      const variants = [
        encoded, encoded.replace(/=+$/, ''), ` ${encoded}\n`, encoded.slice(0, -1), `${encoded}A`, `${encoded}*`,
        ...['*', '=', '==', ' ', '\u00e9', '.', '-', '_', '+', '/', '\u0000', 'AA', 'A'].map(insert)
      ]
      for (const v of variants) {
        t.equal(outcome(() => forgivingBase64(v, alphabet)), outcome(() => joseFallback(v, url)), `${alphabet} ${JSON.stringify(v)}`)
      }
    }
  }
})

t.test('it returns a plain Uint8Array of its own', async (t) => {
  const out = forgivingBase64('QUJD')
  t.equal(Object.getPrototypeOf(out), Uint8Array.prototype)
  t.equal(out.byteOffset, 0)
  t.equal(out.buffer.byteLength, 3)
})
