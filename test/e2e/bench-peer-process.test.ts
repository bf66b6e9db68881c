import { createLocalJWKSet } from 'jose'
import t from 'tap'
import { createYrdPushAdapter } from '../../adapters/yrd-push/yrd-push-adapter.js'
import { DEFAULT_DELIVERY } from '../../config/config-schema.js'
import { gatewayKeysFrom, generatePrivateJwk } from '../../src/keys/signing-keys.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startPeerProcess } from '../../bench/peer-client.js'
import { delivery } from '../conformance/adapter-conformance.js'

// The pipeline and bulk benches compute accept → last receipt and "confirmed by every destination"
// from what their peer process reports; this proves the reports say what the destinations did.
t.test('the bench peer process reports each receipt, each message applied once and its items, per destination', async (t) => {
  const peers = await startPeerProcess([{ id: 'JS', alg: 'ES256' }, { id: 'ZJ', alg: 'EdDSA' }], { sinks: true })
  t.teardown(async () => { await peers.close() })
  const keys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-peer-test')])
  await peers.trustGateway(keys.jwks)
  const js = peers.platforms.get('JS')
  if (js === undefined) throw new Error('no JS peer')
  const adapter = createYrdPushAdapter({
    platform: {
      id: 'JS', name: 'JS', regionCode: '320000', adapter: 'yrd-push', endpoint: `${js.url}/yrd/v1/deliveries`, enabled: true, delivery: DEFAULT_DELIVERY
    },
    policy: { ...DEFAULT_DELIVERY, timeoutMs: 10_000 },
    sign: keys.sign,
    secrets: {},
    // The peer's simulator signs its receipts with the keys it publishes.
    platformKeys: createLocalJWKSet(js.jwks)
  })
  t.teardown(async () => { await adapter.close() })
  const { receipts } = peers

  const d = delivery('JS', 'list.upsert', [0, 1, 2].map((n) => sampleEntry('SH', '310000', n, { tag: 'peer' })))
  const before = Date.now()
  await adapter.deliver(d)
  const after = Date.now()
  t.ok(await receipts.waitAll([{ jti: d.jti, destinations: ['JS'] }], 60_000), 'confirmed by its destination')
  const at = receipts.lastReceipt(d.jti, ['JS'])
  t.ok(at !== undefined && at >= before && at <= after, 'the receipt is stamped while the delivery was under way')
  t.equal(receipts.lastReceipt(d.jti, ['JS', 'ZJ']), undefined, 'not "last receipt" while another destination has none')
  t.notOk(receipts.confirmed(d.jti, ['ZJ']), 'a destination that never got it has not confirmed it')

  // The same message again (a retry), after the report dropped the replica's holdings: received
  // twice, applied once.
  await adapter.deliver(d)
  const deadline = Date.now() + 60_000
  while ((receipts.totals().JS?.receipts ?? 0) < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.same(receipts.totals().JS, { receipts: 2, messages: 1, items: 3 })
  t.equal(receipts.repeatedReceipts(), 1)
  t.same(receipts.anomalies([{ jti: d.jti, destinations: ['JS'] }]), [])
  t.same(receipts.anomalies([{ jti: d.jti, destinations: ['ZJ'] }]), [`${d.jti} applied 0× by ZJ`])

  const sink = await fetch(js.sinkUrl ?? '', { method: 'POST', body: JSON.stringify({ items: [{ a: 1 }, { b: 2 }] }) })
  t.equal(sink.status, 200)
  t.same(await sink.json(), { items: 2 }, 'the unsigned sink answers with the item count')
})
