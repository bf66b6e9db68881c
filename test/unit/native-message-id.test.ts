import t from 'tap'
import { jtiOfNativeId, nativeMessageId, nativeResendId, NATIVE_ID_MAX } from '../../adapters/native-message-id.js'

// Issue 12 item 7, outbound: the id sent to SH, AH and JS is per (origin, jti), stable, within limits.

const PRINTABLE = /^[\x21-\x7e]{1,128}$/

t.test('readable while it fits, a hash of the jti otherwise; always within 128 printable characters', async (t) => {
  t.equal(nativeMessageId('SH', 'SH-2026-0001'), 'SH.SH-2026-0001')
  t.equal(nativeMessageId('ZJ', 'SH-2026-0001'), 'ZJ.SH-2026-0001', 'another issuer, another id')
  t.equal(nativeMessageId('YRD', 'n-1'), 'YRD.n-1', 'the gateway\'s own notices too')
  const fits = 'x'.repeat(NATIVE_ID_MAX - 3)
  t.equal(nativeMessageId('SH', fits), `SH.${fits}`)
  const long = 'x'.repeat(128)
  t.match(nativeMessageId('SH', long), /^SH~[A-Za-z0-9_-]{43}$/)
  t.not(nativeMessageId('SH', long), nativeMessageId('ZJ', long))
  t.not(nativeMessageId('SH', long), nativeMessageId('SH', `${long.slice(1)}y`), 'a hash of the whole jti, not a cut')
  t.equal(nativeMessageId('SH', long), nativeMessageId('SH', long), 'stable: every retry sends the same id')
  for (const origin of ['SH', 'ABCDEFGHIJKLMNOP']) {
    for (const jti of ['a', 'x'.repeat(120), '~'.repeat(128)]) {
      t.match(nativeMessageId(origin, jti), PRINTABLE)
      t.match(nativeResendId(origin, jti, 12345), PRINTABLE)
    }
  }
})

t.test('no two messages share an id, resends included', async (t) => {
  // A jti may contain `.` and `~` and end in `.r1`: none of that makes two (origin, jti) meet.
  const origins = ['SH', 'ZJ', 'SHA']
  const jtis = ['1', 'A.1', 'H.1', `~${'x'.repeat(60)}`, 'n.r1', 'n', 'x'.repeat(126), 'x'.repeat(127), 'x'.repeat(128)]
  const ids = new Map<string, string>()
  for (const o of origins) {
    for (const j of jtis) {
      for (const id of [nativeMessageId(o, j), nativeResendId(o, j, 1)]) {
        t.equal(ids.get(id), undefined, `${id} is ${o} ${j}'s alone`)
        ids.set(id, `${o} ${j}`)
      }
    }
  }
  t.match(nativeMessageId('SH', 'x'.repeat(120), 120), /^SH~/, 'a smaller bound takes the hash form earlier')
})

t.test('a simulated platform reads the jti back from the readable form only', async (t) => {
  t.equal(jtiOfNativeId('ZJ', 'ZJ.SH-1'), 'SH-1')
  t.equal(jtiOfNativeId('ZJ', 'SH.SH-1'), 'SH.SH-1', 'another origin\'s id is left alone')
  const hashed = nativeMessageId('SH', 'x'.repeat(128))
  t.equal(jtiOfNativeId('SH', hashed), hashed)
})
