import { createHash } from 'node:crypto'
import { decodeJwt } from 'jose'
import t from 'tap'
import type { ReceiptClaimsV1 } from '../../contracts/receipt-v1.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { publishShNative } from '../../sim/sh-rest-publisher.js'
import { startHarness, urlOf } from '../helpers/harness.js'
import { sm3Of } from '../helpers/independent-sm3-tree.js'

// Issue 19 item 3 for a native publication: with proofHash SM3, the receipt the gateway hands a
// platform publishing in its own protocol (here Shanghai's REST) names the SM3 of the exact native
// body received (checked with sm-crypto), while the ledger's digest for replays stays SHA-256.

t.test('proofHash SM3: a native publication\'s receipt digest is the SM3 of the native body', async (t) => {
  const appKey = 'yrd-gateway'
  const appSecret = 'sm3-native-secret-0123456789'
  const h = await startHarness(t, {
    listen: true,
    settings: { proofHash: 'SM3' },
    platformSecrets: { SH: { APP_KEY: appKey, APP_SECRET: appSecret } },
    platformOverrides: (p) => p.id === 'SH' ? { ...p, adapter: 'sh-rest', endpoint: 'http://127.0.0.1:9/api/credit/v2/records' } : p
  })
  const items = [sampleEntry('SH', '310000', 1), sampleEntry('SH', '310000', 2, { person: true })]
  const first = await publishShNative(urlOf(h), { appKey, appSecret, kind: 'list.upsert', items })
  t.equal(first.answer.code, '0000', JSON.stringify(first.answer))
  const receipt = String(first.answer.data?.receipt)
  const claims = decodeJwt(receipt) as unknown as ReceiptClaimsV1
  const body = Buffer.from(first.body)
  t.equal(claims.digestAlg, 'SM3', 'the receipt says SM3')
  t.equal(claims.digest, Buffer.from(sm3Of(body)).toString('base64url'), 'SM3 of the native body, by an independent SM3')
  const { rows } = await h.db.query<{ digest: string, receipt: string }>('SELECT digest, receipt FROM envelopes WHERE jti = $1', [first.msgId])
  t.equal(rows[0]?.digest, createHash('sha256').update(body).digest('base64url'), 'the ledger\'s replay digest stays SHA-256')
  t.equal(rows[0]?.receipt, receipt, 'the receipt kept is the one answered')
  const again = await publishShNative(urlOf(h), { appKey, appSecret, kind: 'list.upsert', items, msgId: first.msgId, body: first.body })
  t.equal(again.answer.data?.receipt, receipt, 'the same bytes again: the same SM3 receipt')
})
