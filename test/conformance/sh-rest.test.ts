import t from 'tap'
import { request } from 'undici'
import { createShRestAdapter } from '../../adapters/sh-rest/sh-rest-adapter.js'
import { SH_RECORDS_PATH } from '../../adapters/sh-rest/sh-rest-protocol.js'
import { shAuthHeaders } from '../../adapters/sh-rest/sh-rest-signature.js'
import type { AdapterContext, Delivery } from '../../adapters/types.js'
import { DEFAULT_DELIVERY } from '../../config/config-schema.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startShRestSimulator, type ShRestSimulator } from '../../sim/sh-rest-simulator.js'
import { adapterConformance, delivery as sharedDelivery, expectFailure, simulatorTarget } from './adapter-conformance.js'

const APP_KEY = 'yrd-gateway'
const APP_SECRET = 'conformance-secret-不要在生产环境使用'

const contextFor = (
  sim: ShRestSimulator, secrets: Record<string, string> = { APP_KEY, APP_SECRET }
): AdapterContext => ({
  platform: { id: 'SH', name: '上海', regionCode: '310000', adapter: 'sh-rest', endpoint: sim.endpoint, enabled: true, delivery: DEFAULT_DELIVERY },
  policy: { ...DEFAULT_DELIVERY, timeoutMs: 1500 },
  sign: async () => await Promise.reject(new Error('sh-rest does not use the gateway signer')),
  secrets
})

adapterConformance(t, 'sh-rest', async () => {
  const sim = await startShRestSimulator({ apps: { [APP_KEY]: APP_SECRET } })
  const adapter = createShRestAdapter(contextFor(sim))
  return simulatorTarget(adapter, 'SH', sim)
})

const delivery = (items: unknown[], kind: Delivery['kind'] = 'list.upsert'): Delivery => sharedDelivery('SH', kind, items, 'JS')

