import t from 'tap'
import { deliveryPayload, type DeliveryHead, type DeliveryTail } from '../../adapters/yrd-push/delivery-payload.js'

const head = (over: Partial<DeliveryHead> = {}): DeliveryHead =>
  ({ iss: 'YRD', aud: 'JS', jti: 'j-1', iat: 1700000000, exp: 1700000600, kind: 'list.upsert', ...over })

t.test('the payload is exactly JSON.stringify of the whole claims, in order', async (t) => {
  const items = [{ entryId: 'e1', name: '上海某某有限公司', note: 'a "quoted" \\ text\u2028' }, { entryId: 'e2', nested: { a: [1, null, true] } }]
  const cases: Array<[DeliveryHead, unknown[], DeliveryTail]> = [
    [head(), items, { origin: 'SH', originDigest: 'abc' }],
    [head(), items, { origin: 'SH' }],
    [head(), items, { origin: 'SH', originDigest: undefined }],
    [head(), [], { origin: 'SH', originDigest: 'd' }],
    // A value that holds what the splice looks like must not confuse it.
    [head({ jti: '"items":0,"x":"' }), items, { origin: '"items":[]', originDigest: '}' }]
  ]
  for (const [h, its, tl] of cases) {
    const bytes = deliveryPayload(h, its, tl)
    t.equal(bytes.toString('utf8'), JSON.stringify({ ...h, items: its, ...tl }))
    t.same(JSON.parse(bytes.toString('utf8')), JSON.parse(JSON.stringify({ ...h, items: its, ...tl })))
  }
})

t.test('one message\'s items serve every destination; a different array is serialised anew', async (t) => {
  const items = [{ entryId: 'e1' }]
  const a = deliveryPayload(head({ aud: 'JS' }), items, { origin: 'SH' })
  const b = deliveryPayload(head({ aud: 'AH' }), items, { origin: 'SH' })
  t.equal(b.toString(), a.toString().replace('"aud":"JS"', '"aud":"AH"'))
  const filtered = items.filter(() => false)
  t.equal(deliveryPayload(head(), filtered, { origin: 'SH' }).toString(), JSON.stringify({ ...head(), items: [], origin: 'SH' }))
  // More messages than the few kept: each still gives its own items.
  for (let n = 0; n < 20; n++) {
    const its = [{ n }]
    t.equal(deliveryPayload(head(), its, { origin: 'SH' }).toString(), JSON.stringify({ ...head(), items: its, origin: 'SH' }))
  }
  t.equal(deliveryPayload(head(), items, { origin: 'SH' }).toString(), JSON.stringify({ ...head(), items, origin: 'SH' }))
})
