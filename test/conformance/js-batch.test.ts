import t from 'tap'
import { createJsBatchAdapter } from '../../adapters/js-batch/js-batch-adapter.js'
import type { AdapterContext, Delivery } from '../../adapters/types.js'
import { DEFAULT_DELIVERY } from '../../config/config-schema.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startJsBatchSimulator, type JsBatchSimulator } from '../../sim/js-batch-simulator.js'
import { adapterConformance, delivery as sharedDelivery, expectFailure, simulatorTarget } from './adapter-conformance.js'
import { nativeMessageId } from '../../adapters/native-message-id.js'
import { ID_NUMBER_SHAPE } from '../helpers/id-number-shape.js'

const TOKEN = 'js-conformance-token'

const context = (url: string, secrets: Record<string, string> = { TOKEN }): AdapterContext => ({
  platform: { id: 'JS', name: '江苏', regionCode: '320000', adapter: 'js-batch', endpoint: url, enabled: true, delivery: DEFAULT_DELIVERY },
  policy: { ...DEFAULT_DELIVERY, timeoutMs: 1500 },
  sign: async () => { throw new Error('js-batch does not sign') },
  secrets
})

adapterConformance(t, 'js-batch', async () => {
  const sim = await startJsBatchSimulator({ token: TOKEN })
  const adapter = createJsBatchAdapter(context(sim.url))
  return simulatorTarget(adapter, 'JS', sim)
})

const delivery = (items: unknown[], kind: Delivery['kind'] = 'list.upsert'): Delivery => sharedDelivery('JS', kind, items, 'SH')

