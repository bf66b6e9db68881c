import type { JWK } from 'jose'
import t from 'tap'
import { platformSigner, signEnvelope } from '../../src/envelopes/sign-envelope.js'
import { signRelay } from '../../src/federation/relay-message.js'
import { gatewayKeysFrom, generatePrivateJwk } from '../../src/keys/signing-keys.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { FAST_POLICY, startDeliverySetup, waitFor } from '../helpers/delivery-setup.js'
import { urlOf, type Harness } from '../helpers/harness.js'
import { nationalPeer } from '../helpers/national-peer.js'
import { startWithStubPeer } from '../helpers/peer-gateway-stub.js'

// Issue 18, relaying out (docs/federation.md): a peer gateway is a delivery destination. What its
// share.up admits goes to it as a relay nesting the publisher's envelope, its receipt verified and
// kept; what it does not admit never gets a delivery; what cannot go whole is dead with its reason.

// CN, a stub peer gateway, relayed the food-drug list (share.up).
const withPeer = startWithStubPeer

interface PeerDelivery {
  status: string
  last_error: string | null
  last_error_code: string | null
  receipt: Record<string, unknown> | null
}

async function delivery (h: Harness, jti: string): Promise<PeerDelivery | undefined> {
  const { rows } = await h.db.query("SELECT status, last_error, last_error_code, receipt FROM deliveries WHERE jti = $1 AND destination = 'CN'", [jti])
  return rows[0]
}

t.test('what share.up admits goes to the peer as a relay of the publisher\'s own envelope; the rest gets no delivery', async (t) => {
  const { h, sim, cn } = await withPeer(t)
  const sh = sim('SH')
  const black = await sh.publish(urlOf(h), { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)], jti: 'SH-up-1' })
  t.equal(black.status, 202)
  const red = await sh.publish(urlOf(h), { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 2, { listType: 'red' })], jti: 'SH-up-2' })
  t.equal(red.status, 202)
  t.ok(await waitFor(async () => (await delivery(h, 'SH-up-1'))?.status === 'delivered'), 'the food-drug entry was relayed')
  t.equal(cn.relays.length, 1)
  t.match(cn.relays[0], { iss: 'YRD', aud: 'CN', via: ['YRD'], origin: 'SH', envelope: black.jws }, 'SH\'s envelope byte for byte, the path so far')
  t.match((await delivery(h, 'SH-up-1'))?.receipt, { peer: 'CN', via: ['YRD'], relayJti: cn.relays[0]?.jti }, 'the peer\'s receipt kept, naming the relay')
  t.ok(await waitFor(() => ['JS', 'ZJ', 'AH'].every((id) => sim(id).appliedIds.has('SH SH-up-2'))), 'the red-list entry reached the platforms')
  t.equal(await delivery(h, 'SH-up-2'), undefined, 'but no delivery to the peer: share.up does not admit the red list')
})

t.test('a receipt not signed by the peer\'s keys, and a refusal, make the relay dead with the reason', async (t) => {
  const { h, sim, cn } = await withPeer(t)
  cn.answer = 'forged'
  await sim('SH').publish(urlOf(h), { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 3)], jti: 'SH-up-3' })
  t.ok(await waitFor(async () => (await delivery(h, 'SH-up-3'))?.status === 'dead'), 'dead')
  t.match(await delivery(h, 'SH-up-3'), { last_error_code: 'ADAPTER_INVALID_RECEIPT', last_error: /not signed by CN's keys/ })
  cn.answer = 'refuse-409'
  await sim('SH').publish(urlOf(h), { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 4)], jti: 'SH-up-4' })
  t.ok(await waitFor(async () => (await delivery(h, 'SH-up-4'))?.status === 'dead'), 'dead')
  t.match(await delivery(h, 'SH-up-4'), { last_error_code: 'ADAPTER_REFUSED', last_error: /peer gateway CN refused the relay \(409\): .*VERSION_CONFLICT/ })
})

t.test('a message whose fields the peer\'s share scopes withhold is not relayed: dead, saying why', async (t) => {
  const { h, sim, cn } = await withPeer(t, { shareScopes: ['all-platforms'] })
  // An enterprise entry names its legal representative's identity number (authorised departments only).
  await sim('SH').publish(urlOf(h), { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 5)], jti: 'SH-up-5' })
  t.ok(await waitFor(async () => (await delivery(h, 'SH-up-5'))?.status === 'dead'), 'dead')
  t.match(await delivery(h, 'SH-up-5'), { last_error_code: 'ADAPTER_REFUSED', last_error: /share scopes withhold fields/ })
  t.equal(cn.relays.length, 0, 'nothing was sent')
})

