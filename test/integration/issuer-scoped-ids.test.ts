import { randomBytes } from 'node:crypto'
import t from 'tap'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { publishShNative } from '../../sim/sh-rest-publisher.js'
import { Sequencer } from '../../src/transparency/sequencer.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'

// Issue 12 item 7: message ids were global, so ZJ could publish first under SH's predictable id
// and SH's own publication was then refused JTI_CONFLICT. Ids are now per issuer.

const appKey = 'sh-app'
const appSecret = randomBytes(24).toString('base64url')

const forgetReplayCache = async (h: Harness): Promise<void> => {
  const keys = await h.redis.keys(`${h.runtime.redisPrefix}:jti:*`)
  if (keys.length > 0) await h.redis.del(...keys)
}

t.test('ZJ publishing first under SH\'s jti takes nothing from SH; reuse within one issuer is still judged', async (t) => {
  const h = await startHarness(t)
  const jti = `SH-${Date.now()}-0001`
  const zj = await h.sign('ZJ', { kind: 'list.upsert', items: [sampleEntry('ZJ', '330000', 1)], jti })
  const zjFirst = await h.post(zj.jws)
  t.equal(zjFirst.status, 202, 'ZJ takes SH\'s predictable id first')

  const sh = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)], jti })
  const shOwn = await h.post(sh.jws)
  t.same([shOwn.status, shOwn.body.jti], [202, jti], 'SH\'s own publication under its id is accepted (was JTI_CONFLICT)')
  t.not(shOwn.body.receipt, zjFirst.body.receipt)

  // Per issuer, from the replay cache and, once it has forgotten, from the ledger.
  for (const source of ['cache', 'ledger']) {
    if (source === 'ledger') await forgetReplayCache(h)
    const again = await h.post(sh.jws)
    t.same([again.status, again.body.receipt], [200, shOwn.body.receipt], `${source}: SH's identical bytes again: idempotent, SH's receipt`)
    const zjAgain = await h.post(zj.jws)
    t.same([zjAgain.status, zjAgain.body.receipt], [200, zjFirst.body.receipt], `${source}: ZJ's identical bytes again: ZJ's receipt`)
    const other = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 2)], jti })
    const conflict = await h.post(other.jws)
    t.same([conflict.status, conflict.body.code], [409, 'JTI_CONFLICT'], `${source}: SH reusing its jti with other bytes`)
  }

  t.equal(await h.count('envelopes'), 2)
  const outbox = await h.db.query<{ iss: string, destination: string }>('SELECT iss, destination FROM deliveries WHERE jti = $1 ORDER BY iss, destination', [jti])
  t.same(outbox.rows.map((r) => `${r.iss}→${r.destination}`), ['SH→AH', 'SH→JS', 'SH→ZJ', 'ZJ→AH', 'ZJ→JS', 'ZJ→SH'], 'each message has its own outbox rows')
  const history = await h.db.query<{ iss: string, owner: string }>('SELECT iss, owner FROM entry_history WHERE jti = $1 ORDER BY iss', [jti])
  t.same(history.rows, [{ iss: 'SH', owner: 'SH' }, { iss: 'ZJ', owner: 'ZJ' }])
  t.equal(await new Sequencer(h.db).drain(true), 2, 'both messages\' changes reach the transparency logs, once each')
  t.equal(await h.count('transparency_pending'), 0)

  // GET /v1/messages/{jti}: the caller's own message; otherwise ?issuer= when the jti is shared.
  const get = async (token: string, query = ''): Promise<[number, unknown]> => {
    const res = await h.app.inject({ url: `/v1/messages/${encodeURIComponent(jti)}${query}`, headers: { authorization: `Bearer ${token}` } })
    const body = res.json()
    return [res.statusCode, res.statusCode === 200 ? body.iss : body.code]
  }
  t.same(await get(await h.platformToken('SH')), [200, 'SH'], 'SH gets its own message')
  t.same(await get(await h.platformToken('ZJ')), [200, 'ZJ'], 'ZJ gets its own message')
  t.same(await get(await h.platformToken('SH'), '?issuer=ZJ'), [200, 'ZJ'], 'SH may ask for ZJ\'s message, addressed to it')
  t.same(await get(await h.platformToken('JS')), [400, 'BAD_REQUEST'], 'a destination of both must choose')
  t.same(await get(await h.platformToken('JS'), '?issuer=SH'), [200, 'SH'])
  t.same(await get(await h.adminToken('auditor')), [400, 'BAD_REQUEST'], 'so must an admin')
  t.same(await get(await h.adminToken('auditor'), '?issuer=ZJ'), [200, 'ZJ'])
  t.same(await get(await h.adminToken('auditor'), '?issuer=AH'), [404, 'NOT_FOUND'])
  t.same(await get(await h.adminToken('auditor'), '?issuer=sh'), [400, 'BAD_REQUEST'], 'issuer is a platform id')
  const detail = await h.app.inject({ url: `/v1/admin/messages/${encodeURIComponent(jti)}?issuer=SH`, headers: { authorization: `Bearer ${await h.adminToken('operator')}` } })
  t.same([detail.statusCode, detail.json().iss, detail.json().destinations.length], [200, 'SH', 3], 'the admin detail takes ?issuer= too')
})

t.test('a native message id is per platform too: SH publishes natively under a jti ZJ used', async (t) => {
  const h = await startHarness(t, {
    listen: true,
    platformSecrets: { SH: { APP_KEY: appKey, APP_SECRET: appSecret } },
    platformOverrides: (p) => p.id === 'SH' ? { ...p, adapter: 'sh-rest', endpoint: 'http://127.0.0.1:9/api/credit/v2/records' } : p
  })
  const msgId = `SH-native-${Date.now()}`
  const zj = await h.post((await h.sign('ZJ', { kind: 'list.upsert', items: [sampleEntry('ZJ', '330000', 1)], jti: msgId })).jws)
  t.equal(zj.status, 202)
  const first = await publishShNative(urlOf(h), { appKey, appSecret, kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)], msgId })
  t.equal(first.answer.code, '0000', 'SH\'s native message under the id ZJ used is taken (was 2001 JTI_CONFLICT)')
  const again = await publishShNative(urlOf(h), { appKey, appSecret, kind: 'list.upsert', items: [], msgId, body: first.body })
  t.equal(again.answer.code, '3001', 'the same bytes again: already applied')
  const other = await publishShNative(urlOf(h), { appKey, appSecret, kind: 'list.upsert', items: [sampleEntry('SH', '310000', 2)], msgId })
  t.same([other.answer.code, other.answer.data?.gatewayCode], ['2001', 'JTI_CONFLICT'], 'other bytes under SH\'s own msgId')
})

t.test('both messages under one jti reach a common destination, each applied once', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  const jti = `SH-${Date.now()}-0002`
  t.equal((await h.post((await h.sign('ZJ', { kind: 'list.upsert', items: [sampleEntry('ZJ', '330000', 1)], jti })).jws)).status, 202)
  t.equal((await h.post((await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)], jti })).jws)).status, 202)
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 6, 20_000), 'six deliveries, three per message')
  t.same([...sim('JS').held.keys()].sort(), ['SH:SH-black-1', 'ZJ:ZJ-black-1'], 'JS holds both (a destination dedupes by origin and jti)')
  t.same(sim('JS').messagesApplied, [jti, jti])
})