t.test('js-batch: the native protocol', async (t) => {
  const sim: JsBatchSimulator = await startJsBatchSimulator({ token: TOKEN })
  const adapter = createJsBatchAdapter(context(sim.url))
  t.teardown(async () => { await adapter.close(); await sim.close() })
  t.beforeEach(() => { sim.failure = 'none' })

  await t.test('refuses to start without the TOKEN secret', async (t) => {
    t.throws(() => createJsBatchAdapter(context(sim.url, {})), /needs the secret TOKEN \(environment variable GW_JS_TOKEN\)/)
    t.throws(() => createJsBatchAdapter(context(sim.url, {})), { name: 'ConfigError', code: 'SECRET_MISSING', field: 'GW_JS_TOKEN' })
  })

  await t.test('a wrong token is a permanent refusal with the platform code', async (t) => {
    const wrong = createJsBatchAdapter(context(sim.url, { TOKEN: 'not-the-token' }))
    t.teardown(async () => { await wrong.close() })
    const err = await expectFailure(wrong.deliver(delivery([sampleEntry('SH', '310000', 100)])))
    t.equal(err.retryable, false)
    t.match(err.message, /401 AUTH_FAILED/)
    t.equal(err.code, 'ADAPTER_AUTH', 'the cause: credentials refused (the gateway pauses the queue)')
    t.match(await wrong.credentialsCheck?.(), { state: 'down', detail: /401/ }, 'the credentials check fails with it')
  })

  await t.test('evidence carries the platform result and the SM3 of the file', async (t) => {
    const receipt = await adapter.deliver(delivery([sampleEntry('SH', '310000', 101), sampleEntry('SH', '310000', 102)]))
    t.match(receipt.evidence, { status: 'DONE', rows: [{ seq: 1, result: 'ACCEPTED' }, { seq: 2, result: 'ACCEPTED' }], sm3: /^[0-9a-f]{64}$/ })
    t.match(receipt.sentDigest, /^[A-Za-z0-9_-]{43}$/)
  })

  await t.test('partial-reject: the rejected row is a refused item of the receipt, its reason without identity numbers', async (t) => {
    sim.failure = 'partial-reject'
    const items = [sampleEntry('SH', '310000', 110), sampleEntry('SH', '310000', 111, { person: true }), sampleEntry('SH', '310000', 112)]
    const d = delivery(items)
    const receipt = await adapter.deliver(d)
    t.same(receipt.refused, [{ index: 1, code: 'REJECTED', reason: '主体名称与统一社会信用代码登记信息不一致' }])
    t.notMatch(JSON.stringify(receipt), ID_NUMBER_SHAPE, 'no identity number in the receipt')
    t.ok(sim.held('SH', 'SH-black-110'), 'the accepted rows were applied')
    t.ok(sim.held('SH', 'SH-black-112'))
    t.notOk(sim.held('SH', 'SH-black-111'), 'the rejected row was not')
    sim.failure = 'none'
    const resent = await adapter.deliver({ ...d, items: [items[1]], resends: 1 })
    t.equal(resent.refused, undefined, 'the resend (a new batch id) is applied')
    t.ok(sim.held('SH', 'SH-black-111'))
  })

  await t.test('a batch whose every row is rejected is a permanent refusal', async (t) => {
    const bad = sampleEntry('SH', '310000', 115)
    bad.subject.creditCode = `${(bad.subject.creditCode ?? '').slice(0, 17)}${bad.subject.creditCode?.endsWith('0') === true ? '1' : '0'}`
    const err = await expectFailure(adapter.deliver(delivery([bad])))
    t.same([err.code, err.retryable], ['ADAPTER_REFUSED', false])
    t.match(err.message, /rejected 1 of 1 rows: row 1: 统一社会信用代码校验失败/)
  })

  await t.test('a row the platform finds invalid is refused with its reason, the others applied', async (t) => {
    const bad = sampleEntry('SH', '310000', 113)
    bad.subject.creditCode = `${(bad.subject.creditCode ?? '').slice(0, 17)}${bad.subject.creditCode?.endsWith('0') === true ? '1' : '0'}`
    const receipt = await adapter.deliver(delivery([sampleEntry('SH', '310000', 114), bad]))
    t.match(receipt.refused, [{ index: 1, code: 'REJECTED', reason: /统一社会信用代码校验失败/ }])
    t.ok(sim.held('SH', 'SH-black-114'))
    t.notOk(sim.held('SH', 'SH-black-113'))
  })

  await t.test('stall: a batch still processing at the bound is retryable, and the retry gets its result', async (t) => {
    sim.failure = 'stall'
    const d = delivery([sampleEntry('SH', '310000', 120)])
    const err = await expectFailure(adapter.deliver(d))
    t.same([err.retryable, err.unreachable], [true, false])
    t.match(err.message, /still PROCESSING/)
    sim.failure = 'none'
    await adapter.deliver(d)
    t.equal(sim.appliedCount(d.jti), 1, 'applied once')
    t.equal(sim.uploads.filter((u) => u.batchId === nativeMessageId(d.origin, d.jti)).length, 2, 'uploaded twice, processed once')
  })

  await t.test('duplicate: a platform answering a re-upload with BATCH_DUPLICATE still gives the result', async (t) => {
    const d = delivery([sampleEntry('SH', '310000', 130)])
    await adapter.deliver(d)
    sim.failure = 'duplicate'
    const again = await adapter.deliver(d)
    t.match(again.evidence, { status: 'DONE' })
    t.equal(sim.appliedCount(d.jti), 1)
  })

  await t.test('every other kind with its optional fields reaches the platform store', async (t) => {
    const entry = sampleEntry('SH', '310000', 140)
    await adapter.deliver(delivery([{ caseId: 'c140', mode: 'reward', entryId: entry.entryId, owner: 'SH', initiatingDepartment: { name: '上海市发展和改革委员会', code: 'SHFGW' }, subject: entry.subject, measures: ['fast-track', 'priority-support'], respondBy: '2026-12-01', feedbackBy: '2026-12-15', note: '备注|含;分隔符\\' }], 'punishment.notice'))
    const stored = sim.records.at(-1)
    t.equal(stored?.row.惩戒措施, 'fast-track|priority-support')
    t.equal(stored?.row.备注, '备注|含;分隔符\\')
  })

  await t.test('Unicode names travel in GB18030 and come back whole', async (t) => {
    const entry = sampleEntry('SH', '310000', 150)
    entry.subject.name = '𠮷野家餐饮管理有限公司😀'
    entry.subject.responsiblePersons = [{ role: 'principal', name: '张三·阿卜杜拉' }]
    await adapter.deliver(delivery([entry]))
    t.same(sim.held('SH', entry.entryId)?.item, entry)
  })

  await t.test('a value GB18030 cannot carry is refused before anything is sent', async (t) => {
    const entry = sampleEntry('SH', '310000', 160)
    entry.facts = '事由\uD800'
    const uploads = sim.uploads.length
    const err = await expectFailure(adapter.deliver(delivery([sampleEntry('SH', '310000', 161), entry])))
    t.equal(err.retryable, false)
    t.match(err.message, /item 2 .*facts: a lone surrogate U\+D800/)
    t.equal(sim.uploads.length, uploads, 'nothing uploaded')
  })

  await t.test('invalid-receipt: a result with more verdicts than rows is not believed', async (t) => {
    sim.failure = 'invalid-receipt'
    const err = await expectFailure(adapter.deliver(delivery([sampleEntry('SH', '310000', 170)])))
    t.equal(err.retryable, false)
    t.match(err.message, /invalid batch result: 2 row verdicts for 1 rows sent/)
  })

  await t.test('health follows the platform', async (t) => {
    t.equal((await adapter.health()).state, 'up')
    sim.failure = 'error-500'
    t.same(await adapter.health(), { state: 'down', detail: 'health answered 503' })
  })
})