t.test('sh-rest: Shanghai protocol', async (t) => {
  const sim = await startShRestSimulator({ apps: { [APP_KEY]: APP_SECRET } })
  const adapter = createShRestAdapter(contextFor(sim))
  t.teardown(async () => { await adapter.close(); await sim.close() })

  /** Posts a body signed with the given overrides, the way a client of the platform would. */
  const post = async (
    body: string, auth: Partial<Parameters<typeof shAuthHeaders>[0]> = {}
  ): Promise<{ status: number, code: string }> => {
    const headers = shAuthHeaders({ appKey: APP_KEY, appSecret: APP_SECRET, method: 'POST', path: SH_RECORDS_PATH, body, ...auth })
    const res = await request(sim.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    return { status: res.statusCode, code: ((await res.body.json()) as { code: string }).code }
  }
  const message = (msgId: string): string => JSON.stringify({
    msgId,
    msgType: 'OBJECTION_APPLY',
    sourceProvince: 'ZJ',
    sendTime: '2026-11-20T08:00:00Z',
    records: [{ recordType: 'objection', objectionNo: 'o-9', recordId: 'SH-black-1', ownerProvince: 'SH', applyDate: '20261120', objectionReason: '处罚已撤销' }]
  })

  await t.test('the platform accepts a correctly signed request', async (t) => {
    t.same(await post(message('sh-raw-1')), { status: 200, code: '0000' })
  })

  await t.test('a wrong app secret: deliveries refused as ADAPTER_AUTH, the credentials check fails', async (t) => {
    const wrong = createShRestAdapter(contextFor(sim, { APP_KEY, APP_SECRET: 'not-the-secret' }))
    t.teardown(async () => { await wrong.close() })
    const err = await expectFailure(wrong.deliver(delivery([sampleEntry('SH', '310000', 90)])))
    t.equal(err.code, 'ADAPTER_AUTH')
    t.match(await wrong.credentialsCheck?.(), { state: 'down', detail: /1001/ })
    t.match(await adapter.credentialsCheck?.(), { state: 'up' }, 'the right one passes')
  })

  await t.test('a stale timestamp is refused (1002), either way of the 5-minute window', async (t) => {
    t.same(await post(message('sh-raw-2'), { timestamp: Date.now() - 5 * 60 * 1000 - 5000 }), { status: 200, code: '1002' }, 'too old')
    t.same(await post(message('sh-raw-3'), { timestamp: Date.now() + 5 * 60 * 1000 + 5000 }), { status: 200, code: '1002' }, 'too far ahead')
    t.same(await post(message('sh-raw-4'), { timestamp: Date.now() - 4 * 60 * 1000 }), { status: 200, code: '0000' }, 'within the window')
  })

  await t.test('a reused nonce is refused (1003), even with a fresh timestamp and a new message', async (t) => {
    const nonce = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
    t.same(await post(message('sh-raw-5'), { nonce }), { status: 200, code: '0000' })
    t.same(await post(message('sh-raw-5'), { nonce }), { status: 200, code: '1003' }, 'the same request replayed')
    t.same(await post(message('sh-raw-6'), { nonce, timestamp: Date.now() + 1000 }), { status: 200, code: '1003' }, 'another message, same nonce')
    t.equal(sim.appliedCount('sh-raw-6'), 0, 'nothing applied')
  })

  await t.test('a wrong signature, a tampered body and an unknown app key are refused', async (t) => {
    t.same(await post(message('sh-raw-7'), { appSecret: 'wrong' }), { status: 200, code: '1001' }, 'wrong secret')
    const headers = shAuthHeaders({ appKey: APP_KEY, appSecret: APP_SECRET, method: 'POST', path: SH_RECORDS_PATH, body: message('sh-raw-8') })
    const res = await request(sim.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: message('sh-raw-9') })
    t.equal(((await res.body.json()) as { code: string }).code, '1001', 'body changed after signing')
    t.same(await post(message('sh-raw-10'), { appKey: 'nobody' }), { status: 200, code: '1000' }, 'unknown app key')
    t.equal(sim.appliedCount('sh-raw-9'), 0, 'nothing applied')
  })

  await t.test('the adapter never reuses a nonce, retries included', async (t) => {
    const from = sim.requests.length
    const d = delivery([sampleEntry('JS', '320000', 501)])
    sim.failure = 'error-500'
    const first = await expectFailure(adapter.deliver(d))
    t.equal(first.retryable, true, '9999 with a 5xx is retryable')
    sim.failure = 'none'
    await adapter.deliver(d)
    await adapter.deliver(d)
    for (let i = 0; i < 5; i++) await adapter.deliver(delivery([sampleEntry('JS', '320000', 510 + i)]))
    const attempts = sim.requests.slice(from)
    t.same(attempts.map((r) => r.code), ['9999', '0000', '3001', '0000', '0000', '0000', '0000', '0000'], 'the retry went through, the redelivery was a duplicate')
    const nonces = attempts.map((r) => r.nonce)
    t.equal(new Set(nonces).size, attempts.length, 'every attempt had its own nonce')
    t.equal(sim.appliedCount(d.jti), 1, 'applied once')
  })

  await t.test('a platform clock more than 5 minutes off: retryable, and passes once clocks agree', async (t) => {
    sim.clockOffsetMs = 6 * 60 * 1000
    const err = await expectFailure(adapter.deliver(delivery([sampleEntry('JS', '320000', 502)])))
    t.same([err.retryable, err.unreachable], [true, false])
    t.match(err.message, /1002/, 'the platform code in the message')
    sim.clockOffsetMs = 0
    await adapter.deliver(delivery([sampleEntry('JS', '320000', 502)]))
    t.ok(sim.held('JS', 'JS-black-502'))
  })

  await t.test('a duplicate answer (3001) is a success; the message is applied once', async (t) => {
    sim.failure = 'duplicate'
    const d = delivery([sampleEntry('JS', '320000', 503)])
    const receipt = await adapter.deliver(d)
    t.equal(receipt.evidence.code, '3001')
    sim.failure = 'none'
    t.equal(sim.appliedCount(d.jti), 1)
  })

  await t.test('a partial reject (2002) is a receipt naming the refused record, not its values', async (t) => {
    sim.failure = 'partial-reject'
    const items = [sampleEntry('JS', '320000', 504, { person: true }), sampleEntry('JS', '320000', 505)]
    const d = delivery(items)
    const receipt = await adapter.deliver(d)
    t.same(receipt.refused, [{ index: 0, code: 'E203', reason: '主体名称与登记信息不符' }], 'the refused item, by its index in the delivery')
    // The refused record's identity number itself, and none like it outside a hex digest (the receipt
    // names the body's SHA-256, whose hex holds 18 decimal digits in a row about once in a hundred).
    const idNumber = items[0]?.subject.type === 'person' ? items[0].subject.idNumber : undefined
    t.ok(idNumber !== undefined && !JSON.stringify(receipt).includes(idNumber), 'no identity number')
    t.notMatch(JSON.stringify(receipt), /(?<![0-9a-f])\d{17}[\dX](?![0-9a-f])/i, 'nor anything shaped like one')
    t.notOk(sim.held('JS', 'JS-black-504'), 'the refused record is not held')
    t.ok(sim.held('JS', 'JS-black-505'), 'the others are')
    const again = await adapter.deliver(d)
    t.equal(again.evidence.code, '3001', 'a retry is answered with the first outcome')
    t.same(again.refused, receipt.refused, 'the refusal repeated')
    sim.failure = 'none'
    const resent = await adapter.deliver({ ...d, items: [items[0]], resends: 1 })
    t.equal(resent.evidence.code, '0000', 'a resend of the refused item goes out under a new msgId and is applied')
    t.equal(resent.refused, undefined)
    t.ok(sim.held('JS', 'JS-black-504'), 'the refused record is held once resent')
  })

  await t.test('a partial reject (2002) refusing every record is a permanent refusal', async (t) => {
    sim.failure = 'partial-reject'
    const err = await expectFailure(adapter.deliver(delivery([sampleEntry('JS', '320000', 507)])))
    sim.failure = 'none'
    t.same([err.code, err.retryable], ['ADAPTER_REFUSED', false])
    t.match(err.message, /refused every record.*records\[0\] E203/)
  })

  await t.test('slow answers within the timeout are fine', async (t) => {
    const slow = createShRestAdapter({ ...contextFor(sim), policy: { ...DEFAULT_DELIVERY, timeoutMs: 2000 } })
    t.teardown(async () => { await slow.close() })
    sim.failure = 'slow'
    await slow.deliver(delivery([sampleEntry('JS', '320000', 506)]))
    sim.failure = 'none'
    t.ok(sim.held('JS', 'JS-black-506'))
  })

  await t.test('refuses to start without APP_KEY and APP_SECRET', async (t) => {
    t.throws(() => createShRestAdapter(contextFor(sim, {})), /APP_KEY and APP_SECRET are required/)
    t.throws(() => createShRestAdapter(contextFor(sim, { APP_KEY })), /GW_SH_APP_SECRET/)
    t.throws(() => createShRestAdapter(contextFor(sim, { APP_KEY })), { name: 'ConfigError', code: 'SECRET_MISSING', field: 'GW_SH_APP_SECRET' })
  })

  await t.test('an item Shanghai cannot store is refused before sending, not retryable', async (t) => {
    const before = sim.requests.length
    const entry = sampleEntry('JS', '320000', 507)
    entry.subject.name = '长'.repeat(101)
    const err = await expectFailure(adapter.deliver(delivery([entry])))
    t.equal(err.retryable, false)
    t.match(err.message, /items\[0\]\.subject\.name: 101 characters/)
    t.equal(sim.requests.length, before, 'nothing sent')
  })
})