t.test('a relayed message carries its publisher\'s envelope to a platform, not where its share scopes withheld something', async (t) => {
  const fyJwk: JWK = await generatePrivateJwk('ES256', 'fy-1')
  const fy = await platformSigner('FY', fyJwk)
  const cnKeys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'cn-gw-1')])
  const { h, sim } = await startDeliverySetup(t, {
    peers: [nationalPeer(cnKeys, fyJwk)],
    platformOverrides: (p) => p.id === 'JS' ? { ...p, shareScopes: ['all-platforms'] } : p
  })
  const published = await signEnvelope(fy, { kind: 'list.upsert', items: [sampleEntry('FY', '110000', 1)], aud: 'CN', jti: 'FY-down-1' })
  const relay = await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: published.jws, origin: 'FY' })
  const res = await h.app.inject({ method: 'POST', url: '/v1/relay', headers: { 'content-type': 'application/jose' }, payload: relay.jws })
  t.equal(res.statusCode, 202, res.body)
  t.ok(await waitFor(() => ['SH', 'JS', 'ZJ', 'AH'].every((id) => sim(id).appliedIds.has('FY FY-down-1'))), 'every province applied it')
  t.same(sim('SH').publishers.get('FY FY-down-1'), { envelope: published.jws, via: ['CN'] }, 'SH got the court\'s own envelope and its path')
  t.equal(sim('JS').publishers.size, 0, 'JS, which may not receive identity numbers, got the entry without them and without the envelope')
  const js = await h.db.query<{ receipt: { withheldFields?: string[] } }>("SELECT receipt FROM deliveries WHERE jti = 'FY-down-1' AND destination = 'JS'")
  t.match(js.rows[0]?.receipt.withheldFields, ['subject.responsiblePersons.idNumber'], 'what was withheld is in the evidence')
})

t.test('a paused peer gets nothing: its relays wait, no attempt used up, and go once an admin resumes it', async (t) => {
  const { h, sim, cn } = await withPeer(t)
  const admin = async (action: 'pause' | 'resume'): Promise<number> => (await h.app.inject({
    method: 'POST', url: `/v1/admin/peers/CN/${action}?reason=key-rotation`, headers: { authorization: `Bearer ${await h.adminToken('admin')}` }
  })).statusCode
  t.equal(await admin('pause'), 200)
  await sim('SH').publish(urlOf(h), { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 6)], jti: 'SH-up-6' })
  t.ok(await waitFor(() => ['JS', 'ZJ', 'AH'].every((id) => sim(id).appliedIds.has('SH SH-up-6'))), 'the platforms got it')
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(cn.relays.length, 0, 'the paused peer got nothing')
  t.match(await delivery(h, 'SH-up-6'), { status: /queued|retrying|delivering/ }, 'the relay waits, not dead')
  t.equal(await admin('resume'), 200)
  t.ok(await waitFor(async () => (await delivery(h, 'SH-up-6'))?.status === 'delivered', 15_000), 'relayed once resumed')
  t.equal(cn.relays.length, 1)
  const { rows } = await h.db.query<{ attempts: number }>("SELECT attempts FROM deliveries WHERE jti = 'SH-up-6' AND destination = 'CN'")
  t.equal(rows[0]?.attempts, 1, 'the wait used up no attempt')
})

t.test('a relay the peer cannot take for now holds back every relay accepted after it: the peer gets them in acceptance order', async (t) => {
  // A timeout long enough that a loaded machine never turns a slow answer into a retry of its own.
  const { h, sim, cn } = await withPeer(t, { delivery: { ...FAST_POLICY, timeoutMs: 5000 } })
  const sh = sim('SH')
  cn.unavailable.set('SH-ord-1', 2)
  const entry = sampleEntry('SH', '310000', 7)
  await sh.publish(urlOf(h), { kind: 'list.upsert', items: [entry], jti: 'SH-ord-1' })
  await sh.publish(urlOf(h), { kind: 'list.upsert', items: [{ ...entry, version: 2 }], jti: 'SH-ord-2' })
  await sh.publish(urlOf(h), { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 8)], jti: 'SH-ord-3' })
  t.ok(await waitFor(async () => (await delivery(h, 'SH-ord-3'))?.status === 'delivered', 15_000), 'all three relayed')
  const order = cn.relays.map((r) => JSON.parse(Buffer.from(r.envelope.split('.')[1] ?? '', 'base64url').toString('utf8')).jti as string)
  t.same(order, ['SH-ord-1', 'SH-ord-1', 'SH-ord-1', 'SH-ord-2', 'SH-ord-3'],
    'the first twice refused (503), then taken; only then the newer version and the next message')
  const { rows } = await h.db.query<{ jti: string, attempts: number, status: string }>(
    "SELECT jti, attempts, status FROM deliveries WHERE destination = 'CN' AND jti LIKE 'SH-ord-%' ORDER BY id")
  t.same(rows, [
    { jti: 'SH-ord-1', attempts: 3, status: 'delivered' },
    { jti: 'SH-ord-2', attempts: 1, status: 'delivered' },
    { jti: 'SH-ord-3', attempts: 1, status: 'delivered' }
  ], 'waiting used up no attempt of the later ones')
})
